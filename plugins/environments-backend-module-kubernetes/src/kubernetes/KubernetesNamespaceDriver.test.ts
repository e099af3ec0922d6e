// Longer than most files: the scenarios share one sandbox, which is the
// expensive part of the suite.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  driverOutcome,
  untilSettled,
  waitFor,
} from '@envkit/plugin-environments-node/testUtils';
import { namespaceResource, paths } from './__testUtils__/fixtures';
import { sandboxScenario, useSandboxSuite } from './__testUtils__/sandboxSuite';
import {
  permissionOf,
  startRecordingProxy,
} from './__testUtils__/recordingProxy';

jest.setTimeout(60_000);

const GUARDRAILS = [
  'namespace',
  'quota',
  'limits',
  'networkPolicy',
  'roleBinding',
] as const;
const WORKLOAD = ['deployment', 'service', 'ingress'] as const;

describe('KubernetesNamespaceDriver against the cloud sandbox', () => {
  const suite = useSandboxSuite();

  async function resourceVersions(
    namespace: string,
    objects: readonly (keyof ReturnType<typeof paths>)[],
  ) {
    const at = paths(namespace);
    const out: Record<string, string | undefined> = {};
    for (const key of objects) {
      out[key] = (await suite.admin.get(at[key]))?.metadata?.resourceVersion;
    }
    return out;
  }

  it('creates the namespace with every guardrail, and a second apply changes nothing', async () => {
    const { driver, environment, ctx, namespace, at } = sandboxScenario(
      suite.sandbox,
      { owner: 'user:default/lena' },
    );
    const resource = namespaceResource({
      quota: { cpu: '8', memory: '16Gi', pods: 30 },
      maxQuota: { cpu: '4', memory: '8Gi', pods: 20 },
      podSecurity: 'restricted',
    });

    const { last } = await untilSettled(() => driver.apply(resource, ctx));
    expect(last).toMatchObject({
      status: 'Ready',
      outputs: {
        namespace,
        cluster: 'sandbox',
        endpoint: '',
        quota: 'cpu=4, memory=8Gi, pods=20',
      },
    });
    expect(last.message).toContain('cpu lowered from 8 to the maximum 4');

    const ns = await suite.admin.get(at.namespace);
    expect(ns.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'envkit',
      'envkit.io/environment': environment.id,
      'envkit.io/owner': 'user.default.lena',
      'envkit.io/template': 'environmenttemplate.default.dev-namespace',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    expect((await suite.admin.get(at.quota)).spec.hard).toEqual({
      'requests.cpu': '4',
      'limits.cpu': '4',
      'requests.memory': '8Gi',
      'limits.memory': '8Gi',
      pods: '20',
    });
    // Defaults, so pods that ask for nothing are still admitted under the quota.
    expect((await suite.admin.get(at.limits)).spec.limits).toEqual([
      {
        type: 'Container',
        default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi' },
      },
    ]);
    const policy = await suite.admin.get(at.networkPolicy);
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: {} }] },
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
              },
            },
          ],
        },
      ],
      egress: [
        { to: [{ podSelector: {} }] },
        {
          to: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
              },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
    const binding = await suite.admin.get(at.roleBinding);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'admin',
    });
    expect(binding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'lena' },
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: 'platform-team',
      },
    ]);
    for (const key of [
      'quota',
      'limits',
      'networkPolicy',
      'roleBinding',
    ] as const) {
      const managers = (await suite.admin.get(at[key])).metadata.managedFields;
      expect(managers.map((f: any) => `${f.manager}/${f.operation}`)).toEqual([
        'envkit/Apply',
      ]);
    }

    const before = await resourceVersions(namespace, GUARDRAILS);
    expect(Object.values(before).every(Boolean)).toBe(true);
    await expect(driver.apply(resource, ctx)).resolves.toMatchObject({
      status: 'Ready',
    });
    await expect(driver.observe(resource, ctx)).resolves.toMatchObject({
      status: 'Ready',
      exists: true,
      details: {
        namespacePhase: 'Active',
        quota: { hard: { pods: '20', 'requests.cpu': '4' } },
      },
    });
    expect(await resourceVersions(namespace, GUARDRAILS)).toEqual(before);
  });

  it('restores a deleted quota and an edited network policy, reporting what drifted', async () => {
    const { driver, ctx, at } = sandboxScenario(suite.sandbox);
    const resource = namespaceResource();
    await untilSettled(() => driver.apply(resource, ctx));
    const policyBefore = (await suite.admin.get(at.networkPolicy)).spec;

    await suite.admin.delete(at.quota);
    // Someone opens the namespace to all ingress with kubectl edit, and adds a subject.
    await suite.admin.mergePatch(
      at.networkPolicy,
      { spec: { ingress: [{}] } },
      'kubectl-edit',
    );
    const binding = await suite.admin.get(at.roleBinding);
    await suite.admin.mergePatch(
      at.roleBinding,
      { subjects: [...binding.subjects, { kind: 'Group', name: 'everyone' }] },
      'kubectl-edit',
    );

    const observed = await driver.observe(resource, ctx);
    expect(observed.status).toBe('InProgress');
    expect(observed.reason).toBe('GuardrailDrift');
    expect(observed.message).toContain(
      'ResourceQuota/envkit-quota was deleted',
    );
    expect(observed.message).toContain(
      'NetworkPolicy/envkit-network was changed (spec.ingress)',
    );
    expect(observed.message).toContain(
      'RoleBinding/envkit-admins was changed (subjects)',
    );
    expect(observed.details?.drift).toHaveLength(3);

    await expect(driver.apply(resource, ctx)).resolves.toMatchObject({
      status: 'Ready',
    });
    await expect(driver.observe(resource, ctx)).resolves.toMatchObject({
      status: 'Ready',
    });
    expect((await suite.admin.get(at.quota)).spec.hard.pods).toBe('10');
    expect((await suite.admin.get(at.networkPolicy)).spec).toEqual(
      policyBefore,
    );
    expect((await suite.admin.get(at.roleBinding)).subjects).toEqual(
      binding.subjects,
    );
  });

  it('runs a workload, publishes its endpoint and reports readiness', async () => {
    const { driver, ctx, namespace, at } = sandboxScenario(suite.sandbox, {
      name: 'web',
    });
    const resource = namespaceResource({
      workload: {
        image: 'ghcr.io/example/shop:1.4.2',
        port: 8080,
        replicas: 2,
      },
    });

    const first = await driver.apply(resource, ctx);
    expect(first).toMatchObject({
      status: 'InProgress',
      reason: 'WorkloadNotReady',
    });
    const { last } = await untilSettled(() => driver.apply(resource, ctx));
    expect(last.status).toBe('Ready');
    const host = `${namespace}.apps.sandbox.test`;
    expect(last.outputs?.endpoint).toBe(
      `${suite.sandbox.url}/_sandbox/endpoints/${host}`,
    );

    const page = await fetch(last.outputs!.endpoint);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('ghcr.io/example/shop:1.4.2');
    expect(text).toContain('8080');

    await expect(driver.observe(resource, ctx)).resolves.toMatchObject({
      status: 'Ready',
      details: { workload: { replicas: 2, readyReplicas: 2, ready: true } },
    });

    // A deleted Deployment is noticed and recreated.
    await suite.admin.delete(at.deployment);
    await expect(driver.observe(resource, ctx)).resolves.toMatchObject({
      status: 'InProgress',
      reason: 'WorkloadMissing',
    });
    await untilSettled(() => driver.apply(resource, ctx));
    const stable = await resourceVersions(namespace, [
      ...GUARDRAILS,
      ...WORKLOAD,
    ]);
    await expect(driver.apply(resource, ctx)).resolves.toMatchObject({
      status: 'Ready',
    });
    expect(
      await resourceVersions(namespace, [...GUARDRAILS, ...WORKLOAD]),
    ).toEqual(stable);
  });

  it('leaves kubectl seeing exactly the objects it promises', async () => {
    const { driver, ctx, namespace } = sandboxScenario(suite.sandbox, {
      name: 'kubectl-check',
    });
    await untilSettled(() =>
      driver.apply(
        namespaceResource({ workload: { image: 'nginx:1.27', port: 80 } }),
        ctx,
      ),
    );

    const home = mkdtempSync(join(tmpdir(), 'envkit-kubectl-'));
    const { stdout } = await promisify(execFile)(
      '/usr/bin/kubectl',
      [
        '--kubeconfig',
        suite.sandbox.kubeconfigPath,
        '--cache-dir',
        join(home, 'cache'),
        '--namespace',
        namespace,
        'get',
        'resourcequotas,limitranges,networkpolicies,rolebindings,serviceaccounts,deployments,services,ingresses',
        '-o',
        'name',
      ],
      { env: { PATH: process.env.PATH, HOME: home } },
    );
    expect(stdout.trim().split('\n').sort()).toEqual(
      [
        'deployment.apps/workload',
        'ingress.networking.k8s.io/workload',
        'limitrange/envkit-limits',
        'networkpolicy.networking.k8s.io/envkit-network',
        'resourcequota/envkit-quota',
        'rolebinding.rbac.authorization.k8s.io/envkit-access',
        'rolebinding.rbac.authorization.k8s.io/envkit-admins',
        'service/workload',
        // The cluster's own, and the one kubeconfigs get tokens for.
        'serviceaccount/default',
        'serviceaccount/envkit-access',
      ].sort(),
    );
  });

  it('writes the namespaced objects in one parallel round once the namespace exists', async () => {
    const proxy = await startRecordingProxy(suite.sandbox.url);
    try {
      const { driver, ctx } = sandboxScenario(
        suite.sandbox,
        { name: 'parallel' },
        { url: proxy.url },
      );
      // Each call takes 150 ms, so eight writes one after another would take over a second.
      suite.sandbox.controls.addLatency('kubernetes', 150);
      const started = performance.now();
      await driver.apply(
        namespaceResource({
          workload: {
            image: 'nginx:1.27',
            port: 80,
            secretEnv: { TOKEN: 'abc' },
          },
        }),
        ctx,
      );
      const elapsed = performance.now() - started;

      const calls = proxy.requests.map(r => {
        const p = permissionOf(r);
        return `${p.verb} ${p.resource}`;
      });
      expect(calls.slice(0, 2)).toEqual([
        'get namespaces',
        'create namespaces',
      ]);
      const round = proxy.requests.slice(2);
      expect(round.map(r => permissionOf(r).resource).sort()).toEqual([
        'deployments',
        'ingresses',
        'limitranges',
        'networkpolicies',
        'resourcequotas',
        'rolebindings',
        'rolebindings',
        'secrets',
        'serviceaccounts',
        'services',
      ]);
      expect(round.every(r => r.method === 'PATCH')).toBe(true);
      const namespaceCreated = proxy.requests[1].finishedAt;
      expect(Math.min(...round.map(r => r.startedAt))).toBeGreaterThanOrEqual(
        namespaceCreated,
      );
      // Every write started before the first one finished: all were in flight at once.
      expect(Math.max(...round.map(r => r.startedAt))).toBeLessThan(
        Math.min(...round.map(r => r.finishedAt)),
      );
      expect(elapsed).toBeLessThan(3 * 150 + 400);
    } finally {
      suite.sandbox.controls.clearFaults();
      await proxy.close();
    }
  });

  it('deletes the namespace and follows Terminating until it is gone', async () => {
    const { driver, ctx, at } = sandboxScenario(suite.sandbox, {
      name: 'short-lived',
    });
    const resource = namespaceResource();
    await untilSettled(() => driver.apply(resource, ctx));

    const first = await driver.destroy(resource, ctx);
    expect(first).toMatchObject({
      status: 'InProgress',
      reason: 'NamespaceTerminating',
    });
    expect((await suite.admin.get(at.namespace)).status.phase).toBe(
      'Terminating',
    );

    const { last } = await untilSettled(() => driver.destroy(resource, ctx));
    expect(last.status).toBe('Destroyed');
    expect(await suite.admin.get(at.namespace)).toBeUndefined();
    await expect(driver.destroy(resource, ctx)).resolves.toMatchObject({
      status: 'Destroyed',
    });
    await expect(driver.observe(resource, ctx)).resolves.toMatchObject({
      exists: false,
      reason: 'NamespaceMissing',
    });
  });

  it('reports the conditions holding a namespace stuck on a finalizer', async () => {
    const { driver, ctx, namespace } = sandboxScenario(suite.sandbox, {
      name: 'stuck',
    });
    const resource = namespaceResource();
    await untilSettled(() => driver.apply(resource, ctx));
    suite.sandbox.controls.hangNamespaceDeletion(
      namespace,
      'example.com/backup',
    );
    try {
      await driver.destroy(resource, ctx);
      // A finalizer only its owner can finish needs a person.
      const result = await waitFor(
        'the finalizer to be reported',
        async () => {
          const outcome = await driverOutcome(() =>
            driver.destroy(resource, ctx),
          );
          return outcome.status === 'Failed' ? outcome : undefined;
        },
        { timeoutMs: 5_000, intervalMs: 20 },
      );
      expect(result).toMatchObject({
        kind: 'needsAttention',
        reason: 'NamespaceFinalizersRemaining',
        resource: `namespace '${namespace}' in cluster 'sandbox'`,
      });
      expect(result.message).toContain('example.com/backup');
      // Nothing is written into a namespace that is going away.
      await expect(driver.apply(resource, ctx)).resolves.toMatchObject({
        status: 'InProgress',
        reason: 'NamespaceTerminating',
      });
    } finally {
      suite.sandbox.controls.releaseNamespace(namespace);
    }
    await expect(driver.destroy(resource, ctx)).resolves.toMatchObject({
      status: 'Destroyed',
    });
  });
});
