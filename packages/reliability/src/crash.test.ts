/*
 * Crash: the backend is killed with SIGKILL at five points of an ECS
 * environment's life and started again each time. The environment must
 * reach its end state with no duplicate and no orphaned stack.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { waitFor } from '@envkit/plugin-environments-node/testUtils';
import { EnvironmentsClient, printFigures } from './harness/api';
import { useSandboxBackend } from './harness/sandboxBackend';
import {
  cloudFormation,
  duplicates,
  ENV_TAG,
  RESOURCE_TAG,
  stackResourceStatus,
} from './harness/sandbox';

const TEMPLATE = 'environmenttemplate:default/ecs-web-service';
// The realistic profile, eight times faster: an ECS environment takes about
// a minute, which leaves windows of several seconds around each step.
const CLOCK = 8;

jest.setTimeout(6 * 60_000);

describe('crash recovery', () => {
  const harness = useSandboxBackend('crash', {
    sandbox: { profile: 'realistic', clockMultiplier: CLOCK },
  });

  it('reaches the end state after five SIGKILLs with no duplicate or orphaned stack', async () => {
    const { sandbox, backend, logs } = harness;
    const started = Date.now();
    const { controls } = sandbox;
    const client = new EnvironmentsClient(() => [backend]);
    const cfn = cloudFormation(sandbox);
    const points: Record<string, string> = {};
    const calls = (action: string) =>
      controls.callCount('cloudformation', action);
    const stacksOf = (id: string) =>
      controls.inventory({ key: ENV_TAG, value: id });

    const restart = async () => {
      client.forget(backend);
      await backend.start([TEMPLATE]);
    };
    const killAt = async (point: string, detail: string) => {
      await backend.kill();
      client.forget(backend);
      points[point] = detail;
    };

    await backend.start([TEMPLATE]);

    // 1. Before CreateStack: the create is recorded, the engine has not yet
    // reached CloudFormation (every CloudFormation call is held 2 s).
    controls.addLatency('cloudformation', 2000);
    const created = await client.on(backend, 'POST', '/environments', {
      name: 'crash-ecs',
      templateRef: TEMPLATE,
      inputs: { imageLocation: 'public.ecr.aws/nginx/nginx:1.27' },
    });
    expect(created.status).toBe(202);
    const id: string = created.body.id;
    await killAt(
      '1 before CreateStack',
      `CreateStack calls ${calls('CreateStack')}`,
    );
    expect(calls('CreateStack')).toBe(0);
    controls.addLatency('cloudformation', 0);

    // 2. Just after CreateStack: the network stack exists; the backend may
    // not have recorded the answer.
    await restart();
    await waitFor(
      'the first stack',
      async () => (stacksOf(id).length > 0 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    await killAt(
      '2 just after CreateStack',
      `stacks ${stacksOf(id)
        .map(s => `${s.tags[RESOURCE_TAG]}:${s.status}`)
        .join(',')}`,
    );

    // 3. Mid-stack: the service stack is being created (load balancer).
    await restart();
    const serviceStack = await waitFor(
      'the service stack',
      async () =>
        stacksOf(id).find(
          s =>
            s.tags[RESOURCE_TAG] === 'service' &&
            s.status === 'CREATE_IN_PROGRESS',
        ),
      { timeoutMs: 90_000, intervalMs: 50 },
    );
    // Its tasks are held from starting, so the ECS service is still
    // stabilising at step 4 however long a restart takes on a busy machine.
    const serviceName = (
      await cfn.send(
        new DescribeStacksCommand({ StackName: serviceStack.stackName }),
      )
    ).Stacks?.[0]?.Parameters?.find(
      p => p.ParameterKey === 'ServiceName',
    )?.ParameterValue;
    expect(serviceName).toBeDefined();
    controls.holdServiceTasks(serviceName!);
    await killAt('3 mid-stack', `service stack ${serviceStack.status}`);

    // 4. While the ECS service stabilises inside the stack.
    await restart();
    const stabilising = await waitFor(
      'the ECS service to stabilise',
      async () => {
        const resources = await stackResourceStatus(
          cfn,
          serviceStack.stackName,
        );
        return resources['AWS::ECS::Service'] === 'CREATE_IN_PROGRESS'
          ? resources
          : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    await killAt(
      '4 service stabilising',
      `AWS::ECS::Service ${stabilising['AWS::ECS::Service']}`,
    );
    controls.releaseServiceTasks(serviceName!);

    // The environment becomes Ready after the fourth restart.
    await restart();
    const ready = await waitFor(
      'Ready',
      async () => {
        const env = await client.get(id);
        if (env.status.phase === 'Failed') {
          throw new Error(`Failed: ${JSON.stringify(env.status.lastError)}`);
        }
        return env.status.phase === 'Ready' ? env : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const afterCreate = stacksOf(id);
    const createStackCalls = calls('CreateStack');

    // 5. During destroy: DeleteStack has been sent.
    const destroy = await client.on(backend, 'DELETE', `/environments/${id}`);
    expect(destroy.status).toBe(202);
    await waitFor(
      'DeleteStack',
      async () => (calls('DeleteStack') > 0 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    await killAt(
      '5 during destroy',
      `DeleteStack calls ${calls('DeleteStack')}`,
    );
    await restart();
    const destroyed = await waitFor(
      'Destroyed',
      async () => {
        const env = await client.get(id);
        return env.status.phase === 'Destroyed' ? env : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );

    const leftover = controls.inventory({ key: ENV_TAG });
    const leaks = logs.leaks();
    printFigures('crash recovery (SIGKILL ×5, ECS template, realistic ×8)', {
      ...points,
      'end state after create': ready.status.phase,
      'stacks after create': afterCreate.length,
      'duplicate stacks': duplicates(afterCreate).length,
      'CreateStack calls': createStackCalls,
      'end state after destroy': destroyed.status.phase,
      'stacks left after destroy (orphans)': leftover.length,
      'backend starts': backend.starts,
      'mean start (s)': (
        backend.startDurations.reduce((a, b) => a + b, 0) /
        backend.startDurations.length /
        1000
      ).toFixed(1),
      'error log lines': logs.byLevel('error').length,
      'secret leaks in logs': leaks.length,
      'duration (s)': ((Date.now() - started) / 1000).toFixed(0),
    });

    expect(ready.status.phase).toBe('Ready');
    expect(afterCreate.map(s => s.tags[RESOURCE_TAG]).sort()).toEqual([
      'network',
      'service',
    ]);
    expect(duplicates(afterCreate)).toEqual([]);
    expect(destroyed.status.phase).toBe('Destroyed');
    expect(leftover).toEqual([]);
    expect(leaks.map(l => `${l.what}: ${l.line.text.slice(0, 200)}`)).toEqual(
      [],
    );
  });
});
