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

  /** The real kubectl on the sandbox, with one discovery cache for the suite. */
  const kube = (args: string[]) => kubectl(sandbox, args, cache);
  /** One object as `kubectl get -o yaml` prints it, parsed. */
  const getYaml = async (kind: string, name: string) =>
    parseYaml((await kube(['get', kind, name, '-o', 'yaml'])).stdout);
  /** Waits with `kubectl rollout status` for deployment/web to roll out. */
  const rolloutStatus = () =>
    kube(['rollout', 'status', 'deployment/web', '--timeout=30s']);

  it('server-side applies a namespace with quota, network policy and role binding', async () => {
    const file = join(dir, 'team-a.yaml');
    writeFileSync(file, MANIFEST);
    const applied = await kube(['apply', '--server-side', '-f', file]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout.trim().split('\n')).toEqual([
      'namespace/team-a serverside-applied',
      'resourcequota/compute serverside-applied',
      'networkpolicy.networking.k8s.io/default-deny serverside-applied',
      'rolebinding.rbac.authorization.k8s.io/team-edit serverside-applied',
    ]);

    const ns = await kube([
      'get',
      'namespace',
      'team-a',
      '-o',
      'yaml',
      '--show-managed-fields',
    ]);
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
      const out = await kube([
        'get',
        'quota',
        'compute',
        '-n',
        'team-a',
        '-o',
        'yaml',
      ]);
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
    const again = await kube(['apply', '--server-side', '-f', file]);
    expect(again.code).toBe(0);
    const after = await getYaml('ns', 'team-a');
    expect(after.metadata.resourceVersion).toBe(
      namespace.metadata.resourceVersion,
    );

    const table = await kube(['get', 'netpol,rolebinding,sa', '-n', 'team-a']);
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
    const del = await kube(['delete', 'namespace', 'team-a', '--wait=false']);
    expect(del.code).toBe(0);
    expect(del.stdout).toContain('namespace "team-a" deleted');
    const waited = await kube([
      'wait',
      '--for=delete',
      'namespace/team-a',
      '--timeout=30s',
    ]);
    expect(waited.code).toBe(0);
    const get = await kube(['get', 'namespace', 'team-a']);
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain(
      'Error from server (NotFound): namespaces "team-a" not found',
    );
    const content = await kube(['get', 'networkpolicies', '-A', '-o', 'name']);
    expect(content.stdout.trim()).toBe('');
  });

  it('lists every supported resource type', async () => {
    const failures: string[] = [];
    for (const type of RESOURCE_TYPES) {
      const name = type.group
        ? `${type.resource}.${type.group}`
        : type.resource;
      const result = await kube([
        'get',
        name,
        ...(type.namespaced ? ['-A'] : []),
      ]);
      // An empty list prints "No resources found" on stderr; anything else is a failure.
      if (result.code !== 0 || /error/i.test(result.stderr))
        failures.push(`${name}: ${result.stderr}`);
    }
    expect(failures).toEqual([]);
    // Discovery serves each resource of a group version once, as an API server does.
    const core = await kube(['get', '--raw', '/api/v1']);
    const served: string[] = JSON.parse(core.stdout).resources.map(
      (r: { name: string }) => r.name,
    );
    expect(served.filter(name => name === 'pods')).toEqual(['pods']);
    expect(new Set(served).size).toBe(served.length);
    const roles = await kube(['get', 'clusterroles', '-o', 'name']);
    expect(roles.stdout.trim().split('\n').sort()).toEqual([
      'clusterrole.rbac.authorization.k8s.io/admin',
      'clusterrole.rbac.authorization.k8s.io/cluster-admin',
      'clusterrole.rbac.authorization.k8s.io/edit',
      'clusterrole.rbac.authorization.k8s.io/view',
    ]);
    const shortNames = await kube([
      'get',
      'ns,quota,netpol,deploy,svc,ing,sa',
      '-A',
    ]);
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
    expect((await kube(['apply', '--server-side', '-f', file])).code).toBe(0);
    const rollout = await rolloutStatus();
    expect(rollout.stdout).toContain(
      'deployment "web" successfully rolled out',
    );
    const deployment = await getYaml('deploy', 'web');
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

  it('rolls a deployment out again on `kubectl rollout restart`, staying available', async () => {
    const get = () => getYaml('deploy', 'web');
    const before = await get();
    const progressed = (d: any) =>
      d.status.conditions.find((c: any) => c.type === 'Progressing').message;
    const events = watchDeployment(
      sandbox,
      'web',
      before.metadata.resourceVersion,
    );
    try {
      const restart = await kube(['rollout', 'restart', 'deployment/web']);
      expect(restart.stdout).toContain('deployment.apps/web restarted');
      const rollout = await rolloutStatus();
      expect(rollout.stdout).toContain(
        'deployment "web" successfully rolled out',
      );
      const seen = await events.until(
        d =>
          d.status?.observedGeneration === 2 &&
          d.status?.updatedReplicas === 3 &&
          d.status?.replicas === 3 &&
          d.status?.availableReplicas === 3,
      );
      const statuses = seen
        .filter(d => d.status?.observedGeneration === 2)
        .map(d => d.status);
      // Old pods were kept until new ones were ready: 3 available throughout.
      expect(statuses.length).toBeGreaterThan(1);
      for (const status of statuses) {
        expect(status.availableReplicas).toBe(3);
        expect(
          status.conditions.find((c: any) => c.type === 'Available').status,
        ).toBe('True');
      }
      expect(
        statuses.some(s => s.replicas === 4 && s.updatedReplicas < 3),
      ).toBe(true);
    } finally {
      events.stop();
    }

    const after = await get();
    const stamp =
      after.spec.template.metadata.annotations[
        'kubectl.kubernetes.io/restartedAt'
      ];
    expect(new Date(stamp).getTime()).not.toBeNaN();
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(after.status.observedGeneration).toBe(after.metadata.generation);
    expect(
      after.metadata.annotations['deployment.kubernetes.io/revision'],
    ).toBe('2');
    // A new pod template is a new ReplicaSet.
    expect(progressed(after)).toMatch(/^ReplicaSet "web-[a-z0-9]{10}"/);
    expect(progressed(after)).not.toBe(progressed(before));

    // Scaling changes the generation but keeps the ReplicaSet and revision.
    const scaled = await kube([
      'patch',
      'deploy',
      'web',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":4}}',
    ]);
    expect(scaled.code).toBe(0);
    await rolloutStatus();
    const bigger = await get();
    expect(bigger.status).toMatchObject({
      observedGeneration: after.metadata.generation + 1,
      availableReplicas: 4,
    });
    expect(
      bigger.metadata.annotations['deployment.kubernetes.io/revision'],
    ).toBe('2');
    expect(progressed(bigger)).toBe(progressed(after));
  });

  it('keeps Secrets as the API server does: base64 data, stringData folded in, Opaque by default', async () => {
    const created = await kube([
      'create',
      'secret',
      'generic',
      'db',
      '--from-literal=password=s3cr3t',
      '-n',
      'default',
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('secret/db created');
    const db = await getYaml('secret', 'db');
    expect(db).toMatchObject({
      kind: 'Secret',
      type: 'Opaque',
      data: { password: Buffer.from('s3cr3t').toString('base64') },
    });
    expect(db.metadata.generation).toBeUndefined();

    const file = join(dir, 'api-secret.yaml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Secret
metadata:
  name: api
  namespace: default
stringData:
  token: abc
`,
    );
    const applied = await kube(['apply', '--server-side', '-f', file]);
    expect(applied.stdout.trim()).toBe('secret/api serverside-applied');
    const api = await getYaml('secret', 'api');
    expect(api.data).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(api.stringData).toBeUndefined();

    const table = await kube(['get', 'secrets']);
    expect(table.stdout).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE/);
    expect(table.stdout).toMatch(/\napi\s+Opaque\s+1\s/);

    /** `kubectl patch secret api --type=merge -p <patch>` */
    const mergePatch = (patch: string) =>
      kube(['patch', 'secret', 'api', '--type=merge', '-p', patch]);
    const bad = await mergePatch('{"data":{"token":"not base64!"}}');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('illegal base64 data');

    const retype = await mergePatch('{"type":"kubernetes.io/tls"}');
    expect(retype.stderr).toContain('field is immutable');

    const deleted = await kube(['delete', 'secret', 'db', 'api']);
    expect(deleted.code).toBe(0);
    const gone = await kube(['get', 'secret', 'db']);
    expect(gone.stderr).toContain('secrets "db" not found');
  });
});

/**
 * Every version of one Deployment a watch from `resourceVersion` delivers,
 * as the API server streams them.
 */
function watchDeployment(
  sandbox: Sandbox,
  name: string,
  resourceVersion: string,
) {
  const abort = new AbortController();
  const seen: any[] = [];
  let notify = () => {};
  const url = `${sandbox.url}/apis/apps/v1/namespaces/default/deployments?watch=true&fieldSelector=metadata.name%3D${name}&resourceVersion=${resourceVersion}`;
  const reading = (async () => {
    const response = await fetch(url, { signal: abort.signal });
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body as any) {
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean))
        seen.push(JSON.parse(line).object);
      notify();
    }
  })().catch(() => {});
  return {
    /** Resolves with everything seen once some version satisfies `done`. */
    until: (done: (d: any) => boolean) =>
      new Promise<any[]>(resolve => {
        notify = () => {
          if (seen.some(done)) resolve(seen);
        };
        notify();
      }),
    stop: () => {
      abort.abort();
      return reading;
    },
  };
}
