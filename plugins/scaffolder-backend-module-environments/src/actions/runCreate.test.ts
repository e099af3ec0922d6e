import { environmentsServiceMock } from '@envkit/plugin-environments-node/testUtils';
import {
  CheckpointStore,
  storefrontCreateRequest,
  storefrontEcsInput,
  testContext,
} from '../__testUtils__/actionContext';
import { createEcsEnvironmentAction } from './createEcsEnvironment';

const input = { name: 'storefront-pr-7', ...storefrontEcsInput };

function setup(fake = environmentsServiceMock()) {
  const action = createEcsEnvironmentAction({
    environments: fake,
    pollIntervalMs: 1,
  });
  return { fake, action };
}

/** A create whose environment fails: the load balancer hit a quota. */
function setupFailing() {
  const { fake, action } = setup();
  fake.failWith = {
    reason: 'StackRollbackComplete',
    message: 'The load balancer could not be created: quota exceeded',
  };
  return { action, ctx: testContext(input).ctx };
}

describe('creating an environment from a task', () => {
  it('waits until Ready, logging each phase and event, and outputs the endpoint', async () => {
    const { fake, action } = setup();
    const { ctx, outputs, logs } = testContext(input);

    await action.handler(ctx as any);

    expect(fake.creates()).toHaveLength(1);
    expect(fake.creates()[0].body).toEqual(
      storefrontCreateRequest('storefront-pr-7'),
    );
    expect(outputs).toEqual({
      entityRef: 'resource:default/storefront-pr-7',
      environmentId: 'env-1',
      phase: 'Ready',
      endpoint: 'http://fake-alb.sandbox.local',
      cluster: 'envkit-fake',
      outputs: {
        endpoint: 'http://fake-alb.sandbox.local',
        cluster: 'envkit-fake',
      },
    });
    expect(logs()).toEqual(
      expect.arrayContaining([
        'Requested: Requested from ecs-web-service',
        'Provisioning: Creating stacks',
        "Environment 'storefront-pr-7' is Provisioning",
        'Ready: Every resource is ready',
        "Environment 'storefront-pr-7' is Ready",
      ]),
    );
    // Each event is logged once, however many polls saw it.
    expect(logs().filter(l => l.startsWith('Requested:'))).toHaveLength(1);
  });

  it('sends secret inputs from the task secrets in place of the masked form values, never logging them', async () => {
    const { fake, action } = setup();
    const { ctx, logs } = testContext({
      ...input,
      inputs: { dbPassword: '********', apiKey: '***' },
      secretInputs: { dbPassword: 'pw-from-secrets-91ab', apiKey: '' },
    });

    await action.handler(ctx as any);

    const sent = fake.creates()[0].body?.inputs ?? {};
    expect(sent.dbPassword).toBe('pw-from-secrets-91ab');
    // An unset secret is left out, not sent as asterisks.
    expect(sent).not.toHaveProperty('apiKey');
    expect(JSON.stringify(logs())).not.toContain('pw-from-secrets-91ab');
  });

  it('leaves out inputs a form left empty, so the template default or "is required" applies', async () => {
    const { fake, action } = setup();
    const { ctx } = testContext({
      ...input,
      inputs: { cpu: '', memory: null, region: 'us-east-1' },
    });

    await action.handler(ctx as any);

    const sent = fake.creates()[0].body?.inputs ?? {};
    expect(sent).not.toHaveProperty('cpu');
    expect(sent).not.toHaveProperty('memory');
    expect(sent.region).toBe('us-east-1');
  });

  it('never creates twice when a task killed while waiting is recovered', async () => {
    const { fake, action } = setup();
    fake.readsUntilReady = 4;
    const checkpoints = new CheckpointStore();

    // First run: the backend goes down while the step waits for Ready.
    const killed = new AbortController();
    const first = testContext(input, { checkpoints, signal: killed.signal });
    const originalGet = fake.getEnvironment.bind(fake);
    jest.spyOn(fake, 'getEnvironment').mockImplementation(async (id, opts) => {
      const answer = await originalGet(id, opts);
      killed.abort();
      return answer;
    });
    await expect(action.handler(first.ctx as any)).rejects.toThrow(
      'The task was cancelled',
    );
    jest.restoreAllMocks();

    // Recovery: the same step runs again with the task's checkpoints.
    const second = testContext(input, { checkpoints });
    await action.handler(second.ctx as any);

    expect(fake.creates()).toHaveLength(1);
    expect(fake.environments.size).toBe(1);
    expect(second.outputs.phase).toBe('Ready');
    expect(second.outputs.environmentId).toBe('env-1');
  });

  it('sends the same Idempotency-Key when a crash inside the create call is retried', async () => {
    const { fake, action } = setup();
    const checkpoints = new CheckpointStore();
    const realCreate = fake.createEnvironment.bind(fake);
    // The backend records the environment but the answer never arrives.
    jest
      .spyOn(fake, 'createEnvironment')
      .mockImplementationOnce(async (body, opts) => {
        await realCreate(body, opts);
        throw new Error('socket hang up');
      });

    await expect(
      action.handler(testContext(input, { checkpoints }).ctx as any),
    ).rejects.toThrow('socket hang up');
    const second = testContext(input, { checkpoints });
    await action.handler(second.ctx as any);

    const keys = fake.creates().map(c => c.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe('scaffolder:task-1:environment:storefront-pr-7');
    expect(keys[1]).toBe(keys[0]);
    expect(fake.environments.size).toBe(1);
    expect(second.outputs.phase).toBe('Ready');
  });

  it('fails the step with the permission error when the backend answers 403', async () => {
    const { fake, action } = setup();
    fake.denyCreate =
      "You may not use the environment template 'ecs-web-service'";
    const { ctx } = testContext(input);

    const failure = action.handler(ctx as any);

    await expect(failure).rejects.toThrow(
      "You may not use the environment template 'ecs-web-service'",
    );
    await expect(failure).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(fake.environments.size).toBe(0);
  });

  it('fails the step with the reason of a Failed environment', async () => {
    const { action, ctx } = setupFailing();

    await expect(action.handler(ctx as any)).rejects.toThrow(
      "Environment 'storefront-pr-7' failed: The load balancer could not be created: quota exceeded",
    );
  });

  it('fails with a sentence the task log can show: no Node frames or file paths', async () => {
    const { action, ctx } = setupFailing();

    const error: Error = await action.handler(ctx as any).then(
      () => new Error('the step succeeded'),
      e => e,
    );
    // The scaffolder writes a failed step's `stack` into the task log.
    expect(error.stack).toBe(
      "Error: Environment 'storefront-pr-7' failed: The load balancer could not be created: quota exceeded (StackRollbackComplete)",
    );
    expect(error.stack).not.toMatch(/\bat |\.ts:|\/work\//);
  });

  it('fails a bad name with the field and a sentence, not a stack', async () => {
    const { action } = setup();
    const { ctx } = testContext({ ...input, name: 'Shop' });
    const error: Error = await action.handler(ctx as any).then(
      () => new Error('the step succeeded'),
      e => e,
    );
    expect(error.name).toBe('InputError');
    expect(error.stack).toBe(
      "InputError: name: 'Shop' must be lowercase; try 'shop'",
    );
  });

  it('gives up after timeoutMinutes and says the environment keeps going', async () => {
    const { fake, action } = setup();
    fake.readsUntilReady = Number.MAX_SAFE_INTEGER;
    const { ctx } = testContext({ ...input, timeoutMinutes: 1 });
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now');
    clock.mockReturnValueOnce(now).mockReturnValue(now + 61_000);

    await expect(action.handler(ctx as any)).rejects.toThrow(
      "Environment 'storefront-pr-7' is still Provisioning after 1 minutes",
    );
    clock.mockRestore();
  });

  it('returns as soon as the create is accepted when wait is false', async () => {
    const { fake, action } = setup();
    const { ctx, outputs } = testContext({ ...input, wait: false });

    await action.handler(ctx as any);

    expect(fake.creates()).toHaveLength(1);
    expect(outputs.phase).not.toBe('Ready');
  });

  it('creates nothing on a dry run and only asks for a preview', async () => {
    const { fake, action } = setup();
    const { ctx, outputs, logs } = testContext(input, { isDryRun: true });

    await action.handler(ctx as any);

    expect(fake.calls.map(c => c.operation)).toEqual(['previewEnvironment']);
    expect(fake.environments.size).toBe(0);
    expect(outputs.entityRef).toBe('resource:default/storefront-pr-7');
    expect(logs()).toContain(
      "Dry run: resource 'service' (aws-cloudformation)",
    );
  });

  it('rejects an invalid name before calling the backend', async () => {
    const { fake, action } = setup();
    const { ctx } = testContext({ ...input, name: 'Storefront' });

    await expect(action.handler(ctx as any)).rejects.toThrow(
      "name: 'Storefront' must be lowercase",
    );
    expect(fake.calls).toHaveLength(0);
  });
});
