import { untilSettled } from '@envkit/plugin-environments-node/testUtils';
import {
  namespaceResource,
  paths,
  sandboxDriver,
  testContext,
  testEnvironment,
} from './__testUtils__/fixtures';
import { useSandboxSuite } from './__testUtils__/sandboxSuite';
import {
  permissionOf,
  startRecordingProxy,
  type RecordingProxy,
} from './__testUtils__/recordingProxy';
import { namespaceName } from '@envkit/plugin-environments-common';

jest.setTimeout(60_000);

const N = 12;
const PAGE = 5;
/** The kinds each environment's guardrails use, and how many of each. */
const PER_ENVIRONMENT: Record<string, number> = {
  namespaces: 1,
  resourcequotas: 1,
  limitranges: 1,
  networkpolicies: 1,
  // The admins' binding and the access account's.
  rolebindings: 2,
  serviceaccounts: 1,
};
const GUARDRAIL_KINDS = Object.keys(PER_ENVIRONMENT);
/** List pages a sweep of all N environments takes per kind. */
const pagesOf = (kind: string) => Math.ceil((N * PER_ENVIRONMENT[kind]) / PAGE);
const ALL_PAGES = GUARDRAIL_KINDS.reduce((sum, k) => sum + pagesOf(k), 0);

describe('status checks from shared cluster-wide lists', () => {
  const suite = useSandboxSuite();
  let proxy: RecordingProxy;
  const environments = Array.from({ length: N }, (_, i) =>
    testEnvironment({ name: `sweep-${i}` }),
  );
  const resource = namespaceResource();

  beforeAll(async () => {
    proxy = await startRecordingProxy(suite.sandbox.url);
    const setup = sandboxDriver(suite.sandbox);
    for (const env of environments) {
      await untilSettled(() => setup.apply(resource, testContext(env)));
    }
  });
  afterAll(() => proxy.close());

  const driverOnProxy = (maxAgeMs: number) =>
    sandboxDriver(
      suite.sandbox,
      { url: proxy.url },
      { statusSweep: { maxAgeMs, pageSize: PAGE } },
    );
  const calls = () => proxy.requests.map(r => ({ ...permissionOf(r), r }));

  it('checks every environment with one paginated list per kind, not a read per object', async () => {
    const driver = driverOnProxy(60_000);
    proxy.requests.length = 0;
    // One after another: the lists are shared because they are fresh,
    // not because the checks overlap.
    for (const env of environments) {
      expect(await driver.observe(resource, testContext(env))).toMatchObject({
        status: 'Ready',
      });
    }
    const made = calls();
    expect(made.filter(c => c.verb !== 'list')).toEqual([]);
    expect(made).toHaveLength(ALL_PAGES);
    for (const kind of GUARDRAIL_KINDS) {
      const pages = pagesOf(kind);
      const lists = made.filter(c => c.resource === kind);
      expect(lists).toHaveLength(pages);
      // Across every namespace, by the environment label, page by page.
      expect(lists[0].r.path).not.toContain('/namespaces/sweep');
      expect(lists[0].r.query.get('labelSelector')).toBe(
        'envkit.io/environment',
      );
      expect(lists[0].r.query.get('limit')).toBe(String(PAGE));
      expect(lists[0].r.query.get('continue')).toBeNull();
      expect(lists[1].r.query.get('continue')).toBeTruthy();
    }
  });

  it('still finds drift per object, and reads objects one by one only for the environment that drifted', async () => {
    const drifted = environments[3];
    const namespace = namespaceName(drifted.name, drifted.id);
    const at = paths(namespace);
    await suite.admin.delete(at.quota);
    await suite.admin.mergePatch(
      at.networkPolicy,
      { spec: { policyTypes: ['Egress'] } },
      'kubectl-edit',
    );
    const driver = driverOnProxy(60_000);
    proxy.requests.length = 0;
    const results = await Promise.all(
      environments.map(env => driver.observe(resource, testContext(env))),
    );
    expect(results.filter(r => r.status === 'Ready')).toHaveLength(N - 1);
    expect(results[3]).toMatchObject({
      status: 'InProgress',
      reason: 'GuardrailDrift',
    });
    expect(results[3].message).toContain(
      'ResourceQuota/envkit-quota was deleted',
    );
    expect(results[3].message).toContain(
      'NetworkPolicy/envkit-network was changed (spec.policyTypes)',
    );
    const reads = calls().filter(c => c.verb === 'get');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every(c => c.r.path.includes(namespace))).toBe(true);
    expect(calls().filter(c => c.verb === 'list')).toHaveLength(ALL_PAGES);
  });

  it('falls back to reading each object when the API server refuses the list', async () => {
    const driver = driverOnProxy(60_000);
    proxy.inject = (method, path) =>
      method === 'GET' && path === '/api/v1/resourcequotas'
        ? {
            status: 403,
            body: {
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              reason: 'Forbidden',
              code: 403,
              message:
                'resourcequotas is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "resourcequotas" in API group "" at the cluster scope',
            },
          }
        : undefined;
    try {
      const result = await driver.observe(
        resource,
        testContext(environments[0]),
      );
      expect(result.status).toBe('Ready');
    } finally {
      proxy.inject = undefined;
    }
  });
});
