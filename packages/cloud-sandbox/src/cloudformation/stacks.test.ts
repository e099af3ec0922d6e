import type { Faults } from '../faults';
import { eventually } from '../__testUtils__/helpers';
import {
  settled,
  stackInput,
  timeline,
  useStackStoreEnv,
} from '../__testUtils__/stackStore';
import {
  BUCKET_TEMPLATE,
  WEB_STACK_TEMPLATE,
} from '../__testUtils__/templates';
import type { Stack } from './stacks';

const ALB = 'AWS::ElasticLoadBalancingV2::LoadBalancer';

/** Why the resource's creation failed, from the stack's events. */
const failureReason = (stack: Stack, logicalId: string) =>
  stack.events.find(
    e => e.logicalId === logicalId && e.status === 'CREATE_FAILED',
  )?.reason;

describe('StackStore', () => {
  const env = useStackStoreEnv();
  /** Creates the web stack with `fault` injected; it must roll back. */
  const rolledBack = async (name: string, fault: (f: Faults) => void) => {
    fault(env.ctx.faults);
    const stack = env.store.create(stackInput(name, WEB_STACK_TEMPLATE));
    expect(await settled(stack)).toBe('ROLLBACK_COMPLETE');
    return stack;
  };

  it('creates resources in dependency order and then the stack', async () => {
    const stack = env.store.create(stackInput('web', WEB_STACK_TEMPLATE));
    expect(stack.status).toBe('CREATE_IN_PROGRESS');
    expect(await settled(stack)).toBe('CREATE_COMPLETE');
    const events = timeline(stack);
    expect(events[0]).toBe('web CREATE_IN_PROGRESS');
    expect(events[events.length - 1]).toBe('web CREATE_COMPLETE');
    const completed = (id: string) => events.indexOf(`${id} CREATE_COMPLETE`);
    const started = (id: string) => events.indexOf(`${id} CREATE_IN_PROGRESS`);
    expect(completed('Vpc')).toBeLessThan(started('SubnetA'));
    expect(completed('AlbSecurityGroup')).toBeLessThan(started('LoadBalancer'));
    expect(completed('Listener')).toBeLessThan(started('Service')); // DependsOn
    expect(completed('TaskDefinition')).toBeLessThan(started('Service'));
    expect(stack.resources.get('Service')?.physicalId).toBe(
      'arn:aws:ecs:us-east-1:000000000000:service/web-cluster/web',
    );
    // The service only completed once ECS reported it steady.
    const service = env.ecs.findService(
      env.ecs.activeCluster('web-cluster')!,
      'web',
    )!;
    expect(env.ecs.runningCount(service)).toBe(2);
  });

  it('rolls back with the failed resource named in the reason', async () => {
    const reason = 'Simulated ALB quota exceeded';
    const stack = await rolledBack('broken', faults =>
      faults.failingResourceTypes.set(ALB, reason),
    );
    expect(failureReason(stack, 'LoadBalancer')).toBe(reason);
    const rollback = stack.events.find(
      e => e.status === 'ROLLBACK_IN_PROGRESS',
    );
    expect(rollback?.reason).toBe(
      'The following resource(s) failed to create: [LoadBalancer]. Rollback requested by user.',
    );
    // Everything that had been created is deleted again; nothing is left behind.
    const leftovers = [...stack.resources.values()].filter(
      r => r.status === 'CREATE_COMPLETE' || r.status === 'CREATE_IN_PROGRESS',
    );
    expect(leftovers).toEqual([]);
    const events = timeline(stack);
    expect(events.indexOf('SubnetA DELETE_COMPLETE')).toBeLessThan(
      events.indexOf('Vpc DELETE_IN_PROGRESS'),
    );
  });

  it('fails the ECS service when its tasks trip the circuit breaker', async () => {
    const stack = await rolledBack('crashloop', faults =>
      faults.failingServiceTasks.set('web', 'CannotPullContainerError'),
    );
    expect(failureReason(stack, 'Service')).toContain(
      'ECS Deployment Circuit Breaker was triggered',
    );
    const service = [...env.ecs.services.values()][0];
    expect(
      service.deployments.length === 0 ||
        service.deployments[0].rolloutState === 'FAILED',
    ).toBe(true);
    expect(service.events.map(e => e.message)).toContainEqual(
      expect.stringContaining('deployment failed: tasks failed to start.'),
    );
    await eventually(() => service.status === 'INACTIVE');
  });

  it('deletes dependents before what they depend on, and keeps the stack findable by id only', async () => {
    const stack = env.store.create(stackInput('gone', WEB_STACK_TEMPLATE));
    await settled(stack);
    env.store.delete('gone');
    env.store.delete('gone'); // idempotent
    expect(stack.status).toBe('DELETE_IN_PROGRESS');
    expect(await settled(stack)).toBe('DELETE_COMPLETE');
    const events = timeline(stack);
    expect(events.indexOf('Service DELETE_COMPLETE')).toBeLessThan(
      events.indexOf('Cluster DELETE_IN_PROGRESS'),
    );
    expect(events.indexOf('SubnetA DELETE_COMPLETE')).toBeLessThan(
      events.indexOf('Vpc DELETE_IN_PROGRESS'),
    );
    expect(env.store.find('gone')).toBeUndefined();
    expect(env.store.find(stack.stackId)?.status).toBe('DELETE_COMPLETE');
    expect(() => env.store.get('gone')).toThrow(
      'Stack with id gone does not exist',
    );
    expect(() => env.store.delete('never-existed')).not.toThrow();
  });

  it('updates changed resources, adds and removes others', async () => {
    const stack = env.store.create(stackInput('upd', WEB_STACK_TEMPLATE));
    await settled(stack);
    env.store.update({
      ...stackInput('upd', WEB_STACK_TEMPLATE),
      parameters: [{ ParameterKey: 'DesiredCount', ParameterValue: '4' }],
    });
    expect(stack.status).toBe('UPDATE_IN_PROGRESS');
    expect(await settled(stack)).toBe('UPDATE_COMPLETE');
    expect(timeline(stack)).toContain('Service UPDATE_COMPLETE');
    expect(timeline(stack)).not.toContain('Vpc UPDATE_IN_PROGRESS');
    const service = env.ecs.findService(
      env.ecs.activeCluster('upd-cluster')!,
      'web',
    )!;
    expect(service.desiredCount).toBe(4);
    await eventually(() => env.ecs.runningCount(service) === 4);

    const bucketStack = env.store.create(stackInput('swap', BUCKET_TEMPLATE));
    await settled(bucketStack);
    const withQueueInsteadOfLog = JSON.stringify({
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket' },
        Queue: { Type: 'AWS::SQS::Queue' },
      },
    });
    env.store.update(stackInput('swap', withQueueInsteadOfLog));
    expect(await settled(bucketStack)).toBe('UPDATE_COMPLETE');
    expect([...bucketStack.resources.keys()].sort()).toEqual([
      'Bucket',
      'Queue',
    ]);
    expect(timeline(bucketStack)).toEqual(
      expect.arrayContaining([
        'Log DELETE_COMPLETE',
        'Queue CREATE_COMPLETE',
        'swap UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      ]),
    );
  });
});
