// Browser steps for full-stack environments (#17), called from
// environments.e2e.mjs.
//
// fullStackSteps: the guest creates a `web-app-full-stack` environment
// from Create (its generated software template, run by the scaffolder),
// waits until it is Ready, opens its page and checks
// that it shows where the database is (host, port) and the secret to read
// its credentials from (ARN) -- never a password -- then opens both
// services' paths (/web and /api) on the one endpoint, and destroys it.
// Screenshots: environment-full-stack.png, endpoint-full-stack-api.png.

import { guestApiOrSkip } from './api.mjs';
import { chooseTemplate, fillAndRun, waitForTask } from './create.mjs';
import { openEnvironmentPage } from './entityPage.mjs';

const TEMPLATE = 'environmenttemplate:default/web-app-full-stack';
/** Its software template's card under Create says this. */
const TITLE = 'Web app, full stack';

/**
 * @param {import('playwright-core').Page} page signed in as the guest
 * @param {{ baseUrl: string, timeout: number, step: Function, skip: Function, shot: Function }} t
 */
export async function fullStackSteps(page, t) {
  const api = await guestApiOrSkip(
    t,
    'full stack: web and api with Postgres, Redis, S3, SQS',
  );
  if (!api) return;
  const { call, waitForPhase, removeLeftovers } = api;
  const name = `stack-${Date.now().toString(36).slice(-5)}`;
  let env;
  try {
    await t.step(
      'full stack: created from Create through the scaffolder, Ready with every resource',
      async () => {
        await removeLeftovers(TEMPLATE);
        await chooseTemplate(page, t, TITLE);
        await fillAndRun(page, t, name);
        await waitForTask(page);
        await t.shot(page, 'scaffolder-task-done-full-stack.png', false);
        const mine = await call(
          'GET',
          `/environments?template=${encodeURIComponent(
            TEMPLATE,
          )}&owner=user:default/guest`,
        );
        env = mine.items.find(e => e.spec.name === name);
        if (!env) throw new Error(`the task made no environment ${name}`);
        env = await waitForPhase(env.id, ['Ready', 'Failed'], 10 * 60_000);
        if (env.status.phase !== 'Ready') {
          throw new Error(`${name} is ${env.status.phase}: ${env.status.message ?? ''}`); // prettier-ignore
        }
        const o = env.status.outputs ?? {};
        for (const key of [
          'web',
          'api',
          'databaseHost',
          'databasePort',
          'databaseSecretArn',
        ]) {
          // prettier-ignore
          if (!o[key]) throw new Error(`output ${key} missing: ${JSON.stringify(o)}`); // prettier-ignore
        }
        return `${name} Ready; web ${o.web}, api ${o.api}`;
      },
    );
    if (!env || env.status.phase !== 'Ready') return;
    const o = env.status.outputs;

    await t.step(
      'full stack: the page shows database host, port, secret ARN and how to read it, never a password',
      async () => {
        await openEnvironmentPage(page, t, name, 'Ready');
        for (const value of [
          o.databaseHost,
          o.databasePort,
          o.databaseSecretArn,
        ]) {
          // prettier-ignore
          await page
            .getByText(value, { exact: true })
            .first()
            .waitFor({ timeout: t.timeout });
        }
        // The Connect section says how to read the credentials.
        await page
          .getByRole('region', { name: 'Connect to db' })
          .or(page.locator('section[aria-label="Connect to db"]'))
          .getByText(
            `aws secretsmanager get-secret-value --secret-id ${o.databaseSecretArn}`,
          )
          .first()
          .waitFor({ timeout: t.timeout });
        // Outputs name where credentials are, never hold them.
        const credentialOutputs = await page
          .getByText(/^Output: \w*(password|token)\w*$/i)
          .count();
        if (credentialOutputs > 0) {
          throw new Error('the page shows a password or token output');
        }
        await page.getByText(o.databaseSecretArn, { exact: true }).first().scrollIntoViewIfNeeded(); // prettier-ignore
        await t.shot(page, 'environment-full-stack.png', false);
        return `${o.databaseHost}:${o.databasePort}, secret ${o.databaseSecretArn}`;
      },
    );

    await t.step(
      'full stack: /web and /api answer on the one endpoint',
      async () => {
        const answered = [];
        for (const [service, url] of [
          ['web', o.web],
          ['api', o.api],
        ]) {
          const response = await page.goto(url);
          if (!response || response.status() >= 400) {
            throw new Error(`${service} at ${url}: HTTP ${response?.status()}`);
          }
          // The sandbox's page lists what the task received: the password
          // only as a secret read from the database's secret ARN.
          const row = await page
            .getByRole('row')
            .filter({ hasText: 'DATABASE_PASSWORD' })
            .innerText();
          if (
            !/\bsecret\b/.test(row) ||
            !row.includes(`${o.databaseSecretArn}:password::`)
          ) {
            // prettier-ignore
            throw new Error(`${service}: DATABASE_PASSWORD is not an ECS secret from ${o.databaseSecretArn}: ${row}`); // prettier-ignore
          }
          // Each path reaches its own service.
          const prefix = await page
            .getByRole('row')
            .filter({ hasText: 'PATH_PREFIX' })
            .innerText();
          if (!prefix.includes(`/${service}`)) {
            throw new Error(`${url} reached another service: ${prefix}`);
          }
          answered.push(`${service} ${response.status()}`);
        }
        await t.shot(page, 'endpoint-full-stack-api.png', false);
        return answered.join(', ');
      },
    );
  } finally {
    if (env) {
      await t.step('full stack: destroyed', async () => {
        await call('DELETE', `/environments/${env.id}`);
        const gone = await waitForPhase(env.id, ['Destroyed'], 10 * 60_000);
        return `${name} ${gone.status.phase}`;
      });
    }
  }
}
