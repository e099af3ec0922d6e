#!/usr/bin/env node
// Browser test of the Envkit frontend against a running app.
//
//   node packages/app/e2e/environments.e2e.mjs [--base-url URL] [--out DIR]
//        [--full] [--fixtures]
//
// Default: guest sign-in, the Environments page (Mine, All, Templates), and —
// when an environment exists — its entity page with the overview card, plus a
// component page with the environments card. Screenshots go to --out.
// --full: the whole flow through the scaffolder (Create → ECS template →
//   image/port → task finishes → environment page → Ready + endpoint →
//   Extend → Destroy → Destroyed). Needs the scaffolder actions and drivers.
// --parts a,b: only these groups of steps (basic, approvals, form, pages,
//   docs, follow, sleep, fullstack; --full adds the Create flows).
// --fixtures: the overview card fed by fixture API answers (intercepted in
//   the browser), to check and screenshot each phase without a backend flow.
//
// Exits non-zero when a check fails. Uses /usr/bin/chromium (CHROMIUM env to
// override); never downloads a browser.

/* eslint-disable no-console -- a command-line report */
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chooseTemplate, fillAndRun, waitForTask } from './create.mjs';
import { routeFixtures } from './fixtures.mjs';
import { kubernetesSteps } from './kubernetes.e2e-steps.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const flag = name => process.argv.includes(`--${name}`);
// --parts basic,pages,… runs only those groups of steps (all by default).
const parts = option('parts', '').split(',').filter(Boolean);
const part = name => !parts.length || parts.includes(name);

const baseUrl = option(
  'base-url',
  process.env.E2E_BASE_URL ?? 'http://localhost:3000',
).replace(/\/$/, '');
const outDir = resolve(option('out', 'docs/images'));
const timeout = Number(option('timeout', '20000'));
// The software templates --full runs under Create: the hand-written ECS one
// and the one generated from the dev-namespace EnvironmentTemplate.
const fullTemplates = option(
  'template',
  'Create an ECS environment,New Development namespace environment',
).split(',');
mkdirSync(outDir, { recursive: true });

const results = [];
// Backstage's warnings that a plugin posted through the deprecated AlertApi
// instead of the ToastApi (#21 point 12), from the page's console.
const alertApiWarnings = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    const note = await fn();
    results.push({ name, ok: true, note });
    console.log(
      `✓ ${name}${note ? ` — ${note}` : ''} (${Date.now() - started} ms)`,
    );
  } catch (e) {
    results.push({ name, ok: false, note: e.message });
    console.log(`✗ ${name} — ${e.message.split('\n')[0]}`);
    throw e;
  }
}
const slug = text => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const skip = (name, why) => {
  results.push({ name, ok: true, skipped: true, note: why });
  console.log(`- ${name} — skipped: ${why}`);
};
const shot = (page, file, fullPage = true) =>
  page.screenshot({ path: join(outDir, file), fullPage });

async function signIn(page) {
  await page.goto(`${baseUrl}/`);
  const enter = page.getByRole('button', { name: /enter/i });
  await enter.first().waitFor({ timeout });
  await enter.first().click();
  await page.getByText('Environments').first().waitFor({ timeout });
}

/** The overview card's live phase: the role=status region. */
const phaseOf = page =>
  page.getByRole('status').filter({ hasText: 'Phase:' }).first();

async function waitForPhase(page, phase, ms) {
  await phaseOf(page)
    .filter({ hasText: `Phase: ${phase}` })
    .waitFor({ timeout: ms });
}

/**
 * Opens the card's `action` dialog for environment `name`, waits for `text`
 * in it when given, takes `screenshot` when given, and confirms.
 */
async function confirmAction(page, { action, name, text, screenshot }) {
  await page.getByRole('button', { name: `${action} ${name}` }).click();
  const dialog = page.getByRole('dialog');
  if (text) await dialog.getByText(text).waitFor({ timeout });
  if (screenshot) await shot(page, screenshot, false);
  await dialog.getByRole('button', { name: action }).click();
  return dialog;
}

async function basicFlow(page) {
  await step('environments page lists my environments', async () => {
    await page.goto(`${baseUrl}/environments`);
    await page.getByRole('tab', { name: 'Mine' }).waitFor({ timeout });
    await page
      .getByText(/You have no environments yet|My environments/)
      .first()
      .waitFor({ timeout });
    await shot(page, 'environments-page-mine.png');
  });
  await step('all tab offers owner, template and phase filters', async () => {
    await page.getByRole('tab', { name: 'All' }).click();
    await page
      .getByText(/All environments \(\d+\)|No environments yet/)
      .first()
      .waitFor({ timeout });
    await page.getByLabel('Owner', { exact: true }).waitFor({ timeout });
    await shot(page, 'environments-page-all.png');
  });
  await step('templates tab lists environment templates', async () => {
    await page.getByRole('tab', { name: 'Templates' }).click();
    await page.getByText('Environment templates').first().waitFor({ timeout });
    await page.waitForTimeout(500);
    await shot(page, 'environments-page-templates.png');
    const rows = await page.getByText(/Validation: (Valid|Invalid)/).count();
    return `${rows} template(s)`;
  });

  await page.goto(`${baseUrl}/environments?tab=all`);
  await page
    .getByText(/All environments \(\d+\)|No environments yet/)
    .first()
    .waitFor({ timeout });
  const firstEnv = page
    .locator('table a[href*="/catalog/default/resource/"]')
    .first();
  if (await firstEnv.count()) {
    await step('an environment opens with the overview card', async () => {
      await firstEnv.click();
      await phaseOf(page).waitFor({ timeout });
      await shot(page, 'environment-overview-card.png');
      return await phaseOf(page).innerText();
    });
  } else {
    skip(
      'an environment opens with the overview card',
      'no environment in the catalog yet',
    );
  }

  await step('a component page shows the environments card', async () => {
    await page.goto(`${baseUrl}/catalog/default/component/storefront-web`);
    const card = page.getByText('Environments', { exact: true }).first();
    await card.waitFor({ timeout });
    await page
      .getByText(/No environments yet|destroyed environment|Phase:/)
      .first()
      .waitFor({ timeout });
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'component-environments-card.png');
  });
}

async function fixtureFlow(page) {
  let phase = 'Provisioning';
  await routeFixtures(page, () => phase);
  const url = `${baseUrl}/catalog/default/resource/storefront-pr-7`;
  await step(
    'fixture: Provisioning shows, then Ready within 5 s without reload',
    async () => {
      await page.goto(url);
      await waitForPhase(page, 'Provisioning', timeout);
      await shot(page, 'environment-card-provisioning.png');
      phase = 'Ready';
      await waitForPhase(page, 'Ready', 5000);
    },
  );
  await step(
    'fixture: Ready card shows the endpoint link and newer version',
    async () => {
      await page
        .getByRole('link', { name: /^Open storefront-pr-7-alb/ })
        .waitFor({ timeout });
      await page.getByText('Version 1.1.0 available').waitFor({ timeout });
      await shot(page, 'environment-card-ready.png');
    },
  );
  await step(
    'fixture: Extend asks for a lifetime within the maximum',
    async () => {
      const dialog = await confirmAction(page, {
        action: 'Extend',
        name: 'storefront-pr-7',
        text: 'allows at most 3d',
        screenshot: 'environment-extend-dialog.png',
      });
      await dialog.waitFor({ state: 'hidden', timeout });
    },
  );
  await step(
    'fixture: Destroy asks for confirmation, then shows Destroyed',
    async () => {
      await confirmAction(page, {
        action: 'Destroy',
        name: 'storefront-pr-7',
        text: 'This cannot be undone',
        screenshot: 'environment-destroy-dialog.png',
      });
      phase = 'Destroying';
      await waitForPhase(page, 'Destroying', 5000);
      phase = 'Destroyed';
      await waitForPhase(page, 'Destroyed', 5000);
      await shot(page, 'environment-card-destroyed.png');
    },
  );
  await step('fixture: Failed shows the reason', async () => {
    phase = 'Failed';
    await page.reload();
    await waitForPhase(page, 'Failed', timeout);
    await page
      .getByText('StackRollbackComplete in service')
      .waitFor({ timeout });
    await shot(page, 'environment-card-failed.png');
  });
}

async function fullFlow(page, templateTitle) {
  const name = `e2e-${Date.now().toString(36).slice(-6)}`;
  await step(`create: '${templateTitle}' is offered under Create`, () =>
    chooseTemplate(page, { baseUrl, timeout }, templateTitle),
  );
  await step('create: fill name, image and port, then run', () =>
    fillAndRun(
      page,
      {
        timeout,
        onCostPage: () =>
          shot(page, `create-cost-estimate-${slug(templateTitle)}.png`),
      },
      name,
    ),
  );
  await step('create: the scaffolder task finishes', async () => {
    await waitForTask(page);
    await shot(page, 'scaffolder-task-done.png');
  });
  await step(
    'environment: opens and shows Ready with an endpoint link',
    async () => {
      await page.goto(`${baseUrl}/environments`);
      // The name is a link once the catalog has the environment's entity
      // (the endpoint link also contains the name, so match it exactly).
      await page
        .getByRole('link', { name, exact: true })
        .click({ timeout: 60_000 });
      await page.waitForURL(/\/catalog\/[^/]+\/resource\//, { timeout });
      await waitForPhase(page, 'Ready', 10 * 60_000);
      await shot(page, `environment-ready-live-${slug(templateTitle)}.png`);
    },
  );
  await step(
    'environment: the About card and the phase label agree with the card, with no empty tabs',
    async () => {
      // The catalog entity follows the environment within seconds, without
      // a reload: its envkit.io/phase label and its description.
      const started = Date.now();
      await page
        .getByRole('row')
        .filter({ hasText: 'envkit.io/phase' })
        .filter({ hasText: 'Ready' })
        .first()
        .waitFor({ timeout: 15_000 });
      await page
        .getByText(/^Environment from .*, Ready$/)
        .first()
        .waitFor({ timeout: 15_000 });
      // The entity page's tabs (links in the header; role tab in older themes).
      const tabs = page
        .getByRole('tab')
        .or(page.locator('a[class*="HeaderNavItem"]'));
      const names = await tabs.allInnerTexts();
      if (!names.includes('Overview')) {
        throw new Error(`no Overview tab among: ${names.join(', ')}`);
      }
      if (names.some(n => /docs/i.test(n))) {
        throw new Error(`a tab with nothing to show: ${names.join(', ')}`);
      }
      return `label Ready within ${Date.now() - started} ms of the card`;
    },
  );
  if (/namespace/i.test(templateTitle)) {
    await kubernetesSteps(page, { name, step, shot, timeout });
    await waitForPhase(page, 'Ready', timeout);
  }
  if (/ECS/.test(templateTitle)) {
    await (await import('./cost.e2e-steps.mjs')).costSteps(page, { baseUrl, timeout, step, shot }); // prettier-ignore
    await page.goBack();
    await waitForPhase(page, 'Ready', timeout);
  }
  const endpoint = page.getByRole('link', { name: /^Open / }).first();
  if (await endpoint.count()) {
    await step(
      'environment: the endpoint link opens the sandbox page',
      async () => {
        const href = await endpoint.getAttribute('href');
        const app = await page.context().newPage();
        try {
          await app.goto(href, { timeout });
          await app
            .getByText(/sandbox/i)
            .first()
            .waitFor({ timeout });
          await app.getByText('nginx:1.27').first().waitFor({ timeout });
          await shot(app, `endpoint-page-${slug(templateTitle)}.png`);
        } finally {
          await app.close();
        }
        return href;
      },
    );
  } else {
    skip(
      'environment: the endpoint link opens the sandbox page',
      'no endpoint',
    );
  }
  await step('environment: Extend', async () => {
    // The dialog says when the environment will expire before it is
    // confirmed (#21 point 5).
    const dialog = await confirmAction(page, {
      action: 'Extend',
      name,
      text: /After extending: /,
    });
    await dialog.waitFor({ state: 'hidden', timeout });
    // Said in a toast through the ToastApi, never the deprecated AlertApi.
    await page.getByText(`Extended ${name}`).first().waitFor({ timeout });
    if (alertApiWarnings.length) throw new Error(alertApiWarnings[0]);
  });
  await step('environment: Destroy until Destroyed', async () => {
    await confirmAction(page, { action: 'Destroy', name });
    await phaseOf(page)
      .filter({ hasText: /Phase: (Destroying|Destroyed)/ })
      .waitFor({ timeout });
    // While destroying the card never says it is applying a change.
    if (await page.getByText('Applying the latest change').count()) {
      throw new Error(
        'the card says "Applying the latest change" while destroying',
      );
    }
    await waitForPhase(page, 'Destroyed', 10 * 60_000);
    // Events are sentences, never "Destroying: Destroying".
    const text = await page.locator('main').innerText();
    const echo = text.match(/\b([A-Z][a-z]+): \1\b/);
    if (echo) throw new Error(`an event repeats itself: "${echo[0]}"`);
    await shot(page, `environment-destroyed-live-${slug(templateTitle)}.png`);
  });
}

const userDataDir = mkdtempSync(join(tmpdir(), 'envkit-e2e-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let failed = false;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  // Backstage warns once per page load when a plugin posts through the
  // deprecated AlertApi instead of the ToastApi (#21 point 12).
  page.on('console', m => {
    if (/AlertApi is deprecated/.test(m.text()))
      alertApiWarnings.push(m.text());
  });
  await step('guest sign-in', () => signIn(page));
  const t = { baseUrl, timeout, step, skip, shot };
  if (part('basic')) await basicFlow(page);
  if (part('approvals')) await (await import('./approvals.e2e-steps.mjs')).approvalSteps(page, t); // prettier-ignore
  if (part('form')) await (await import('./form.e2e-steps.mjs')).formSteps(page, t); // prettier-ignore
  if (part('pages')) await (await import('./pages.e2e-steps.mjs')).pageSteps(page, t); // prettier-ignore
  if (part('docs')) await (await import('./docs.e2e-steps.mjs')).docsSteps(page, t); // prettier-ignore
  if (part('follow')) await (await import('./follow.e2e-steps.mjs')).followSteps(page, t); // prettier-ignore
  if (part('sleep')) await (await import('./cost.e2e-steps.mjs')).sleepSteps(page, t); // prettier-ignore
  if (part('fullstack')) await (await import('./fullstack.e2e-steps.mjs')).fullStackSteps(page, t); // prettier-ignore
  if (flag('fixtures')) await fixtureFlow(page);
  if (flag('full')) {
    for (const title of fullTemplates) await fullFlow(page, title);
  }
} catch {
  failed = true;
  const page = context.pages()[0];
  if (page)
    await page.screenshot({
      path: join(tmpdir(), 'envkit-e2e-failure.png'),
      fullPage: true,
    });
  console.log(
    `failure screenshot: ${join(tmpdir(), 'envkit-e2e-failure.png')}`,
  );
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
const passed = results.filter(r => r.ok && !r.skipped).length;
const skipped = results.filter(r => r.skipped).length;
console.log(
  `\n${passed} passed, ${skipped} skipped, ${
    failed ? 1 : 0
  } failed; screenshots in ${outDir}`,
);
process.exit(failed ? 1 : 0);
