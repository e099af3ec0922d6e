import type { Service } from '../ecs/state';
import { eventually } from '../__testUtils__/helpers';
import {
  settled,
  stackInput,
  timeline,
  useStackStoreEnv,
} from '../__testUtils__/stackStore';
import { ROLLOUT_TEMPLATE, SECRET_TEMPLATE } from '../__testUtils__/templates';
import type { Stack } from './stacks';

describe('stack updates that roll ECS services', () => {
  const env = useStackStoreEnv();

  async function createService(name: string): Promise<[Stack, Service]> {
    const stack = env.store.create(stackInput(name, ROLLOUT_TEMPLATE));
    expect(await settled(stack)).toBe('CREATE_COMPLETE');
    const service = env.ecs.findService(
      env.ecs.activeCluster(`${name}-cluster`)!,
      'app',
    )!;
    return [stack, service];
  }

  const runningTasks = (service: Service) =>
    env.ecs
      .tasksOf(service)
      .filter(t => t.lastStatus === 'RUNNING')
      .map(t => t.taskArn)
      .sort();

  it('starts a new deployment for a new redeploy nonce while the old tasks keep serving', async () => {
    const [stack, service] = await createService('nonce');
    const first = service.deployments[0].id;
    const oldTasks = runningTasks(service);
    expect(oldTasks).toHaveLength(2);

    env.ctx.faults.heldServiceTasks.add('app');
    env.store.update(
      stackInput('nonce', ROLLOUT_TEMPLATE, {
        RedeployNonce: '2025-06-01T10:00:00.000Z',
      }),
    );
    await eventually(() => service.deployments.length === 2);
    // Halfway: the new deployment is primary, the old one still serves.
    expect(service.deployments.map(d => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    expect(service.deployments[1].id).toBe(first);
    expect(runningTasks(service)).toEqual(oldTasks);
    expect(stack.status).toBe('UPDATE_IN_PROGRESS');

    env.ctx.faults.heldServiceTasks.delete('app');
    env.ecs.releaseHeldTasks('app');
    expect(await settled(stack)).toBe('UPDATE_COMPLETE');
    expect(service.deployments).toHaveLength(1);
    expect(service.deployments[0].id).not.toBe(first);
    expect(service.deployments[0].rolloutState).toBe('COMPLETED');
    const newTasks = runningTasks(service);
    expect(newTasks).toHaveLength(2);
    expect(newTasks.filter(arn => oldTasks.includes(arn))).toEqual([]);
    // The same task definition: only the nonce changed.
    expect(service.deployments[0].taskDefinition).toBe(
      stack.resources.get('TaskDefinition')!.physicalId,
    );

    // The same nonce again is no change at all.
    expect(() =>
      env.store.update(
        stackInput('nonce', ROLLOUT_TEMPLATE, {
          RedeployNonce: '2025-06-01T10:00:00.000Z',
        }),
      ),
    ).toThrow('No updates are to be performed.');
  });

  it('rolls a failed update back, keeping the service on its old tasks', async () => {
    const [stack, service] = await createService('broken');
    const oldDefinition = service.taskDefinition;
    const oldTasks = runningTasks(service);
    const outputs = stack.outputs;
    env.ctx.faults.failingImages.set(
      'nginx:broken',
      'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
    );

    env.store.update(
      stackInput('broken', ROLLOUT_TEMPLATE, { Image: 'nginx:broken' }),
    );
    expect(await settled(stack)).toBe('UPDATE_ROLLBACK_COMPLETE');

    const events = timeline(stack);
    const at = (event: string) => {
      const index = events.indexOf(event);
      expect(index).toBeGreaterThanOrEqual(0);
      return index;
    };
    expect(at('Service UPDATE_FAILED')).toBeLessThan(
      at('broken UPDATE_ROLLBACK_IN_PROGRESS'),
    );
    expect(
      at('broken UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'),
    ).toBeLessThan(at('TaskDefinition DELETE_COMPLETE'));
    expect(
      stack.events.find(e => e.status === 'UPDATE_FAILED')?.reason,
    ).toContain('ECS Deployment Circuit Breaker was triggered');
    expect(
      stack.events.find(e => e.status === 'UPDATE_ROLLBACK_IN_PROGRESS')
        ?.reason,
    ).toBe('The following resource(s) failed to update: [Service].');

    // ECS rolled back to the deployment that still ran, and CloudFormation
    // put everything back as it was.
    expect(service.taskDefinition).toBe(oldDefinition);
    expect(service.deployments.map(d => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'COMPLETED'],
    ]);
    expect(runningTasks(service)).toEqual(oldTasks);
    expect(service.events.map(e => e.message)).toContainEqual(
      expect.stringMatching(/rolling back to deployment ecs-svc\/\d+/),
    );
    expect(stack.resources.get('TaskDefinition')!.physicalId).toBe(
      oldDefinition,
    );
    expect(stack.parameters.Image).toBe('nginx:1.27');
    expect(stack.outputs).toEqual(outputs);
    // The new revision made for the update is retired again.
    const revisions = [...env.ecs.taskDefinitions.values()].map(d => [
      d.revision,
      d.status,
    ]);
    expect(revisions).toEqual([
      [1, 'ACTIVE'],
      [2, 'INACTIVE'],
    ]);

    // The stack can still be updated afterwards.
    env.ctx.faults.failingImages.clear();
    env.store.update(
      stackInput('broken', ROLLOUT_TEMPLATE, { Image: 'nginx:1.28' }),
    );
    expect(await settled(stack)).toBe('UPDATE_COMPLETE');
    expect(env.ecs.taskDefinitions.get(oldDefinition)?.status).toBe('INACTIVE');
  });

  it('never writes a NoEcho value into the stack events', async () => {
    const secret = 'pw-6f1c0b7e-events';
    const stack = env.store.create(
      stackInput('secret', SECRET_TEMPLATE, { DbPassword: secret }),
    );
    expect(await settled(stack)).toBe('CREATE_COMPLETE');
    const rotated = 'pw-0d9e3a21-rotated';
    env.store.update(
      stackInput('secret', SECRET_TEMPLATE, { DbPassword: rotated }),
    );
    expect(await settled(stack)).toBe('UPDATE_COMPLETE');
    const written = JSON.stringify(stack.events);
    expect(written).not.toContain(secret);
    expect(written).not.toContain(rotated);
    expect(
      JSON.parse(
        stack.events.find(e => e.logicalId === 'Credentials')!.properties!,
      ),
    ).toEqual({ SecretString: '{"user":"app","password":"****"}' });
  });
});
