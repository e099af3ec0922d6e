// Browser steps for a Ready namespace environment (issue #18): its Connect
// section and the stock Kubernetes plugin's tab with the workload's
// Deployment and pod. Called by environments.e2e.mjs --full.

/**
 * Runs on the entity page of namespace environment `name` once it is Ready.
 * `step` and `shot` are the runner's helpers (named step with a report
 * line; screenshot into the output directory).
 */
export async function kubernetesSteps(page, { name, step, shot, timeout }) {
  const entityUrl = page.url().replace(/\/+$/, '');

  await step(
    'namespace: the Connect section offers kubectl commands',
    async () => {
      // The usage and the access check can take a status check or two on
      // a loaded machine (20 s in a passing run here): wait longer for them.
      const slow = Math.max(timeout, 90_000);
      await page.getByRole('heading', { name: 'Namespace usage' }).waitFor({
        timeout: slow,
      });
      await page
        .getByRole('table', { name: 'Quota usage' })
        .getByText('pods')
        .waitFor({ timeout: slow });
      const commands = page.getByText(
        `kubectl --kubeconfig ${name}.kubeconfig`,
      );
      await commands.first().waitFor({ timeout: slow });
      await page
        .getByRole('button', { name: `Download kubeconfig for ${name}` })
        .waitFor({ timeout: slow });
      await page
        .getByRole('heading', { name: 'Connect' })
        .scrollIntoViewIfNeeded();
      await shot(page, 'environment-connect.png', false);
    },
  );

  await step(
    'namespace: the Kubernetes tab shows the Deployment and its pod',
    async () => {
      // The catalog annotates the entity for the Kubernetes plugin once the
      // namespace exists; its next refresh brings the tab.
      // The entity page's tabs are links (role tab in older themes).
      const tab = page
        .getByRole('tab', { name: 'Kubernetes', exact: true })
        .or(page.getByRole('link', { name: 'Kubernetes', exact: true }));
      const deadline = Date.now() + 3 * 60_000;
      while (!(await tab.count())) {
        if (Date.now() > deadline)
          throw new Error('no Kubernetes tab on the environment page');
        await page.waitForTimeout(5000);
        await page.goto(entityUrl);
      }
      await tab.first().click();
      await page.waitForURL(/\/kubernetes$/, { timeout });
      // The cluster's card (collapsed), then the workload's Deployment in it.
      const cluster = page.getByText('sandbox', { exact: true }).first();
      await cluster.waitFor({ timeout: 60_000 });
      await cluster.click();
      // The Deployment's card; its expand icon opens the table of its pods
      // (the name itself opens a drawer with the Deployment's details).
      const deployment = page
        .locator('.MuiAccordionSummary-root')
        .filter({ hasText: 'Deployment' })
        .filter({ hasText: 'workload' })
        .last();
      await deployment.waitFor({ timeout: 60_000 });
      await deployment.locator('[class*="expandIcon"]').first().click();
      const pod = page.getByText(/^workload-[a-z0-9]{10}-[a-z0-9]{5}$/).first();
      await pod.waitFor({ timeout });
      // Let the accordion finish opening before the screenshot.
      await page.waitForTimeout(1000);
      await shot(page, 'environment-kubernetes-tab.png');
      return await pod.textContent();
    },
  );

  await page.goto(entityUrl);
}
