import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServicesCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { startSandbox, type Sandbox } from '../sandbox';
import { eventually } from '../__testUtils__/helpers';
import { createStack, sdkConfig } from '../__testUtils__/sdk';
import { WEB_STACK_TEMPLATE } from '../__testUtils__/templates';

jest.setTimeout(30_000);

describe('ECS actions', () => {
  let sandbox: Sandbox;
  let ecs: ECSClient;
  const cluster = 'ecs-actions-cluster';

  beforeAll(async () => {
    sandbox = await startSandbox({ profile: 'fast' });
    const cfn = new CloudFormationClient(sdkConfig(sandbox));
    await createStack(cfn, 'ecs-actions', WEB_STACK_TEMPLATE);
    cfn.destroy();
    ecs = new ECSClient(sdkConfig(sandbox));
  });

  afterAll(async () => {
    ecs.destroy();
    await sandbox.stop();
  });

  it('describes clusters with their counts, and unknown ones as failures', async () => {
    const { clusters, failures } = await ecs.send(
      new DescribeClustersCommand({ clusters: [cluster, 'ghost'] }),
    );
    expect(clusters![0]).toMatchObject({
      clusterName: cluster,
      status: 'ACTIVE',
      activeServicesCount: 1,
      runningTasksCount: 2,
    });
    expect(failures).toEqual([
      {
        arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/ghost',
        reason: 'MISSING',
      },
    ]);
    const listed = await ecs.send(new ListServicesCommand({ cluster }));
    expect(listed.serviceArns).toEqual([
      `arn:aws:ecs:us-east-1:000000000000:service/${cluster}/web`,
    ]);
  });

  it('scales with a forced new deployment that rolls over to COMPLETED', async () => {
    const { service } = await ecs.send(
      new UpdateServiceCommand({
        cluster,
        service: 'web',
        desiredCount: 4,
        forceNewDeployment: true,
      }),
    );
    expect(service!.desiredCount).toBe(4);
    expect(service!.deployments!.map(d => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    const settled = await eventually(async () => {
      const s = (
        await ecs.send(
          new DescribeServicesCommand({ cluster, services: ['web'] }),
        )
      ).services![0];
      return s.deployments!.length === 1 &&
        s.deployments![0].rolloutState === 'COMPLETED'
        ? s
        : undefined;
    });
    expect(settled.runningCount).toBe(4);
    expect(settled.deployments![0].id).not.toBe(service!.deployments![1].id);
    const running = await ecs.send(
      new ListTasksCommand({ cluster, serviceName: 'web' }),
    );
    expect(running.taskArns).toHaveLength(4);
    const stopped = await ecs.send(
      new ListTasksCommand({
        cluster,
        serviceName: 'web',
        desiredStatus: 'STOPPED',
      }),
    );
    expect(stopped.taskArns).toHaveLength(2); // the first deployment's tasks
  });
});
