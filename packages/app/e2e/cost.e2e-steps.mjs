// Browser steps for cost and sleep schedules (#19), called from
// environments.e2e.mjs.
//
// - costSteps, on a Ready ECS environment's page (the --full flow): the page
//   shows the cost so far and projected at list prices, and the Environments
//   page a Cost column and the month per owner.
// - sleepSteps: an environment of `office-hours-namespace` whose schedule is
//   narrowed to an hour on another weekday is Sleeping now; its page says so
//   with its schedule, Wake now wakes it (Ready), and it is destroyed again.
// Screenshots: environment-cost.png, environments-page-cost.png,
// environment-sleeping.png, environment-woken.png.

import { guestApiOrSkip } from './api.mjs';
import { openEnvironmentPage, phaseRegion as phase } from './entityPage.mjs';

const TEMPLATE = 'environmenttemplate:default/office-hours-namespace';
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];

/**
 * @param {import('playwright-core').Page} page on a Ready ECS environment's page
 */
export async function costSteps(page, t) {
  await t.step(
    'cost: the environment page shows cost so far and a month at list prices',
    async () => {
      const cost = page.getByText(/\$\d+\.\d\d so far/).first();
      await cost.waitFor({ timeout: t.timeout });
      const text = await cost.innerText();
      if (!/a month/.test(text) || !/list prices/.test(text)) {
        throw new Error(`cost field: ${text}`);
      }
      await t.shot(page, 'environment-cost.png', false);
      return text;
    },
  );
  await t.step(
    'cost: the Environments page lists cost per environment and per owner',
    async () => {
      await page.goto(`${t.baseUrl}/environments`);
      await page
        .getByRole('columnheader', { name: 'Cost' })
        .waitFor({ timeout: t.timeout });
      const totals = page.getByRole('region', { name: 'Cost per owner' });
      await totals.getByText(/\$\d+\.\d\d/).first().waitFor({ timeout: t.timeout }); // prettier-ignore
      await t.shot(page, 'environments-page-cost.png');
      return (await totals.innerText()).replace(/\s+/g, ' ');
    },
  );
}

/** A weekday of the template's other than today's in Berlin. */
function anotherWeekday(now = new Date()) {
  const today = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    timeZone: 'Europe/Berlin',
  }).format(now);
  return WEEKDAYS.find(day => day !== today);
}

/**
 * @param {import('playwright-core').Page} page signed in as the guest
 */
export async function sleepSteps(page, t) {
  const api = await guestApiOrSkip(t, 'sleep: Sleeping with Wake now');
  if (!api) return;
  const { call, waitForPhase, removeLeftovers } = api;
  const name = `sleepy-${Date.now().toString(36).slice(-5)}`;
  let env;
  await t.step(
    'sleep: an environment outside its awake hours is Sleeping',
    async () => {
      await removeLeftovers(TEMPLATE);
      env = await call('POST', '/environments', {
        name,
        templateRef: TEMPLATE,
        schedule: {
          timeZone: 'Europe/Berlin',
          awake: [{ days: [anotherWeekday()], from: '07:00', to: '08:00' }],
        },
      });
      env = await waitForPhase(env.id, ['Sleeping'], 5 * 60_000);
      return `${name} ${env.status.phase}`;
    },
  );
  await t.step(
    'sleep: the page says Sleeping with its schedule, and Wake now wakes it',
    async () => {
      await openEnvironmentPage(page, t, name, 'Sleeping');
      await page
        .getByText(/^Awake /)
        .first()
        .waitFor({ timeout: t.timeout });
      const wake = page.getByRole('button', { name: `Wake ${name} now` });
      // Actions are enabled once the permission checks answer.
      const until = Date.now() + t.timeout;
      while (await wake.isDisabled()) {
        if (Date.now() > until) throw new Error('Wake now stays disabled');
        await page.waitForTimeout(250);
      }
      await phase(page, 'Sleeping').scrollIntoViewIfNeeded();
      await t.shot(page, 'environment-sleeping.png', false);
      await wake.click();
      await phase(page, 'Ready').waitFor({ timeout: 5 * 60_000 });
      await page.getByText(/kept awake until/).first().waitFor({ timeout: t.timeout }); // prettier-ignore
      await phase(page, 'Ready').scrollIntoViewIfNeeded();
      await t.shot(page, 'environment-woken.png', false);
    },
  );
  if (env) {
    await call('DELETE', `/environments/${env.id}`).catch(() => undefined);
  }
}
