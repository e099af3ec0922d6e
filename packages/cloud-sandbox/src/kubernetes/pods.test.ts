/**
 * Pods behind Deployments, quota usage from pods, and the lists the
 * Backstage Kubernetes plugin makes, over HTTP against a running sandbox.
 */
import { startSandbox, type Sandbox } from '../sandbox';
import { callSandbox, eventually } from '../__testUtils__/helpers';

jest.setTimeout(60_000);

describe('pods, ReplicaSets and quota usage', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
  });
  afterAll(() => sandbox.stop());

  const call = (method: string, path: string, body?: unknown) =>
    callSandbox(sandbox, method, path, body);
  const create = async (path: string, body: unknown) => {
    const answer = await call('POST', path, body);
    expect(answer.status).toBe(201);
    return answer.body;
  };
  /** Creates a core (v1) `kind` named `name` in namespace shop, at its `resource` path. */
  const createInShop = (
    resource: string,
    kind: string,
    name: string,
    spec: unknown,
  ) =>
    create(`/api/v1/namespaces/shop/${resource}`, {
      apiVersion: 'v1',
      kind,
      metadata: { name },
      spec,
    });
  const used = async () =>
    (await call('GET', '/api/v1/namespaces/shop/resourcequotas/compute')).body
      .status.used;

  beforeAll(async () => {
    await create('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop' },
    });
    await createInShop('limitranges', 'LimitRange', 'defaults', {
      limits: [
        {
          type: 'Container',
          defaultRequest: { cpu: '100m', memory: '128Mi' },
          default: { cpu: '500m', memory: '256Mi' },
        },
      ],
    });
    await createInShop('resourcequotas', 'ResourceQuota', 'compute', {
      hard: {
        pods: '10',
        'requests.cpu': '2',
        'requests.memory': '2Gi',
        'limits.cpu': '4',
        'limits.memory': '4Gi',
      },
    });
    await create('/apis/apps/v1/namespaces/shop/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        labels: { 'backstage.io/kubernetes-id': 'shop' },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: {
            labels: { app: 'web', 'backstage.io/kubernetes-id': 'shop' },
          },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    });
  });

  it('runs the Deployment as a ReplicaSet with Ready pods that carry the template labels', async () => {
    const pods = await eventually(async () => {
      const list = (await call('GET', '/api/v1/namespaces/shop/pods')).body;
      return list.items.length === 2 &&
        list.items.every((p: any) => p.status.phase === 'Running')
        ? list.items
        : undefined;
    });
    const replicaSets = (
      await call('GET', '/apis/apps/v1/namespaces/shop/replicasets')
    ).body.items;
    expect(replicaSets).toHaveLength(1);
    const [rs] = replicaSets;
    expect(rs.metadata.name).toMatch(/^web-[a-z0-9]{10}$/);
    expect(rs.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
    });
    expect(rs.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    for (const pod of pods) {
      expect(pod.metadata.name.startsWith(`${rs.metadata.name}-`)).toBe(true);
      expect(pod.metadata.labels).toMatchObject({
        app: 'web',
        'backstage.io/kubernetes-id': 'shop',
      });
      // LimitRanger's defaults, as the API server admits the pod.
      expect(pod.spec.containers[0].resources).toEqual({
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { cpu: '500m', memory: '256Mi' },
      });
    }
  });

  it('counts pods and their requests and limits in the quota, and a new pod moves the usage', async () => {
    await eventually(async () => (await used()).pods === '2');
    expect(await used()).toEqual({
      pods: '2',
      'requests.cpu': '200m',
      'requests.memory': '256Mi',
      'limits.cpu': '1',
      'limits.memory': '512Mi',
    });

    await createInShop('pods', 'Pod', 'debug', {
      containers: [
        {
          name: 'shell',
          image: 'busybox',
          resources: { limits: { cpu: '1', memory: '1Gi' } },
        },
      ],
    });
    // Requests default to the limits when only limits are given.
    expect(await used()).toEqual({
      pods: '3',
      'requests.cpu': '1200m',
      'requests.memory': '1280Mi',
      'limits.cpu': '2',
      'limits.memory': '1536Mi',
    });

    expect(
      (await call('DELETE', '/api/v1/namespaces/shop/pods/debug')).status,
    ).toBe(200);
    expect((await used()).pods).toBe('2');
  });

  it('deletes the ReplicaSets and pods of a deleted Deployment, and frees their quota', async () => {
    await create('/apis/apps/v1/namespaces/shop/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'batch' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'batch' } },
        template: {
          metadata: { labels: { app: 'batch' } },
          spec: { containers: [{ name: 'batch', image: 'busybox' }] },
        },
      },
    });
    await eventually(async () => (await used()).pods === '3');

    expect(
      (await call('DELETE', '/apis/apps/v1/namespaces/shop/deployments/batch'))
        .status,
    ).toBe(200);
    const names = async (path: string) =>
      (await call('GET', path)).body.items.map((o: any) => o.metadata.name);
    expect(await names('/api/v1/namespaces/shop/pods')).not.toContainEqual(
      expect.stringMatching(/^batch-/),
    );
    expect(
      await names('/apis/apps/v1/namespaces/shop/replicasets'),
    ).not.toContainEqual(expect.stringMatching(/^batch-/));
    expect((await used()).pods).toBe('2');
  });

  it('answers every list the Backstage Kubernetes plugin makes, across namespaces and by label', async () => {
    const selector = `labelSelector=${encodeURIComponent(
      'backstage.io/kubernetes-id=shop',
    )}`;
    const lists = [
      '/api/v1/pods',
      '/api/v1/services',
      '/api/v1/configmaps',
      '/api/v1/limitranges',
      '/api/v1/resourcequotas',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/replicasets',
      '/apis/apps/v1/statefulsets',
      '/apis/apps/v1/daemonsets',
      '/apis/batch/v1/jobs',
      '/apis/batch/v1/cronjobs',
      '/apis/autoscaling/v2/horizontalpodautoscalers',
      '/apis/networking.k8s.io/v1/ingresses',
    ];
    const counts: Record<string, number> = {};
    for (const path of lists) {
      const answer = await call('GET', `${path}?${selector}`);
      expect([path, answer.status]).toEqual([path, 200]);
      expect(answer.body.kind).toMatch(/List$/);
      counts[path] = answer.body.items.length;
    }
    expect(counts['/api/v1/pods']).toBe(2);
    expect(counts['/apis/apps/v1/deployments']).toBe(1);
    expect(counts['/apis/apps/v1/replicasets']).toBe(1);
    expect(counts['/apis/batch/v1/jobs']).toBe(0);

    // A group-version the server does not serve is a 404, as on a real cluster.
    expect(
      (await call('GET', '/apis/autoscaling/v1/horizontalpodautoscalers'))
        .status,
    ).toBe(404);
    const groups = (await call('GET', '/apis')).body.groups;
    expect(groups.find((g: any) => g.name === 'autoscaling')).toMatchObject({
      preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
    });
  });
});
