/**
 * Acceptance: the real kubectl, configured by the generated kubeconfig,
 * applies, reads and deletes objects in the sandbox.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RESOURCE_TYPES } from '../kubernetes/discovery';
import { startSandbox, type Sandbox } from '../sandbox';
import { eventually, kubectl } from '../__testUtils__/helpers';

jest.setTimeout(120_000);

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels:
    envkit.io/environment: demo
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: team-a
spec:
  hard:
    services: "5"
    count/deployments.apps: "3"
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: team-a
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: team-edit
  namespace: team-a
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: Group
    name: team-a-developers
    apiGroup: rbac.authorization.k8s.io
`;

describe('kubectl against the sandbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'envkit-kubectl-'));
  const cache = join(dir, 'cache');
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
  });
  afterAll(() => sandbox.stop());

  it('server-side applies a namespace with quota, network policy and role binding', async () => {
    const file = join(dir, 'team-a.yaml');
    writeFileSync(file, MANIFEST);
    const applied = await kubectl(
      sandbox,
      ['apply', '--server-side', '-f', file],
      cache,
    );
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout.trim().split('\n')).toEqual([
      'namespace/team-a serverside-applied',
      'resourcequota/compute serverside-applied',
      'networkpolicy.networking.k8s.io/default-deny serverside-applied',
      'rolebinding.rbac.authorization.k8s.io/team-edit serverside-applied',
    ]);

    const ns = await kubectl(
      sandbox,
      ['get', 'namespace', 'team-a', '-o', 'yaml', '--show-managed-fields'],
      cache,
    );
    expect(ns.code).toBe(0);
    const namespace = parseYaml(ns.stdout);
    expect(namespace.status.phase).toBe('Active');
    expect(namespace.metadata.labels).toEqual({
      'envkit.io/environment': 'demo',
      'kubernetes.io/metadata.name': 'team-a',
    });
    expect(namespace.metadata.managedFields[0]).toMatchObject({
      manager: 'kubectl',
      operation: 'Apply',
    });

    const quota = await eventually(async () => {
      const out = await kubectl(
        sandbox,
        ['get', 'quota', 'compute', '-n', 'team-a', '-o', 'yaml'],
        cache,
      );
      const parsed = parseYaml(out.stdout);
      return parsed?.status?.used ? parsed : undefined;
    });
    expect(quota.status.hard).toEqual({
      services: '5',
      'count/deployments.apps': '3',
    });
    expect(quota.status.used).toEqual({
      services: '0',
      'count/deployments.apps': '0',
    });

    // Re-applying the same manifest changes nothing.
    const again = await kubectl(
      sandbox,
      ['apply', '--server-side', '-f', file],
      cache,
    );
    expect(again.code).toBe(0);
    const after = parseYaml(
      (await kubectl(sandbox, ['get', 'ns', 'team-a', '-o', 'yaml'], cache))
        .stdout,
    );
    expect(after.metadata.resourceVersion).toBe(
      namespace.metadata.resourceVersion,
    );

    const table = await kubectl(
      sandbox,
      ['get', 'netpol,rolebinding,sa', '-n', 'team-a'],
      cache,
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(
      'networkpolicy.networking.k8s.io/default-deny',
    );
    expect(table.stdout).toContain(
      'rolebinding.rbac.authorization.k8s.io/team-edit',
    );
    expect(table.stdout).toContain('serviceaccount/default');
  });

  it('deletes a namespace: Terminating first, then gone with its content', async () => {
    const del = await kubectl(
      sandbox,
      ['delete', 'namespace', 'team-a', '--wait=false'],
      cache,
    );
    expect(del.code).toBe(0);
    expect(del.stdout).toContain('namespace "team-a" deleted');
    const waited = await kubectl(
      sandbox,
      ['wait', '--for=delete', 'namespace/team-a', '--timeout=30s'],
      cache,
    );
    expect(waited.code).toBe(0);
    const get = await kubectl(sandbox, ['get', 'namespace', 'team-a'], cache);
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain(
      'Error from server (NotFound): namespaces "team-a" not found',
    );
    const content = await kubectl(
      sandbox,
      ['get', 'networkpolicies', '-A', '-o', 'name'],
      cache,
    );
    expect(content.stdout.trim()).toBe('');
  });

  it('lists every supported resource type', async () => {
    const failures: string[] = [];
    for (const type of RESOURCE_TYPES) {
      const name = type.group
        ? `${type.resource}.${type.group}`
        : type.resource;
      const result = await kubectl(
        sandbox,
        ['get', name, ...(type.namespaced ? ['-A'] : [])],
        cache,
      );
      // An empty list prints "No resources found" on stderr; anything else is a failure.
      if (result.code !== 0 || /error/i.test(result.stderr))
        failures.push(`${name}: ${result.stderr}`);
    }
    expect(failures).toEqual([]);
    const roles = await kubectl(
      sandbox,
      ['get', 'clusterroles', '-o', 'name'],
      cache,
    );
    expect(roles.stdout.trim().split('\n').sort()).toEqual([
      'clusterrole.rbac.authorization.k8s.io/admin',
      'clusterrole.rbac.authorization.k8s.io/cluster-admin',
      'clusterrole.rbac.authorization.k8s.io/edit',
      'clusterrole.rbac.authorization.k8s.io/view',
    ]);
    const shortNames = await kubectl(
      sandbox,
      ['get', 'ns,quota,netpol,deploy,svc,ing,sa', '-A'],
      cache,
    );
    expect(shortNames.code).toBe(0);
    expect(shortNames.stdout).toContain('namespace/kube-system');
  });

  it('applies a deployment whose status ramps to ready', async () => {
    const file = join(dir, 'web.yaml');
    writeFileSync(
      file,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 3
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
`,
    );
    expect(
      (await kubectl(sandbox, ['apply', '--server-side', '-f', file], cache))
        .code,
    ).toBe(0);
    const rollout = await kubectl(
      sandbox,
      ['rollout', 'status', 'deployment/web', '--timeout=30s'],
      cache,
    );
    expect(rollout.stdout).toContain(
      'deployment "web" successfully rolled out',
    );
    const deployment = parseYaml(
      (await kubectl(sandbox, ['get', 'deploy', 'web', '-o', 'yaml'], cache))
        .stdout,
    );
    expect(deployment.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    expect(
      deployment.status.conditions.map(
        (c: { type: string; status: string }) => `${c.type}=${c.status}`,
      ),
    ).toEqual(['Available=True', 'Progressing=True']);
  });
});
