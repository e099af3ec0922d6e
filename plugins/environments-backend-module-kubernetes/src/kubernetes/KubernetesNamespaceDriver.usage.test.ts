import { untilSettled } from '@envkit/plugin-environments-node/testUtils';
import { namespaceResource } from './__testUtils__/fixtures';
import { sandboxScenario, useSandboxSuite } from './__testUtils__/sandboxSuite';

jest.setTimeout(60_000);

describe('KubernetesNamespaceDriver usage reporting', () => {
  const suite = useSandboxSuite();

  it("reports the workload's ready replicas and the quota in use, which a new pod moves", async () => {
    const { driver, ctx, namespace } = sandboxScenario(suite.sandbox, {
      name: 'usage',
    });
    const resource = namespaceResource({
      quota: { cpu: '2', memory: '4Gi', pods: 10 },
      workload: { image: 'ghcr.io/example/shop:1.0', port: 8080, replicas: 2 },
    });
    await untilSettled(() => driver.apply(resource, ctx));

    const observed = await driver.observe(resource, ctx);
    expect(observed.status).toBe('Ready');
    expect(observed.details).toMatchObject({
      workload: { replicas: 2, readyReplicas: 2 },
      quota: {
        hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '4Gi' },
        // Two pods with the LimitRange's default requests (100m, 128Mi).
        used: { pods: '2', 'requests.cpu': '200m', 'requests.memory': '256Mi' },
      },
    });

    // Every object the driver manages, with its state.
    const ready = (kind: string, name: string) => ({
      kind,
      name,
      state: 'Ready',
    });
    expect(observed.details?.objects).toEqual([
      ready('Namespace', namespace),
      ready('ResourceQuota', 'envkit-quota'),
      ready('LimitRange', 'envkit-limits'),
      ready('NetworkPolicy', 'envkit-network'),
      ready('RoleBinding', 'envkit-admins'),
      // What kubeconfig downloads authenticate as.
      ready('ServiceAccount', 'envkit-access'),
      ready('RoleBinding', 'envkit-access'),
      { kind: 'Deployment', name: 'workload', state: 'Ready, 2 of 2 replicas' },
      ready('Service', 'workload'),
      // The sandbox's ingress controller has published an address.
      ready('Ingress', 'workload'),
    ]);

    // Someone starts a pod of their own in the namespace.
    await suite.admin.create(`/api/v1/namespaces/${namespace}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug' },
      spec: {
        containers: [
          {
            name: 'shell',
            image: 'busybox',
            resources: {
              requests: { cpu: '250m', memory: '64Mi' },
              limits: { cpu: '250m', memory: '64Mi' },
            },
          },
        ],
      },
    });

    const after = await driver.observe(resource, ctx);
    expect(after.details).toMatchObject({
      quota: {
        used: { pods: '3', 'requests.cpu': '450m', 'requests.memory': '320Mi' },
      },
    });
  });
});
