// Browser steps for the portal's dead ends (#21 point 8): the project's own
// documentation reads under Docs, and search answers a TechDocs query
// without a server error. Called from environments.e2e.mjs.

import { backendUrlOf, guestToken } from './api.mjs';

export async function docsSteps(page, t) {
  await t.step(
    'docs: Envkit documentation is listed under Docs and reads',
    async () => {
      await page.goto(`${t.baseUrl}/docs`);
      const link = page.getByRole('link', { name: 'envkit', exact: true });
      await link.first().waitFor({ timeout: t.timeout });
      await link.first().click();
      await page.waitForURL(/\/docs\/default\/component\/envkit/, {
        timeout: t.timeout,
      });
      const intro = page
        .getByText(/Envkit lets developers create short-lived environments/)
        .first();
      // TechDocs keeps a page transparent until every stylesheet it links
      // has loaded (one from an unreachable host never does), which
      // Playwright's visibility does not see.
      const shown = async () =>
        (await intro.count()) > 0 &&
        (await intro.evaluate(element => {
          for (
            let e = element;
            e;
            e = e.parentElement ?? e.getRootNode().host
          ) {
            const style = getComputedStyle(e);
            if (style.opacity === '0' || style.visibility === 'hidden') {
              return false;
            }
          }
          return true;
        }));
      // The first visit builds the site with mkdocs, which takes a while; a
      // build that finishes while the page is open is offered, not shown.
      const refresh = page.getByRole('button', { name: /^refresh$/i });
      const until = Date.now() + 3 * 60_000;
      while (!(await shown())) {
        if (Date.now() > until) {
          throw new Error('the docs page is never shown');
        }
        if (await refresh.isVisible()) await refresh.click();
        await page.waitForTimeout(500);
      }
      await t.shot(page, 'docs-envkit.png');
    },
  );

  await t.step(
    'search: a TechDocs query answers without a server error',
    async () => {
      const backend = backendUrlOf(t);
      const token = await guestToken(backend);
      const statuses = [];
      for (const query of [
        'term=techdocs',
        'term=envkit&types%5B0%5D=techdocs',
      ]) {
        const res = await fetch(`${backend}/api/search/query?${query}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        statuses.push(res.status);
        if (res.status !== 200) {
          throw new Error(`search ${query}: HTTP ${res.status}`);
        }
      }
      await page.goto(`${t.baseUrl}/search?query=techdocs`);
      await page
        .getByRole('heading', { name: /search/i })
        .first()
        .waitFor({ timeout: t.timeout });
      const broken = page.getByText(/Error|Failed to fetch|500/);
      await page.waitForLoadState('networkidle');
      if (await broken.count()) {
        throw new Error(
          `the search page says: ${await broken.first().innerText()}`,
        );
      }
      return `HTTP ${statuses.join(', ')}`;
    },
  );
}
