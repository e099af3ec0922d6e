import { startSandbox, type Sandbox } from './sandbox';
import { callSandbox, eventually } from './__testUtils__/helpers';
import { sdkConfig } from './__testUtils__/sdk';
import { WEB_STACK_TEMPLATE } from './__testUtils__/templates';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackEvent,
  type Tag,
} from '@aws-sdk/client-cloudformation';

jest.setTimeout(30_000);

describe('controls over HTTP', () => {
  let sandbox: Sandbox;
  let cfn: CloudFormationClient;

  const control = (method: string, path: string, body?: unknown) =>
    callSandbox(sandbox, method, `/_sandbox${path}`, body);
  const status = async (name: string) =>
    (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]
      .StackStatus;

  const createWebStack = (name: string, tags?: Tag[]) =>
    cfn.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: WEB_STACK_TEMPLATE,
        Tags: tags,
      }),
    );
  const reaches = (
    name: string,
    state: string,
    ...poll: [timeoutMs?: number, intervalMs?: number]
  ) => eventually(async () => (await status(name)) === state, ...poll);

  /**
   * Injects `fault` through its control, creates the web stack and returns
   * its events once it has rolled back.
   */
  const rolledBackWebStack = async (
    name: string,
    fault: string,
    faultBody: object,
  ) => {
    await control('POST', `/faults/${fault}`, faultBody);
    await createWebStack(name);
    await reaches(name, 'ROLLBACK_COMPLETE');
    const { StackEvents } = await cfn.send(
      new DescribeStackEventsCommand({ StackName: name }),
    );
    return StackEvents!;
  };
  const reasonOf = (events: StackEvent[], logicalId: string, state: string) =>
    events.find(
      e => e.LogicalResourceId === logicalId && e.ResourceStatus === state,
    )?.ResourceStatusReason;

  beforeAll(async () => {
    sandbox = await startSandbox({ profile: 'fast' });
    cfn = new CloudFormationClient({ ...sdkConfig(sandbox), maxAttempts: 1 });
  });

  beforeEach(() => control('POST', '/reset'));

  afterAll(async () => {
    cfn.destroy();
    await sandbox.stop();
  });

  it.each([
    [
      'fails a resource type',
      'resource-failure',
      { resourceType: 'AWS::ECS::Cluster', reason: 'Cluster quota reached' },
      'Cluster',
      'Cluster quota reached',
    ],
    [
      'fails the tasks of a service so its deployment circuit breaker trips',
      'task-failure',
      { service: 'web', reason: 'CannotPullContainerError' },
      'Service',
      'ECS Deployment Circuit Breaker was triggered',
    ],
    [
      'fails every task of an image that never becomes healthy',
      'image-failure',
      { image: 'nginx:1.27', reason: 'CannotPullContainerError' },
      'Service',
      'ECS Deployment Circuit Breaker was triggered',
    ],
  ])(
    '%s and rolls the stack back with the reason in its events',
    async (_, fault, faultBody, logicalId, reason) => {
      const events = await rolledBackWebStack(
        `failing-${logicalId.toLowerCase()}`,
        fault,
        faultBody,
      );
      expect(reasonOf(events, logicalId, 'CREATE_FAILED')).toContain(reason);
      expect(
        events.find(e => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS')
          ?.ResourceStatusReason,
      ).toBe(
        `The following resource(s) failed to create: [${logicalId}]. Rollback requested by user.`,
      );
    },
  );

  it('counts calls per service and action, and resets', async () => {
    await cfn.send(new DescribeStacksCommand({}));
    await fetch(`${sandbox.url}/api/v1/namespaces`);
    const calls = await control('GET', '/calls');
    expect(calls.body).toEqual({
      cloudformation: { DescribeStacks: 1 },
      kubernetes: { 'list namespaces': 1 },
    });
    await control('POST', '/reset');
    expect((await control('GET', '/calls')).body).toEqual({});
  });

  it('throttles a share of calls and adds latency per service', async () => {
    await control('POST', '/faults/throttle', {
      service: 'kubernetes',
      percent: 100,
    });
    expect((await fetch(`${sandbox.url}/api/v1/namespaces`)).status).toBe(429);
    await control('DELETE', '/faults');
    expect((await fetch(`${sandbox.url}/api/v1/namespaces`)).status).toBe(200);

    await control('POST', '/faults/latency', {
      service: 'kubernetes',
      ms: 150,
    });
    const started = Date.now();
    await fetch(`${sandbox.url}/api/v1/namespaces`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await control('GET', '/faults')).body.latencyMs).toEqual({
      kubernetes: 150,
    });
  });

  it('runs the realistic profile on an accelerated clock', async () => {
    const profile = await control('POST', '/profile', {
      name: 'realistic',
      clockMultiplier: 2000,
    });
    expect(profile.body).toEqual({ name: 'realistic', clockMultiplier: 2000 });
    const started = Date.now();
    await createWebStack('slow');
    await reaches('slow', 'CREATE_COMPLETE', 20_000, 10);
    // VPC 5 s + subnet 5 s + ALB 180 s + listener 2 s + ECS service 90 s, at 2000×.
    expect(Date.now() - started).toBeGreaterThanOrEqual(282_000 / 2000);
    await control('POST', '/profile', { name: 'fast', clockMultiplier: 1 });
    expect((await control('GET', '/profile')).body).toEqual({
      name: 'fast',
      clockMultiplier: 1,
    });
  });

  it('hangs and releases a namespace deletion', async () => {
    await control('POST', '/faults/namespace-hang', {
      namespace: 'stuck',
      finalizer: 'envkit.io/cleanup',
    });
    await callSandbox(sandbox, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'stuck' },
    });
    await fetch(`${sandbox.url}/api/v1/namespaces/stuck`, { method: 'DELETE' });
    const stuck = await eventually(async () => {
      const ns = await (
        await fetch(`${sandbox.url}/api/v1/namespaces/stuck`)
      ).json();
      return ns.status?.conditions ? ns : undefined;
    });
    expect(stuck.status.phase).toBe('Terminating');
    await control('POST', '/faults/namespace-release', { namespace: 'stuck' });
    expect((await fetch(`${sandbox.url}/api/v1/namespaces/stuck`)).status).toBe(
      404,
    );
  });

  it('lists stacks by tag in the inventory', async () => {
    await createWebStack('tagged', [
      { Key: 'envkit.io/owner', Value: 'team-a' },
    ]);
    await createWebStack('untagged');
    await reaches('tagged', 'CREATE_COMPLETE');
    const inventory = await control(
      'GET',
      '/inventory?tag=envkit.io/owner=team-a',
    );
    expect(inventory.body).toHaveLength(1);
    expect(inventory.body[0]).toMatchObject({
      stackName: 'tagged',
      status: 'CREATE_COMPLETE',
      tags: { 'envkit.io/owner': 'team-a' },
    });
    expect(inventory.body[0].outputs.endpoint).toMatch(/^http:\/\/tagged-/);
    expect(
      sandbox.controls.inventory({ key: 'envkit.io/owner', value: 'team-b' }),
    ).toEqual([]);
  });
});
