// Browser steps for the portal's pages (#21 points 3, 4, 6, 10, 12 and the
// accessibility check), called from environments.e2e.mjs.
//
// Setup, through the REST API as the guest (the guest provider's refresh
// answers with a token): two environments from `dev-namespace`, one left
// Ready with an image, one destroyed. Then:
// - the EnvironmentTemplate page shows version, parameters with policies,
//   resources with their dependencies, guardrails, usage by version and the
//   generated software template, and has no tab it cannot fill;
// - the Templates tab shows usage and logs no "rows without id";
// - the environment page has Inputs with Edit showing what will change, a
//   confirmed Redeploy, and says in text why Upgrade is off; the change is
//   acknowledged by a toast;
// - tables keep words whole, event messages stay inside the card, endpoint
//   URLs do not wrap a character per line; the All table fits at 1400 px
//   (endpoints cut with an ellipsis, the URL on hover);
// - the template page gives About room: "EnvironmentTemplate" on one line;
// - the All tab's owner filter is a choice of catalog owners, says nothing
//   about filters when none is set, and links a destroyed environment to a
//   readable history page;
// - axe-core finds no serious or critical violation on the Environments
//   page, an environment page, a template page and the Create form.
// Screenshots: environment-template-page.png, environments-page-templates.png,
// environment-inputs-edit.png, environment-redeploy-dialog.png,
// environment-overview-card.png, environment-kubernetes-tab.png,
// environments-page-all-owner.png, environment-history-page.png.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { guestApiOrSkip } from './api.mjs';

const TEMPLATE = 'environmenttemplate:default/dev-namespace';
const TEMPLATE_PAGE = '/catalog/default/environmenttemplate/dev-namespace';
const CREATE_FORM = '/create/templates/default/create-dev-namespace';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Serious and critical axe-core violations on the page as it is now. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) {
    await page.addScriptTag({ content: axeSource });
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    }));
  });
  return violations.filter(
    v =>
      (v.impact === 'serious' || v.impact === 'critical') && !upstreamChrome(v),
  );
}

/**
 * Violations in Backstage's own app chrome, not in Envkit's pages, set aside
 * rule by rule and element by element; anything else still fails:
 * - the Create page's header tabs (react-aria Tabs, ids
 *   `react-aria…-tab-<name>`) point `aria-controls` at a tab panel the page
 *   does not render (aria-valid-attr-value);
 * - a sidebar item whose visible text adds an unread count to its accessible
 *   name (Notifications, once the approvals steps sent one;
 *   label-content-name-mismatch).
 */
const UPSTREAM = [
  ['aria-valid-attr-value', /^#react-aria[^ ]*-tab-[a-z-]+$/],
  ['label-content-name-mismatch', /^\.BackstageSidebarItem-root-\d+$/],
];
function upstreamChrome(violation) {
  return UPSTREAM.some(
    ([rule, target]) =>
      violation.id === rule &&
      violation.targets.length > 0 &&
      violation.targets.every(t => target.test(t)),
  );
}

async function expectAccessible(page, what) {
  // Check the page as it settles, not a card's loading spinner in passing.
  await page
    .waitForFunction(
      () => !document.querySelector('[role="progressbar"]'),
      null,
      { timeout: 30_000 },
    ) // prettier-ignore
    .catch(() => undefined);
  const bad = await axeViolations(page);
  if (bad.length) {
    throw new Error(
      `${what}: ${bad
        .map(v => `${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`)
        .join('; ')}`,
    );
  }
  return `${what}: no serious or critical violations`;
}

/**
 * Words cut across two lines inside `selector`'s cells, e.g. "namespa ce":
 * each word of each text node whose box has more than one line. A line may
 * end after a hyphen ("pages-" / "1a2b"): each part between hyphens is a
 * word of its own.
 */
function brokenWords(page, selector) {
  return page.evaluate(sel => {
    const broken = [];
    for (const root of document.querySelectorAll(sel)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const match of text.matchAll(/[^\s-]+-?/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const tops = new Set(
            [...range.getClientRects()]
              .filter(r => r.width > 0)
              .map(r => Math.round(r.top)),
          );
          if (tops.size > 1) broken.push(match[0]);
        }
      }
    }
    return broken;
  }, selector);
}

/** Lines the text of `locator`'s element takes: 1 when no word is cut. */
function linesOf(locator) {
  return locator.evaluate(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set(
      [...range.getClientRects()]
        .filter(r => r.width > 0)
        .map(r => Math.round(r.top)),
    ).size;
  });
}

/**
 * @param {import('playwright-core').Page} page signed in as the guest
 * @param {{ baseUrl: string, backendUrl?: string, timeout: number,
 *   step: (name: string, fn: () => Promise<unknown>) => Promise<void>,
 *   skip: (name: string, why: string) => void,
 *   shot: (page: import('playwright-core').Page, file: string, fullPage?: boolean) => Promise<unknown> }} t
 */
export async function pageSteps(page, t) {
  const api = await guestApiOrSkip(
    t,
    'pages: template, inputs, layout, All tab, accessibility',
  );
  if (!api) return;
  const { call, waitForPhase, removeLeftovers } = api;
  const warnings = [];
  page.on('console', m => {
    if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
  });

  const suffix = Date.now().toString(36).slice(-5);
  let live;
  let gone;
  await t.step('pages: a Ready and a destroyed environment exist', async () => {
    // Earlier runs' leftovers count against the template's per-owner
    // limit until they are gone.
    const removed = await removeLeftovers(
      TEMPLATE,
      envName => !/^(pages|gone)-/.test(envName),
    );
    for (const id of removed) {
      await waitForPhase(id, ['Destroyed'], 5 * 60_000);
    }
    live = await call('POST', '/environments', {
      name: `pages-${suffix}`,
      templateRef: TEMPLATE,
      inputs: { image: 'nginx:1.27', containerPort: 80 },
    });
    gone = await call('POST', '/environments', {
      name: `gone-${suffix}`,
      templateRef: TEMPLATE,
    });
    live = await waitForPhase(live.id, ['Ready'], 5 * 60_000);
    await waitForPhase(gone.id, ['Ready', 'Failed'], 5 * 60_000);
    await call('DELETE', `/environments/${gone.id}`);
    gone = await waitForPhase(gone.id, ['Destroyed'], 5 * 60_000);
    return `${live.spec.name} Ready, ${gone.spec.name} Destroyed`;
  });

  // Point 3: the EnvironmentTemplate page.
  await t.step(
    'template page: version, parameters and policies, resources, guardrails, usage, software template',
    async () => {
      await page.goto(`${t.baseUrl}${TEMPLATE_PAGE}`);
      const card = page.locator('article, .MuiCard-root').filter({
        hasText: 'Environment template, version',
      });
      await card.first().waitFor({ timeout: t.timeout });
      const params = page.getByRole('table', { name: 'Parameters' });
      await params.getByText('Locked: always the default').waitFor();
      await params.getByText('Restricted: one of the listed values').waitFor();
      await params.getByText('Overridable: any valid value').first().waitFor();
      const resources = page.getByRole('table', { name: 'Resources' });
      await resources.getByText('kubernetes-namespace').waitFor();
      await page.getByText('Longest extension').waitFor();
      await page
        .getByText(/^\d+ environments?, /)
        .first()
        .waitFor({ timeout: t.timeout });
      await page
        .getByRole('table', { name: 'Environments by version' })
        .waitFor();
      const link = page.getByRole('link', {
        name: 'New Development namespace environment',
      });
      await link.waitFor({ timeout: t.timeout });
      if (!(await link.getAttribute('href')).endsWith(CREATE_FORM)) {
        throw new Error(
          `software template link: ${await link.getAttribute('href')}`,
        );
      }
      // Only the tabs the page can fill: nothing but Overview here.
      const empty = await page
        .locator('main')
        .locator('a, button, [role="tab"]')
        .filter({ hasText: /^(TechDocs|Docs|Kubernetes|API|Dependencies)$/ })
        .allInnerTexts();
      if (empty.length) throw new Error(`empty tabs offered: ${empty}`);
      await t.shot(page, 'environment-template-page.png');
    },
  );
  await t.step(
    'template page: About has room for its fields; the kind is not cut',
    async () => {
      // The page is open from the step before; About is Backstage's card.
      const kind = page
        .locator('main')
        .getByText('EnvironmentTemplate', { exact: true });
      await kind.first().waitFor({ timeout: t.timeout });
      const cut = [];
      for (const el of await kind.all()) {
        if ((await linesOf(el)) > 1) cut.push(await el.innerText());
      }
      if (cut.length) throw new Error(`kind over two lines: ${cut[0]}`);
      return `${await kind.count()} on one line`;
    },
  );
  await t.step('accessibility: a template page', () =>
    expectAccessible(page, 'template page'),
  );

  // Points 3 and 12: the Templates tab.
  await t.step(
    'templates tab: usage per template, no "rows without id" warning',
    async () => {
      warnings.length = 0;
      await page.goto(`${t.baseUrl}/environments?tab=templates`);
      await page
        .getByRole('columnheader', { name: 'In use by' })
        .waitFor({ timeout: t.timeout });
      await page
        .getByText(/^\d+ environments?, /)
        .first()
        .waitFor({ timeout: t.timeout });
      await t.shot(page, 'environments-page-templates.png');
      const noId = warnings.filter(w => /without id/i.test(w));
      if (noId.length) throw new Error(noId[0]);
    },
  );

  // Point 4: inputs, Redeploy, Upgrade.
  const envPage = async () => {
    await page.goto(`${t.baseUrl}/environments?tab=all`);
    await page
      .getByRole('link', { name: live.spec.name, exact: true })
      .click({ timeout: 60_000 });
    await page.waitForURL(/\/catalog\/[^/]+\/resource\//, {
      timeout: t.timeout,
    });
    await page.getByRole('table', { name: 'Inputs' }).waitFor({
      timeout: t.timeout,
    });
  };
  await t.step(
    'environment page: Inputs shows values, never a secret; Edit shows the change, then applies it with a toast',
    async () => {
      await envPage();
      const inputs = page.getByRole('table', { name: 'Inputs' });
      await inputs.getByText('nginx:1.27').waitFor();
      await inputs.getByText('Locked').waitFor();
      await page
        .getByRole('button', { name: `Edit inputs of ${live.spec.name}` })
        .click();
      const dialog = page.getByRole('dialog');
      const image = dialog.getByLabel('Container image (optional)');
      await image.fill('nginx:1.28');
      await dialog
        .getByRole('status', { name: 'What will change' })
        .getByText('nginx:1.27 → nginx:1.28')
        .waitFor();
      await t.shot(page, 'environment-inputs-edit.png', false);
      await dialog.getByRole('button', { name: 'Apply 1 change' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: t.timeout });
      // The ToastApi's display, not the AlertApi's snackbar.
      await page
        .getByText(`Changing the inputs of ${live.spec.name}`)
        .first()
        .waitFor({ timeout: t.timeout });
      await inputs.getByText('nginx:1.28').waitFor({ timeout: t.timeout });
    },
  );
  await t.step(
    'environment page: Redeploy confirms and says what it does; why Upgrade is off is text',
    async () => {
      await page
        .getByText(/^Upgrade is off: .* the newest of its template\.$/)
        .waitFor({ timeout: t.timeout });
      await page
        .getByRole('button', { name: `Redeploy ${live.spec.name}` })
        .click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText(/rolled out again with the same inputs/).waitFor();
      await t.shot(page, 'environment-redeploy-dialog.png', false);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: t.timeout });
    },
  );

  // Point 6: layout.
  await t.step(
    'layout: whole words in tables, events inside the card, endpoint URLs on one line',
    async () => {
      await page.setViewportSize({ width: 1100, height: 1000 });
      try {
        await envPage();
        await page.getByRole('list', { name: 'Events' }).waitFor();
        const broken = await brokenWords(
          page,
          'table[aria-label="Resources"] td, table[aria-label="Resources"] th, table[aria-label="Inputs"] th',
        );
        if (broken.length) {
          throw new Error(`words broken in Resources: ${broken.join(', ')}`);
        }
        // Text is measured where it is drawn (a Range over each text node),
        // so text running past a parent that hides its overflow counts too.
        const cut = await page.evaluate(() => {
          const list = document.querySelector('[aria-label="Events"]');
          const card = list?.closest('.MuiCard-root') ?? list?.parentElement;
          const right = card.getBoundingClientRect().right;
          const places = card.querySelectorAll(
            '[aria-label="Events"] li, dd, pre',
          );
          const out = [];
          for (const place of places) {
            const walker = document.createTreeWalker(
              place,
              NodeFilter.SHOW_TEXT,
            );
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              // Visually hidden text for screen readers is 1 px wide.
              if (node.parentElement.getBoundingClientRect().width <= 1)
                continue;
              const range = document.createRange();
              range.selectNodeContents(node);
              if (range.getBoundingClientRect().right > right + 1) {
                out.push(place.textContent.slice(0, 80));
                break;
              }
            }
          }
          return out;
        });
        if (cut.length)
          throw new Error(`text runs past the card's edge: ${cut[0]}`);
        await t.shot(page, 'environment-overview-card.png');
        await page.goto(`${t.baseUrl}/environments?tab=all`);
        const endpoint = page.locator('table a[href^="http"]').first();
        await endpoint.waitFor({ timeout: t.timeout });
        const lines = await endpoint.evaluate(
          a =>
            new Set(
              [...a.getClientRects()]
                .filter(r => r.width > 0)
                .map(r => Math.round(r.top)),
            ).size,
        );
        if (lines > 1) {
          throw new Error(`an endpoint URL wraps over ${lines} lines`);
        }
        return 'at 1100 px wide';
      } finally {
        await page.setViewportSize({ width: 1400, height: 1000 });
      }
    },
  );
  await t.step('accessibility: an environment page', async () => {
    await envPage();
    return expectAccessible(page, 'environment page');
  });

  const kubernetesTab = page
    .locator('main')
    .getByText('Kubernetes', { exact: true })
    .first();
  if (await kubernetesTab.count()) {
    await t.step('environment page: the Kubernetes tab', async () => {
      await kubernetesTab.click();
      await page
        .getByText(/pods?|deployment/i)
        .first()
        .waitFor({
          timeout: t.timeout,
        });
      await t.shot(page, 'environment-kubernetes-tab.png');
    });
  } else {
    t.skip('environment page: the Kubernetes tab', 'no Kubernetes tab');
  }

  // Point 10: the All tab.
  await t.step(
    'all tab: owners to pick from the catalog; no "match these filters" without a filter',
    async () => {
      await page.goto(`${t.baseUrl}/environments?tab=all`);
      await page.getByText(/All environments \(\d+\)/).waitFor({
        timeout: t.timeout,
      });
      if (await page.getByText('No environments match these filters').count()) {
        throw new Error('"No environments match these filters" with no filter');
      }
      const owner = page.getByRole('button', { name: /Any owner/ });
      await owner.click();
      // The choices come from the catalog, which may still be taking in
      // the example org right after a start.
      await page
        .getByRole('option', { name: /\(group\)$/ })
        .first()
        .waitFor({ timeout: t.timeout })
        .catch(() => undefined);
      const options = await page.getByRole('option').allInnerTexts();
      if (!options.some(o => /\(group\)$/.test(o))) {
        throw new Error(`owner choices: ${options.join(', ')}`);
      }
      if (options.some(o => /team-a\b/.test(o))) {
        throw new Error('an owner that does not exist is offered');
      }
      await page.getByRole('option', { name: /^Guest/ }).click();
      // The choice list fades out; the screenshot waits until it is gone.
      await page.waitForFunction(
        () => !document.querySelector('.MuiPopover-root'),
        null,
        { timeout: t.timeout },
      );
      await page
        .getByRole('link', { name: live.spec.name, exact: true })
        .waitFor({ timeout: t.timeout });
      await t.shot(page, 'environments-page-all-owner.png');
      return `${options.length} choices`;
    },
  );
  await t.step(
    'all tab: the table fits at 1400 px, endpoints cut with their URL on hover, owners whole',
    async () => {
      await page.goto(`${t.baseUrl}/environments?tab=all`);
      await page
        .getByRole('link', { name: live.spec.name, exact: true })
        .waitFor({ timeout: t.timeout });
      const width = page.viewportSize().width;
      for (const name of ['Component', 'Cost']) {
        const header = page.getByRole('columnheader', { name, exact: true });
        const box = await header.boundingBox();
        if (!box || box.x + box.width > width) {
          throw new Error(`the ${name} column is off screen`);
        }
      }
      const endpoint = page.locator('table a[href^="http"]').first();
      await endpoint.waitFor({ timeout: t.timeout });
      const title = await endpoint.getAttribute('title');
      if (!title || !(await endpoint.getAttribute('href')).includes(title)) {
        throw new Error(`endpoint link title: ${title}`);
      }
      const broken = await brokenWords(page, 'table td');
      if (broken.length) {
        throw new Error(`words broken in the table: ${broken.join(', ')}`);
      }
      return `at ${width} px`;
    },
  );
  await t.step('accessibility: the Environments page', () =>
    expectAccessible(page, 'Environments page'),
  );
  await t.step(
    'all tab: a destroyed environment opens its history page',
    async () => {
      // The list leaves destroyed environments out unless asked for them.
      await page.goto(`${t.baseUrl}/environments?tab=all&phase=Destroyed`);
      await page
        .getByRole('link', { name: `History of ${gone.spec.name} (destroyed)` })
        .click({ timeout: t.timeout });
      await page.waitForURL(/\/environments\/history\//, {
        timeout: t.timeout,
      });
      await page
        .getByRole('status')
        .filter({ hasText: 'Phase: Destroyed' })
        .first()
        .waitFor({ timeout: t.timeout });
      await page.getByRole('list', { name: 'Events' }).waitFor();
      await t.shot(page, 'environment-history-page.png');
    },
  );

  await t.step('accessibility: the Create form', async () => {
    await page.goto(`${t.baseUrl}${CREATE_FORM}`);
    await page.getByLabel(/name/i).first().waitFor({ timeout: t.timeout });
    return expectAccessible(page, 'Create form');
  });

  // Leave nothing running for the next run.
  await call('DELETE', `/environments/${live.id}`).catch(() => undefined);
}
