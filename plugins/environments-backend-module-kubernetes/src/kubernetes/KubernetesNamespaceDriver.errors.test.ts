import net from 'node:net';
import { DriverFailure } from '@envkit/plugin-environments-node';
import {
  driverOutcome,
  FailedOutcome,
  untilSettled,
} from '@envkit/plugin-environments-node/testUtils';
import {
  namespaceResource,
  sandboxCluster,
  testContext,
  testDriver,
  testEnvironment,
} from './__testUtils__/fixtures';
import { sandboxScenario, useSandboxSuite } from './__testUtils__/sandboxSuite';
import { startRecordingProxy } from './__testUtils__/recordingProxy';

jest.setTimeout(60_000);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * Runs a driver call and expects it to fail with `failure` (kind, reason,
 * …); returns the failure for further checks on its message.
 */
async function expectFailure(
  call: () => Promise<unknown>,
  failure: Partial<FailedOutcome>,
): Promise<FailedOutcome> {
  const outcome = await driverOutcome(call);
  expect(outcome).toMatchObject({ status: 'Failed', ...failure });
  return outcome as FailedOutcome;
}

describe('KubernetesNamespaceDriver failures', () => {
  const suite = useSandboxSuite();
  afterEach(() => suite.sandbox.controls.clearFaults());

  it('throws a retryable error when the cluster cannot be reached', async () => {
    const port = await closedPort();
    const { driver, ctx } = sandboxScenario(
      suite.sandbox,
      {},
      { url: `http://127.0.0.1:${port}` },
    );
    const error = await driver.apply(namespaceResource(), ctx).then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(DriverFailure);
    expect(error).toMatchObject({
      kind: 'retryable',
      reason: 'KubernetesUnavailable',
      resource: expect.stringContaining("in cluster 'sandbox'"),
      retryAt: undefined,
    });
    expect(error.message).toContain('ECONNREFUSED');
    await expect(
      driver.destroy(namespaceResource(), ctx),
    ).rejects.toMatchObject({ kind: 'retryable' });
  });

  it('throws a retryable error when the API server throttles', async () => {
    const { driver, ctx } = sandboxScenario(suite.sandbox, {
      name: 'throttled',
    });
    suite.sandbox.controls.throttle({
      service: 'kubernetes',
      action: 'get namespaces',
      count: 1,
    });
    const before = Date.now();
    const throttled = await expectFailure(
      () => driver.apply(namespaceResource(), ctx),
      { kind: 'retryable', reason: 'KubernetesUnavailable' },
    );
    // The server's Retry-After (1 s) becomes the earliest retry time.
    const retryAt = throttled.retryAt!.getTime();
    expect(retryAt).toBeGreaterThanOrEqual(before + 1000);
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 1000);
    // The next attempt goes through.
    await expect(
      untilSettled(() => driver.apply(namespaceResource(), ctx)),
    ).resolves.toMatchObject({
      last: { status: 'Ready' },
    });
  });

  it('fails naming the missing permission when the cluster forbids a call', async () => {
    const proxy = await startRecordingProxy(suite.sandbox.url);
    proxy.inject = (method, path) =>
      method === 'PATCH' && path.includes('/rolebindings/')
        ? {
            status: 403,
            body: {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message:
                'rolebindings.rbac.authorization.k8s.io "envkit-admins" is forbidden: User "system:serviceaccount:backstage:envkit" cannot patch resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "shop-1"',
              reason: 'Forbidden',
              details: {
                name: 'envkit-admins',
                group: 'rbac.authorization.k8s.io',
                kind: 'rolebindings',
              },
              code: 403,
            },
          }
        : undefined;
    try {
      const { driver, ctx } = sandboxScenario(
        suite.sandbox,
        { name: 'forbidden' },
        { url: proxy.url },
      );
      const result = await expectFailure(
        () => driver.apply(namespaceResource(), ctx),
        { kind: 'permanent', reason: 'Forbidden' },
      );
      expect(result.message).toContain(
        'needs permission to patch rolebindings.rbac.authorization.k8s.io',
      );
      expect(result.message).toContain('cannot patch resource "rolebindings"');
    } finally {
      await proxy.close();
    }
  });

  it('refuses a namespace of the same name that Envkit did not create, and leaves it alone', async () => {
    const { driver, ctx, namespace, at } = sandboxScenario(suite.sandbox, {
      name: 'taken',
    });
    await suite.admin.createNamespace(namespace, { team: 'someone-else' });
    const before = await suite.admin.get(at.namespace);

    const applied = await expectFailure(
      () => driver.apply(namespaceResource(), ctx),
      {
        kind: 'needsAttention',
        reason: 'ForeignNamespace',
        resource: `namespace '${namespace}' in cluster 'sandbox'`,
      },
    );
    expect(applied.message).toContain(
      `Namespace '${namespace}' already exists`,
    );
    await expectFailure(() => driver.observe(namespaceResource(), ctx), {
      kind: 'needsAttention',
      reason: 'ForeignNamespace',
    });
    const destroyed = await driver.destroy(namespaceResource(), ctx);
    expect(destroyed).toMatchObject({
      status: 'Destroyed',
      reason: 'ForeignNamespace',
    });
    expect(destroyed.message).toContain('left untouched');

    const after = await suite.admin.get(at.namespace);
    expect(after.metadata.labels).toEqual(before.metadata.labels);
    expect(after.metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect(after.metadata.deletionTimestamp).toBeUndefined();
    expect(await suite.admin.get(at.quota)).toBeUndefined();
  });

  it('refuses a namespace Envkit made for a different environment', async () => {
    const { driver, ctx, namespace, at } = sandboxScenario(suite.sandbox, {
      name: 'twin',
    });
    await suite.admin.createNamespace(namespace, {
      'app.kubernetes.io/managed-by': 'envkit',
      'envkit.io/environment': 'some-other-environment',
    });
    await expectFailure(() => driver.apply(namespaceResource(), ctx), {
      kind: 'needsAttention',
      reason: 'ForeignNamespace',
    });
    await expect(
      driver.destroy(namespaceResource(), ctx),
    ).resolves.toMatchObject({
      status: 'Destroyed',
      reason: 'ForeignNamespace',
    });
    expect((await suite.admin.get(at.namespace)).status.phase).toBe('Active');
  });

  it('fails with the problems when parameters are invalid, without calling the cluster', async () => {
    const proxy = await startRecordingProxy(suite.sandbox.url);
    try {
      const { driver, ctx } = sandboxScenario(
        suite.sandbox,
        {},
        {
          url: proxy.url,
        },
      );
      const resource = namespaceResource({
        quota: 'huge',
        networkPolicy: { allow: ['everything'] },
        workload: { image: 'nginx', port: 70000 },
      });
      const problems = await driver.validate(resource, ctx);
      expect(problems.map(p => p.path)).toEqual([
        'parameters.quota',
        'parameters.networkPolicy.allow[0]',
        'parameters.workload.port',
      ]);
      const result = await expectFailure(() => driver.apply(resource, ctx), {
        kind: 'permanent',
        reason: 'InvalidParameters',
      });
      expect(result.message).toContain("unknown quota size 'huge'");
      expect(proxy.requests).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('keeps to the clusters a template allows', async () => {
    const driver = testDriver([
      sandboxCluster(suite.sandbox, suite.sandbox.url, 'dev'),
      sandboxCluster(suite.sandbox, suite.sandbox.url, 'prod'),
    ]);
    const ctx = testContext(testEnvironment({ name: 'placed' }));
    await expectFailure(
      () =>
        driver.apply(
          namespaceResource({ cluster: 'prod', allowedClusters: ['dev'] }),
          ctx,
        ),
      { kind: 'permanent', reason: 'InvalidParameters' },
    );
    await expectFailure(
      () => driver.apply(namespaceResource({ cluster: 'staging' }), ctx),
      { kind: 'permanent', reason: 'UnknownCluster' },
    );
    const { last } = await untilSettled(() =>
      driver.apply(namespaceResource({ allowedClusters: ['prod'] }), ctx),
    );
    expect(last.outputs?.cluster).toBe('prod');
  });
});
