// Creating an environment the way a developer does: from a software
// template under Create, through the scaffolder form, until its task ends.
// Shared by the ECS and namespace flows (environments.e2e.mjs) and the full
// stack (fullstack.e2e-steps.mjs).

/**
 * Opens Create and chooses the software template whose card shows `title`
 * (with `exact`, a card with `title` as a whole text, not only within one).
 *
 * @param {import('playwright-core').Page} page
 * @param {{ baseUrl: string, timeout: number }} t
 */
export async function chooseTemplate(page, t, title, { exact = false } = {}) {
  await page.goto(`${t.baseUrl}/create`);
  const card = page
    .locator('.MuiCard-root')
    .filter(
      exact
        ? { has: page.getByText(title, { exact: true }) }
        : { hasText: title },
    )
    .first();
  await card.waitFor({ timeout: t.timeout });
  await card.getByRole('button', { name: /choose/i }).click();
}

/**
 * Fills the form: the name, and an image and port where the template asks
 * for them (other fields keep their defaults); goes through each page,
 * reading the Cost page's estimate on the way, and presses Create.
 * Returns the estimate as the Cost page said it.
 *
 * @param {import('playwright-core').Page} page
 * @param {{ timeout: number, onCostPage?: () => Promise<void> }} t
 */
export async function fillAndRun(page, t, name) {
  await page.getByLabel(/name/i).first().fill(name);
  // Image and port may be on a later page of the form (namespace template).
  // Only text boxes: the Cost page's table also mentions images and ports.
  const field = label =>
    page
      .getByRole('textbox', { name: label })
      .or(page.getByRole('spinbutton', { name: label }))
      .first();
  const fillable = async locator =>
    (await locator.isVisible()) && (await locator.isEditable());
  const fillWorkload = async () => {
    const image = field(/image/i);
    if (await fillable(image)) await image.fill('nginx:1.27');
    const port = field(/port/i);
    if (await fillable(port)) await port.fill('80');
  };
  let estimate = 'no cost page';
  for (let i = 0; i < 5; i++) {
    // The Cost page prices the form before anything is created; it has
    // nothing to fill.
    const cost = page.getByRole('region', { name: 'Estimated cost' });
    if (!(await cost.count())) await fillWorkload();
    if (await cost.count()) {
      const said = cost.getByText(/a month$|^No estimate/).first();
      await said.waitFor({ timeout: 60_000 });
      estimate = await said.innerText();
      await t.onCostPage?.();
    }
    const next = page.getByRole('button', { name: /^(next|review)$/i });
    if (!(await next.count())) break;
    // Fields are looked for without waiting, so wait until the stepper has
    // moved on before looking at the next page.
    const active = '.MuiStepLabel-label.MuiStepLabel-active';
    const before = await page.evaluate(
      selector => document.querySelector(selector)?.textContent,
      active,
    );
    await next.first().click();
    await page.waitForFunction(
      ([selector, label]) =>
        document.querySelector(selector)?.textContent !== label,
      [active, before],
      { timeout: t.timeout },
    );
  }
  await page.getByRole('button', { name: /^create$/i }).click();
  return estimate;
}

/**
 * Waits until the scaffolder's task page says the task is done; the create
 * actions end when the environment is Ready.
 *
 * @param {import('playwright-core').Page} page
 */
export async function waitForTask(page, timeoutMs = 10 * 60_000) {
  await page
    .getByText(/completed|finished/i)
    .first()
    .waitFor({ timeout: timeoutMs });
}
