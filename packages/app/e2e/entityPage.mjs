// An environment's entity page in the catalog, as browser steps open it.

/**
 * The overview card's live phase region when it shows `phase`.
 *
 * @param {import('playwright-core').Page} page
 */
export const phaseRegion = (page, phase) =>
  page
    .getByRole('status')
    .filter({ hasText: `Phase: ${phase}` })
    .first();

/**
 * Opens an environment's entity page once the catalog has taken the entity
 * in (within seconds of its creation) and its card shows `phase`; reloads
 * until then, for at most `ms`.
 *
 * @param {import('playwright-core').Page} page
 * @param {{ baseUrl: string }} t
 */
export async function openEnvironmentPage(page, t, name, phase, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    await page.goto(`${t.baseUrl}/catalog/default/resource/${name}`);
    try {
      await phaseRegion(page, phase).waitFor({ timeout: 10_000 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}
