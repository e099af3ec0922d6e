/**
 * Acceptance: the AWS SDK v3 clients and @kubernetes/client-node see the
 * same sandbox behaviour the CLIs see.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeServicesCommand,
  ECSClient,
  ListTasksCommand,
  DescribeTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { startSandbox, type Sandbox } from '../sandbox';
import { eventually } from '../__testUtils__/helpers';
import { WEB_STACK_TEMPLATE } from '../__testUtils__/templates';
import { fastWaiter, sdkConfig } from '../__testUtils__/sdk';

jest.setTimeout(60_000);

describe('SDK clients against the sandbox', () => {
  let sandbox: Sandbox;
  let cfn: CloudFormationClient;
  let ecs: ECSClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    cfn = new CloudFormationClient(sdkConfig(sandbox));
    ecs = new ECSClient(sdkConfig(sandbox));
  });

  afterAll(async () => {
    cfn.destroy();
    ecs.destroy();
    await sandbox.stop();
  });

  it('runs the stack lifecycle through @aws-sdk/client-cloudformation and client-ecs', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'sdk-web',
        TemplateBody: WEB_STACK_TEMPLATE,
        Parameters: [{ ParameterKey: 'Env', ParameterValue: 'prod' }],
        Tags: [{ Key: 'envkit.io/environment', Value: 'sdk' }],
      }),
    );
    expect(StackId).toContain(':stack/sdk-web/');
    const waited = await waitUntilStackCreateComplete(fastWaiter(cfn, 30), {
      StackName: 'sdk-web',
    });
    expect(waited.state).toBe('SUCCESS');

    const { Stacks } = await cfn.send(
      new DescribeStacksCommand({ StackName: 'sdk-web' }),
    );
    const stack = Stacks![0];
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack.CreationTime).toBeInstanceOf(Date);
    expect(stack.Tags).toEqual([
      { Key: 'envkit.io/environment', Value: 'sdk' },
    ]);
    const outputs = Object.fromEntries(
      stack.Outputs!.map(o => [o.OutputKey, o.OutputValue]),
    );
    expect(outputs.Tier).toBe('production');
    expect(outputs.DevOnly).toBeUndefined();
    expect(outputs.Region).toBe('us-east-1/000000000000/aws/amazonaws.com');
    expect(outputs.ClusterArn).toBe(
      'arn:aws:ecs:us-east-1:000000000000:cluster/sdk-web-cluster',
    );

    const services = await ecs.send(
      new DescribeServicesCommand({
        cluster: outputs.ClusterName,
        services: ['web'],
      }),
    );
    expect(services.services![0]).toMatchObject({
      serviceName: 'web',
      desiredCount: 2,
      runningCount: 2,
      status: 'ACTIVE',
    });
    expect(services.services![0].createdAt).toBeInstanceOf(Date);

    const tasks = await ecs.send(
      new ListTasksCommand({
        cluster: outputs.ClusterName,
        serviceName: 'web',
      }),
    );
    expect(tasks.taskArns).toHaveLength(2);
    const described = await ecs.send(
      new DescribeTasksCommand({
        cluster: outputs.ClusterName,
        tasks: tasks.taskArns,
      }),
    );
    expect(described.tasks!.map(t => t.lastStatus)).toEqual([
      'RUNNING',
      'RUNNING',
    ]);
    expect(described.tasks![0].containers![0].image).toBe('nginx:1.27');

    await cfn.send(new DeleteStackCommand({ StackName: 'sdk-web' }));
    const deleted = await waitUntilStackDeleteComplete(fastWaiter(cfn, 30), {
      StackName: StackId,
    });
    expect(deleted.state).toBe('SUCCESS');
    await expect(
      cfn.send(new DescribeStacksCommand({ StackName: 'sdk-web' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id sdk-web does not exist',
      $metadata: { httpStatusCode: 400 },
    });
    const drained = await ecs
      .send(
        new DescribeServicesCommand({
          cluster: outputs.ClusterName,
          services: ['web'],
        }),
      )
      .catch(e => e);
    expect(drained.name).toBe('ClusterNotFoundException');
  });

  it('applies and reads Kubernetes objects through @kubernetes/client-node', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    expect(kc.getCurrentCluster()?.server).toBe(sandbox.url);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    const manifests: KubernetesObject[] = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'sdk-team', labels: { team: 'sdk' } },
      },
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'compute', namespace: 'sdk-team' },
        spec: { hard: { services: '2' } },
      } as KubernetesObject,
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace: 'sdk-team' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      } as KubernetesObject,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'team-edit', namespace: 'sdk-team' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'edit',
        },
        subjects: [
          {
            kind: 'Group',
            name: 'sdk-devs',
            apiGroup: 'rbac.authorization.k8s.io',
          },
        ],
      } as KubernetesObject,
    ];
    for (const manifest of manifests) {
      const applied = await objects.patch(
        manifest,
        undefined,
        undefined,
        'envkit-driver',
        true,
        PatchStrategy.ServerSideApply,
      );
      expect(applied.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(applied.metadata?.managedFields?.[0].manager).toBe(
        'envkit-driver',
      );
    }

    const ns = await core.readNamespace({ name: 'sdk-team' });
    expect(ns.status?.phase).toBe('Active');
    expect(ns.metadata?.labels).toMatchObject({
      team: 'sdk',
      'kubernetes.io/metadata.name': 'sdk-team',
    });

    const quota = await eventually(async () => {
      const q = await core.readNamespacedResourceQuota({
        name: 'compute',
        namespace: 'sdk-team',
      });
      return q.status?.used ? q : undefined;
    });
    expect(quota.status).toEqual({
      hard: { services: '2' },
      used: { services: '0' },
    });

    const listed = await core.listNamespace({
      labelSelector: 'team in (sdk, other)',
    });
    expect(listed.items.map(i => i.metadata?.name)).toEqual(['sdk-team']);

    const terminating = await core.deleteNamespace({ name: 'sdk-team' });
    expect((terminating as { status?: { phase?: string } }).status?.phase).toBe(
      'Terminating',
    );
    await eventually(async () => {
      const err = await core.readNamespace({ name: 'sdk-team' }).then(
        () => undefined,
        e => e,
      );
      return err?.code === 404;
    });
    const afterDelete = await core.listNamespacedServiceAccount({
      namespace: 'sdk-team',
    });
    expect(afterDelete.items).toEqual([]);
  });
});
