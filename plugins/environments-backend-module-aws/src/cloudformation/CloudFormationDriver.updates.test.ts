// Changes to a running ECS service through the driver: redeploys (a new
// ECS deployment of the same image) and updates that fail and roll back.
import { DescribeServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { stackName } from '@envkit/plugin-environments-common';
import { DriverEnvironment } from '@envkit/plugin-environments-node';
import {
  driverOutcome,
  waitFor,
} from '@envkit/plugin-environments-node/testUtils';
import {
  applyUntilSettled,
  contextFor,
  destroyUntilSettled,
  environment,
} from './__testUtils__/harness';
import {
  describeOnSandbox,
  NETWORK,
  serviceFor,
} from './__testUtils__/sandboxSuite';

describeOnSandbox(
  'CloudFormationDriver: redeploys and failed updates',
  suite => {
    const updateStackCalls = () =>
      suite.sandbox.controls.callCount('cloudformation', 'UpdateStack');

    const { stackOf } = suite;

    /** Network and a service on `image`, Ready. */
    async function createService(env: DriverEnvironment, image: string) {
      const network = await suite.ready(NETWORK, env);
      const service = serviceFor(network, image);
      return { network, service, outputs: await suite.ready(service, env) };
    }

    async function destroyAll(env: DriverEnvironment, image: string) {
      const network = await stackOf(env, 'network');
      const outputs = Object.fromEntries(
        network.Outputs!.map(o => [o.OutputKey!, o.OutputValue!]),
      );
      const ctx = contextFor(env, 'service');
      await destroyUntilSettled(suite.driver, serviceFor(outputs, image), ctx);
      await destroyUntilSettled(
        suite.driver,
        NETWORK,
        contextFor(env, 'network'),
      );
      expect(suite.leftovers(env)).toEqual([]);
    }

    it('rolls the ECS service onto a new deployment for each redeploy request, serving throughout, and never otherwise', async () => {
      const env = environment('redeploy');
      const { service, outputs } = await createService(env, 'nginx:latest');
      const cluster = outputs.ClusterName;
      const name = outputs.ServiceName;
      // What an operator sees with the real AWS CLI.
      const describeWithCli = async () =>
        (
          await suite.cli(
            'ecs',
            'describe-services',
            '--cluster',
            cluster,
            '--services',
            name,
          )
        ).services[0];
      const before = await describeWithCli();
      expect(before.deployments).toHaveLength(1);
      const first = before.deployments[0].id;

      // A new generation without a redeploy request (say, a longer TTL)
      // leaves the stack and the service alone.
      const updates = updateStackCalls();
      expect(
        await applyUntilSettled(
          suite.driver,
          service,
          contextFor({ ...env, generation: 2 }, 'service'),
        ),
      ).toMatchObject({ status: 'Ready', outputs });
      expect(updateStackCalls()).toBe(updates);

      // The owner asks for a redeploy. New tasks are held back so the
      // rollout can be looked at halfway.
      const requested = {
        ...env,
        generation: 3,
        redeployRequestedAt: '2025-06-01T10:00:00.000Z',
      };
      const ctx = contextFor(requested, 'service');
      suite.sandbox.controls.holdServiceTasks(name);
      expect((await suite.driver.apply(service, ctx)).status).toBe(
        'InProgress',
      );
      await waitFor('the new ECS deployment', async () => {
        const { services } = await suite.ecs.send(
          new DescribeServicesCommand({ cluster, services: [name] }),
        );
        return services![0].deployments!.length === 2;
      });
      const halfway = await describeWithCli();
      expect(
        halfway.deployments.map((d: any) => [d.status, d.rolloutState]),
      ).toEqual([
        ['PRIMARY', 'IN_PROGRESS'],
        ['ACTIVE', 'COMPLETED'],
      ]);
      expect(halfway.deployments[1].id).toBe(first);
      const second = halfway.deployments[0].id;
      expect(second).not.toBe(first);
      // The old task keeps serving meanwhile.
      expect(halfway.runningCount).toBe(1);
      expect((await suite.driver.observe(service, ctx)).status).toBe(
        'InProgress',
      );

      suite.sandbox.controls.releaseServiceTasks(name);
      expect(await applyUntilSettled(suite.driver, service, ctx)).toMatchObject(
        {
          status: 'Ready',
          outputs,
        },
      );
      const after = await describeWithCli();
      expect(after.deployments).toEqual([
        expect.objectContaining({
          id: second,
          status: 'PRIMARY',
          rolloutState: 'COMPLETED',
          runningCount: 1,
        }),
      ]);
      // Same image, same task definition: only a new deployment.
      expect(after.taskDefinition).toBe(before.taskDefinition);
      expect((await stackOf(env, 'service')).Parameters).toContainEqual({
        ParameterKey: 'RedeployNonce',
        ParameterValue: '2025-06-01T10:00:00.000Z',
      });

      // Later generations with the same request change nothing.
      const settled = updateStackCalls();
      await suite.ready(service, { ...requested, generation: 4 });
      expect(updateStackCalls()).toBe(settled);
      expect((await describeWithCli()).deployments[0].id).toBe(second);

      await destroyAll(env, 'nginx:latest');
    });

    it('sends no redeploy nonce to a template that does not declare one', async () => {
      const env = environment('nononce', {
        redeployRequestedAt: '2025-06-01T10:00:00.000Z',
      });
      const ctx = contextFor(env, 'network');
      // CloudFormation would refuse a parameter the template does not declare.
      expect((await applyUntilSettled(suite.driver, NETWORK, ctx)).status).toBe(
        'Ready',
      );
      expect(
        (await stackOf(env, 'network')).Parameters!.map(p => p.ParameterKey),
      ).not.toContain('RedeployNonce');
      await destroyUntilSettled(suite.driver, NETWORK, ctx);
    });

    it('reports an update that rolled back as a permanent failure, while the service keeps its old tasks and observe stays Ready', async () => {
      const env = environment('badupdate');
      const { network, outputs } = await createService(env, 'nginx:1.27');
      const cluster = outputs.ClusterName;
      const runningTasks = async () =>
        (
          await suite.ecs.send(
            new ListTasksCommand({
              cluster,
              serviceName: outputs.ServiceName,
              desiredStatus: 'RUNNING',
            }),
          )
        ).taskArns!.sort();
      const oldTasks = await runningTasks();
      expect(oldTasks).toHaveLength(1);

      // An image whose tasks never become healthy.
      suite.sandbox.controls.failImageTasks(
        'nginx:broken',
        'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      );
      const broken = serviceFor(network, 'nginx:broken');
      const ctx = contextFor({ ...env, generation: 2 }, 'service');
      const failed = await applyUntilSettled(suite.driver, broken, ctx);
      expect(failed).toEqual({
        status: 'Failed',
        kind: 'permanent',
        reason: 'UpdateRolledBack',
        resource: `AWS::CloudFormation::Stack ${stackName(
          env.name,
          env.id,
          'service',
        )}`,
        message: expect.stringMatching(
          /^The update of stack envkit-badupdate-service-[0-9a-f]{8} failed and was rolled back; it keeps running its previous version\. Service \(AWS::ECS::Service\): UPDATE_FAILED - .*ECS Deployment Circuit Breaker was triggered/,
        ),
      });
      const stack = await stackOf(env, 'service');
      expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(stack.Parameters).toContainEqual({
        ParameterKey: 'ImageLocation',
        ParameterValue: 'nginx:1.27',
      });

      // Asking again gives the same verdict, without trying the update again.
      const updates = updateStackCalls();
      expect(
        await driverOutcome(() => suite.driver.apply(broken, ctx)),
      ).toMatchObject({
        status: 'Failed',
        kind: 'permanent',
        reason: 'UpdateRolledBack',
      });
      expect(updateStackCalls()).toBe(updates);

      // The service never left its old task, and observe reports it usable
      // with the last good outputs.
      expect(await runningTasks()).toEqual(oldTasks);
      const { services } = await suite.ecs.send(
        new DescribeServicesCommand({
          cluster,
          services: [outputs.ServiceName],
        }),
      );
      expect(services![0].taskDefinition).toBe(outputs.TaskDefinitionArn);
      const observed = await suite.driver.observe(broken, ctx);
      expect(observed).toMatchObject({
        status: 'Ready',
        exists: true,
        reason: 'UpdateRolledBack',
        outputs,
        details: { stackStatus: 'UPDATE_ROLLBACK_COMPLETE' },
      });

      // A fixed image in the next generation updates the stack again.
      const fixed = serviceFor(network, 'nginx:1.28');
      await suite.ready(fixed, { ...env, generation: 3 });
      expect((await stackOf(env, 'service')).StackStatus).toBe(
        'UPDATE_COMPLETE',
      );

      await destroyAll(env, 'nginx:1.28');
    });
  },
);
