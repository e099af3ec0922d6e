// Browser steps for #21 point 1: the page never contradicts itself. An
// environment's page opened while it is still Provisioning: once the card
// says Ready, the entity's phase label and the About card's description say
// Ready within 15 s, without a reload; once the card says Destroyed, neither
// says Ready any more and no endpoint is offered. Called from
// environments.e2e.mjs.

import { backendUrlOf, guestEnvironmentsApi, guestToken } from './api.mjs';

const TEMPLATE = 'environmenttemplate:default/ecs-web-service';

export async function followSteps(page, t) {
  const backend = backendUrlOf(t);
  const { call, removeLeftovers } = await guestEnvironmentsApi(backend);
  const token = await guestToken(backend);
  const name = `follow-${Date.now().toString(36).slice(-5)}`;
  const url = `${t.baseUrl}/catalog/default/resource/${name}`;
  const phase = () =>
    page.getByRole('status').filter({ hasText: 'Phase:' }).first();
  const labelSays = value =>
    page
      .getByRole('row')
      .filter({ hasText: 'envkit.io/phase' })
      .filter({ hasText: value })
      .first();
  const aboutSays = value =>
    page.getByText(new RegExp(`^Environment from .*, ${value}$`)).first();
  let env;

  await t.step(
    'follow: opened while Provisioning, the label and About say Ready within 15 s of the card, without a reload',
    async () => {
      // Only this step's own: the full flow uses the same template.
      await removeLeftovers(TEMPLATE, other => !other.startsWith('follow-'));
      env = await call('POST', '/environments', {
        name,
        templateRef: TEMPLATE,
        inputs: { imageLocation: 'nginx:1.27', containerPort: 80 },
      });
      // Open the page as soon as the catalog has the entity.
      const deadline = Date.now() + 2 * 60_000;
      for (;;) {
        const res = await fetch(
          `${backend}/api/catalog/entities/by-name/resource/default/${name}`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        if (res.ok) break;
        if (Date.now() > deadline) throw new Error(`${name} never reached the catalog`); // prettier-ignore
        await new Promise(r => setTimeout(r, 1000));
      }
      await page.goto(url);
      await phase().waitFor({ timeout: t.timeout });
      const atOpen = (await phase().innerText()).replace(/\s+/g, ' ');
      if (/Ready/.test(atOpen)) {
        throw new Error(
          `cannot tell: ${name} was already Ready when its page opened`,
        );
      }
      await phase()
        .filter({ hasText: 'Phase: Ready' })
        .waitFor({ timeout: 10 * 60_000 });
      const cardReady = Date.now();
      await labelSays('Ready').waitFor({ timeout: 15_000 });
      await aboutSays('Ready').waitFor({ timeout: 15_000 });
      return `opened at "${atOpen.slice(0, 40)}"; label and About Ready ${
        Date.now() - cardReady
      } ms after the card`;
    },
  );

  await t.step(
    'follow: once the card says Destroyed, neither the label nor About says Ready, and no endpoint is offered',
    async () => {
      if (!env) throw new Error('no environment from the step before');
      await page.getByRole('button', { name: `Destroy ${name}` }).click();
      await page
        .getByRole('dialog')
        .getByRole('button', { name: 'Destroy' })
        .click();
      await phase()
        .filter({ hasText: 'Phase: Destroyed' })
        .waitFor({ timeout: 10 * 60_000 });
      // Give the page the same 15 s to catch up, then look.
      await page.waitForTimeout(15_000);
      const ready = await labelSays('Ready').count();
      const about = await aboutSays('Ready').count();
      // Neither the card's "Open …" link nor the Links card's "Endpoint".
      const open = await page
        .getByRole('link', { name: /^Open |^Endpoint$/ })
        .count();
      if (ready || about || open) {
        throw new Error(
          `15 s after Destroyed: ${ready} Ready label, ${about} About "…, Ready", ${open} endpoint link`,
        );
      }
      await t.shot(page, 'environment-destroyed-follows.png');
    },
  );
}
