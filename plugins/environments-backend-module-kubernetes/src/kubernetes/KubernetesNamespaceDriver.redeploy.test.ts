import type { DriverApplyResult } from '@envkit/plugin-environments-node';
import { untilSettled } from '@envkit/plugin-environments-node/testUtils';
import { namespaceResource, testContext } from './__testUtils__/fixtures';
import { kubectlGet } from './__testUtils__/kubectl';
import { sandboxScenario, useSandboxSuite } from './__testUtils__/sandboxSuite';

jest.setTimeout(60_000);

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const REVISION = 'deployment.kubernetes.io/revision';

describe('KubernetesNamespaceDriver on a redeploy', () => {
  const suite = useSandboxSuite();

  it('rolls the workload out once per redeploy request, keeping it available, and never otherwise', async () => {
    const { driver, environment, namespace, at } = sandboxScenario(
      suite.sandbox,
      { name: 'redeploy' },
    );
    const resource = namespaceResource({
      workload: {
        image: 'ghcr.io/example/shop:latest',
        port: 8080,
        replicas: 2,
      },
    });
    const deployment = async () =>
      kubectlGet(suite.sandbox, namespace, ['deploy', 'workload']);

    // Created before anyone asked for a redeploy: no stamp.
    await untilSettled(() => driver.apply(resource, testContext(environment)));
    const created = (await deployment()).object;
    expect(created.spec.template.metadata.annotations?.[RESTARTED_AT]).toBe(
      undefined,
    );
    expect(created.metadata.annotations[REVISION]).toBe('1');

    const first = '2026-12-01T09:30:00.000Z';
    const ctx = testContext({ ...environment, redeployRequestedAt: first });
    const started = await driver.apply(resource, ctx);
    // The pods are being replaced: not Ready until the new ones are.
    expect(started).toMatchObject({
      status: 'InProgress',
      reason: 'WorkloadNotReady',
    });
    const progress: DriverApplyResult[] = [started];
    const availability: number[] = [];
    const { last } = await untilSettled(async () => {
      availability.push(
        (await suite.admin.get(at.deployment)).status.availableReplicas ?? 0,
      );
      const result = await driver.apply(resource, ctx);
      progress.push(result);
      return result;
    });
    expect(last.status).toBe('Ready');
    // The old pods kept serving until the new ones were up.
    expect(Math.min(...availability)).toBe(2);

    const { text, object: rolled } = await deployment();
    expect(text).toContain(`${RESTARTED_AT}: "${first}"`);
    expect(rolled.spec.template.metadata.annotations[RESTARTED_AT]).toBe(first);
    expect(rolled.metadata.generation).toBe(created.metadata.generation + 1);
    expect(rolled.metadata.annotations[REVISION]).toBe('2');
    expect(rolled.status).toMatchObject({
      observedGeneration: rolled.metadata.generation,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
    expect(rolled.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/example/shop:latest',
    );

    // The stamp is Envkit's own: not drift, and shown to the owner.
    await expect(driver.observe(resource, ctx)).resolves.toMatchObject({
      status: 'Ready',
      details: {
        workload: { restartedAt: first, ready: true, updatedReplicas: 2 },
      },
    });

    // Reconciling again with the same request changes nothing at all.
    await expect(driver.apply(resource, ctx)).resolves.toMatchObject({
      status: 'Ready',
    });
    const again = (await deployment()).object;
    expect(again.metadata.resourceVersion).toBe(
      rolled.metadata.resourceVersion,
    );
    expect(again.metadata.generation).toBe(rolled.metadata.generation);

    // The next request rolls it out again.
    const second = '2026-12-02T14:00:00.000Z';
    const next = testContext({ ...environment, redeployRequestedAt: second });
    await untilSettled(() => driver.apply(resource, next));
    const rolledAgain = (await deployment()).object;
    expect(rolledAgain.spec.template.metadata.annotations[RESTARTED_AT]).toBe(
      second,
    );
    expect(rolledAgain.metadata.generation).toBe(
      rolled.metadata.generation + 1,
    );
    expect(rolledAgain.metadata.annotations[REVISION]).toBe('3');
  });
});
