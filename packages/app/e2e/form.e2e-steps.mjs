// Browser steps for the Create form (issue #21, points 2, 9 and 11), called
// from environments.e2e.mjs. Nothing is created: each step stops before the
// task would start.
//
// Point 2: the generated ECS form says what is wrong in words, by the
//   field's title, before a task starts: a name against the rules, a taken
//   name (as you type), a port that is not a number, an image that is not a
//   reference; the lifetime is a choice bounded by the template.
// Point 9: the two ECS templates say on their cards when to pick them; a
//   component page opens with its Environments card before its last card, and
//   its "Create an environment" opens a form with the component filled in.
// Point 11: the review lists the fields in form order, by title, with the
//   component's name and the lifetime in words; optional fields left empty
//   have no row.
// Screenshots: create-templates.png, create-form-errors.png,
// create-form-lifetime.png, create-form-name-taken.png, component-create-environment.png,
// create-form-review.png.

import { chooseTemplate } from './create.mjs';

const GENERATED_ECS = 'New ECS web service environment';
const HANDWRITTEN_ECS = 'Create an ECS environment';

/** Opens the form of the template titled `title` from the Create page. */
async function openTemplate(page, t, title) {
  await chooseTemplate(page, t, title, { exact: true });
  await page.getByLabel('Name').first().waitFor({ timeout: t.timeout });
}

/**
 * Types a new name (`prefix-…`) and waits until the name field says it is
 * free.
 */
async function fillFreeName(page, prefix, timeout) {
  await page
    .getByLabel('Name')
    .first()
    .fill(`${prefix}-${Date.now().toString(36).slice(-6)}`, { timeout });
  await page
    .getByText(/is free$/)
    .first()
    .waitFor({ timeout });
}

/** The texts of the form's error list and field messages. */
async function errorsShown(page) {
  return (await page.locator('.MuiFormHelperText-root.Mui-error, .MuiListItemText-primary').allInnerTexts()).join('\n'); // prettier-ignore
}

/** Fails when a message shows a regular expression or a made-up title. */
function assertReadable(text) {
  if (/must match pattern|\^\[|'Inputs /.test(text)) {
    throw new Error(`a message is not in words: ${text}`);
  }
}

/**
 * @param {import('playwright-core').Page} page signed in as the guest
 * @param {{ baseUrl: string, timeout: number,
 *   step: (name: string, fn: () => Promise<unknown>) => Promise<void>,
 *   skip: (name: string, why: string) => void,
 *   shot: (page: import('playwright-core').Page, file: string, fullPage?: boolean) => Promise<unknown> }} t
 */
export async function formSteps(page, t) {
  const { step, shot, timeout } = t;

  await step(
    'form: each ECS template says on its card when to pick it',
    async () => {
      const cardOf = title =>
        page
          .locator('.MuiCard-root')
          .filter({ has: page.getByText(title, { exact: true }) })
          .first();
      // Software templates generated from environment templates reach the
      // catalog a processing loop or two after a fresh start; the page
      // shows what the catalog had when it loaded.
      const deadline = Date.now() + 2 * 60_000;
      for (;;) {
        await page.goto(`${t.baseUrl}/create`);
        try {
          await cardOf(GENERATED_ECS).waitFor({ timeout: 10_000 });
          break;
        } catch (e) {
          if (Date.now() > deadline) throw e;
        }
      }
      for (const title of [GENERATED_ECS, HANDWRITTEN_ECS]) {
        const card = cardOf(title);
        await card.waitFor({ timeout });
        await card
          .getByText(/Pick this/)
          .first()
          .waitFor({ timeout });
      }
      await shot(page, 'create-templates.png');
    },
  );

  await step(
    'form: a name against the rules is explained in words as you type',
    async () => {
      await openTemplate(page, t, GENERATED_ECS);
      await page.getByLabel('Name').first().fill('Shop');
      await page
        .getByText("The name must be lowercase; try 'shop'")
        .waitFor({ timeout });
    },
  );

  await step(
    'form: the lifetime is a choice in words, bounded by the template',
    async () => {
      await fillFreeName(page, 'form', timeout);
      const lifetime = page.getByLabel('Lifetime').first();
      await lifetime.click();
      const options = await page.getByRole('option').allInnerTexts();
      await shot(page, 'create-form-lifetime.png', false);
      await page.keyboard.press('Escape');
      if (!options.includes('8 hours') || !options.includes('7 days')) {
        throw new Error(`lifetimes offered: ${options.join(', ')}`);
      }
      if (options.some(o => /P\d|PT\d|30 days/.test(o))) {
        throw new Error(
          `a lifetime is raw or above the maximum: ${options.join(', ')}`,
        );
      }
      return options.join(', ');
    },
  );

  await step(
    'form: a bad port and image are refused by title, in words, before a task',
    async () => {
      await page.getByRole('button', { name: /^next$/i }).click();
      await page
        .getByLabel(/Container image/)
        .first()
        .fill('Not An Image');
      const port = page.getByLabel(/Container port/).first();
      await port.fill('80a');
      await page.getByRole('button', { name: /^next$/i }).click();
      await page
        .getByText("'Container port' must be a whole number")
        .first()
        .waitFor({ timeout });
      await page
        .getByText(/'Container image' is not in the expected form/)
        .first()
        .waitFor({ timeout });
      assertReadable(await errorsShown(page));
      // Still on the settings page: nothing went further.
      await port.waitFor({ timeout });
      await shot(page, 'create-form-errors.png');
    },
  );

  await step('form: a taken name is refused as you type', async () => {
    // A live environment to collide with, made through the API as the guest.
    const backendUrl = (t.backendUrl ?? process.env.E2E_BACKEND_URL ?? 'http://localhost:7007').replace(/\/$/, ''); // prettier-ignore
    const refresh = await page.request.get(`${backendUrl}/api/auth/guest/refresh?env=development`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } }); // prettier-ignore
    const token = (await refresh.json()).backstageIdentity?.token;
    const api = `${backendUrl}/api/environments`;
    const headers = { Authorization: `Bearer ${token}` };
    const taken = `taken-${Date.now().toString(36).slice(-6)}`;
    const created = await page.request.post(`${api}/environments`, {
      headers,
      data: { name: taken, templateRef: 'dev-namespace', ttl: 'PT1H' },
    });
    if (!created.ok()) throw new Error(`could not create '${taken}': ${created.status()} ${await created.text()}`); // prettier-ignore
    const { id } = await created.json();
    try {
      await openTemplate(page, t, GENERATED_ECS);
      await page.getByLabel('Name').first().fill(taken);
      await page.getByText(`An environment named '${taken}' already exists; pick another name`).waitFor({ timeout }); // prettier-ignore
      // Next refuses it too: the form stays on its first page.
      await page.getByRole('button', { name: /^next$/i }).click();
      await page.getByText(/ECS web service settings/).first().waitFor({ timeout }); // prettier-ignore
      await page.getByLabel('Name').first().waitFor({ timeout });
      await shot(page, 'create-form-name-taken.png', false);
    } finally {
      await page.request.delete(`${api}/environments/${id}`, { headers });
    }
    return taken;
  });

  await step(
    "component: the Environments card is not the page's last card",
    async () => {
      await page.goto(`${t.baseUrl}/catalog/default/component/storefront-web`, { timeout: 90_000 }); // prettier-ignore
      const header = page.locator('.MuiCardHeader-title').filter({ hasText: /^Environments$/ }).first(); // prettier-ignore
      await header.waitFor({ timeout });
      // Let the other cards render before comparing places.
      await page.getByText('Relations', { exact: true }).first().waitFor({ timeout }); // prettier-ignore
      const top = (await header.boundingBox()).y;
      const below = [];
      for (const heading of await page
        .locator('main h2, main h3, main h4, main h5')
        .all()) {
        // prettier-ignore
        const box = await heading.boundingBox();
        if (box && box.y > top + 100) below.push(await heading.innerText());
      }
      if (!below.length) throw new Error('the Environments card is the last card on the page'); // prettier-ignore
      return `above ${below.join(', ')}`;
    },
  );

  await step(
    'component: "Create an environment" is a disabled button, never a link, until the templates are read',
    async () => {
      // Hold the catalog's answer about environment templates, so the
      // button's waiting state lasts as long as the check needs.
      const templatesQuery = url =>
        url.pathname.endsWith('/api/catalog/entities') &&
        decodeURIComponent(url.search).includes('spec.type=environment');
      let release;
      const held = new Promise(resolve => {
        release = resolve;
      });
      await page.route(templatesQuery, async route => {
        await held;
        await route.continue().catch(() => undefined);
      });
      try {
        await page.goto(`${t.baseUrl}/catalog/default/component/storefront-web`, { timeout: 90_000 }); // prettier-ignore
        const waiting = page
          .locator('button[aria-busy="true"]', {
            hasText: 'Create an environment',
          })
          .first();
        await waiting.waitFor({ timeout });
        if (!(await waiting.isDisabled())) {
          throw new Error('the waiting button can be clicked');
        }
        const links = await page
          .locator('main a', { hasText: 'Create an environment' })
          .count();
        if (links) throw new Error(`${links} link(s) while the templates load`);
      } finally {
        release();
        await page.unroute(templatesQuery);
      }
      await page
        .locator('button[aria-haspopup="menu"]', {
          hasText: 'Create an environment',
        })
        .first()
        .waitFor({ timeout });
    },
  );

  await step(
    'component: "Create an environment" opens the form with the component filled in',
    async () => {
      // The button opens the menu once the templates are read.
      await page
        .locator('button[aria-haspopup="menu"]', {
          hasText: 'Create an environment',
        })
        .first()
        .click();
      // While the card re-renders, MUI may briefly hold the menu twice.
      const menu = page.getByRole('menu').first();
      await menu.waitFor({ timeout });
      // The menu fades in; the screenshot waits for it to settle.
      await page.waitForTimeout(500);
      await shot(page, 'component-create-environment.png', false);
      await menu
        .getByRole('menuitem')
        .filter({ hasText: HANDWRITTEN_ECS })
        .click();
      await page.waitForURL(/formData=/, { timeout });
      const component = page.getByLabel('Component').first();
      await component.waitFor({ timeout });
      const value = await component.inputValue();
      if (!/storefront-web/.test(value))
        throw new Error(`Component field holds '${value}'`);
    },
  );

  await step(
    'review: fields in form order, by title, with names and lifetimes in words',
    async () => {
      await fillFreeName(page, 'form', timeout);
      for (let i = 0; i < 4; i++) {
        const next = page.getByRole('button', { name: /^(next|review)$/i });
        if (!(await next.count())) break;
        await next.first().click();
        await page.waitForTimeout(500);
      }
      await page
        .getByRole('button', { name: /^create$/i })
        .waitFor({ timeout });
      const rows = await page.locator('table tr').allInnerTexts();
      await shot(page, 'create-form-review.png');
      const titles = rows.map(r => r.split('\t')[0].trim());
      const expected = [
        'Component',
        'Name',
        'Container image',
        'Container port',
        'Lifetime',
      ];
      if (JSON.stringify(titles) !== JSON.stringify(expected)) {
        throw new Error(`review rows: ${rows.join(' | ')}`);
      }
      const text = rows.join('\n');
      if (/component:default\//.test(text) || !/storefront-web/.test(text)) {
        throw new Error(`review shows the component as: ${text}`);
      }
      if (!/8 hours/.test(text))
        throw new Error(`review shows the lifetime as: ${text}`);
      return rows.join(' | ');
    },
  );

  // Generated from dev-namespace (component and image optional) and the
  // hand-written ECS template (component optional); nothing is chosen.
  for (const [form, path] of [
    ['generated dev-namespace', 'create-dev-namespace'],
    ['hand-written ECS', 'create-ecs-environment'],
  ]) {
    await step(
      `review: optional fields left empty have no row (${form})`,
      async () => {
        await page.goto(`${t.baseUrl}/create/templates/default/${path}`);
        await fillFreeName(page, 'rev', timeout);
        const create = page.getByRole('button', { name: /^create$/i });
        for (let i = 0; i < 5; i++) {
          const atReview = await create
            .waitFor({ timeout: 3_000 })
            .then(() => true, () => false); // prettier-ignore
          if (atReview) break;
          await page
            .getByRole('button', { name: /^(next|review)$/i })
            .first()
            .click();
        }
        await create.waitFor({ timeout });
        const rows = (await page.locator('table tr').allInnerTexts()).map(r =>
          r.split('\t').map(cell => cell.trim()),
        );
        const empty = rows.filter(([, v]) => !v).map(([title]) => title);
        if (empty.length) {
          throw new Error(`empty review rows: ${empty.join(', ')}`);
        }
        const titles = rows.map(([title]) => title);
        if (titles.includes('Component') || !titles.includes('Name')) {
          throw new Error(`review rows: ${titles.join(', ')}`);
        }
        return titles.join(', ');
      },
    );
  }
}
