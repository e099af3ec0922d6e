import type { SandboxContext } from '../context';
import { fastContext } from '../__testUtils__/context';
import { eventually } from '../__testUtils__/helpers';
import { EcsState } from './state';

describe('EcsState', () => {
  let ctx: SandboxContext;
  let ecs: EcsState;

  beforeEach(() => {
    ctx = fastContext();
    ecs = new EcsState(ctx);
    ecs.createCluster('apps');
    ecs.registerTaskDefinition({
      taskDefinitionArn:
        'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      family: 'web',
      revision: 1,
      containerDefinitions: [{ name: 'web', image: 'nginx:1.27' }],
    });
  });

  afterEach(() => ctx.scheduler.cancelAll());

  const create = (name: string, desiredCount: number, enable = true) =>
    ecs.createService({
      cluster: 'apps',
      serviceName: name,
      taskDefinition:
        'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      desiredCount,
      circuitBreaker: { enable, rollback: false },
    });

  it('ramps runningCount up to desiredCount and completes the rollout', async () => {
    const service = create('web', 3);
    expect(ecs.runningCount(service)).toBe(0);
    expect(ecs.pendingCount(service)).toBe(3);
    expect(service.deployments[0].rolloutState).toBe('IN_PROGRESS');
    await eventually(() => service.deployments[0].rolloutState === 'COMPLETED');
    expect(ecs.runningCount(service)).toBe(3);
    expect(service.events[0].message).toBe(
      '(service web) has reached a steady state.',
    );
  });

  it('rolls a forced new deployment over and scales', async () => {
    const service = create('web', 2);
    await eventually(() => service.deployments[0].rolloutState === 'COMPLETED');
    const firstId = service.deployments[0].id;
    ecs.updateService(service, { forceNewDeployment: true, desiredCount: 1 });
    expect(service.deployments.map(d => d.status)).toEqual([
      'PRIMARY',
      'ACTIVE',
    ]);
    await eventually(
      () =>
        service.deployments.length === 1 &&
        service.deployments[0].rolloutState === 'COMPLETED',
    );
    expect(service.deployments[0].id).not.toBe(firstId);
    expect(ecs.runningCount(service)).toBe(1);
  });

  it('trips the circuit breaker when tasks keep failing', async () => {
    ctx.faults.failingServiceTasks.set(
      'bad',
      'Essential container in task exited',
    );
    const service = create('bad', 2);
    await eventually(() => service.deployments[0].rolloutState === 'FAILED');
    expect(service.deployments[0].rolloutStateReason).toBe(
      'ECS deployment circuit breaker: tasks failed to start.',
    );
    expect(service.deployments[0].failedTasks).toBeGreaterThanOrEqual(3);
    expect(ecs.stability(service)).toBe('failed');
    const stopped = ecs
      .tasksOf(service)
      .filter(t => t.lastStatus === 'STOPPED');
    expect(stopped[0].stoppedReason).toBe('Essential container in task exited');
  });

  it('drains a deleted service to INACTIVE', async () => {
    const service = create('web', 1);
    await eventually(() => ecs.runningCount(service) === 1);
    ecs.deleteService(service);
    expect(service.status).toBe('DRAINING');
    expect(ecs.runningCount(service)).toBe(0);
    await eventually(() => service.status === 'INACTIVE');
  });
});
