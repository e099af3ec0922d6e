import {
  CloudFormationClient,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { ECSClient } from '@aws-sdk/client-ecs';
import { stackName } from '@envkit/plugin-environments-common';
import type {
  DriverEnvironment,
  DriverResource,
} from '@envkit/plugin-environments-node';
import {
  SANDBOX_AWS_KEYS,
  startSandbox,
  type Sandbox,
} from '@envkit/cloud-sandbox';
import { CloudFormationDriver } from '../CloudFormationDriver';
import {
  applyUntilSettled,
  awsCli,
  CallLedger,
  cfnResource,
  contextFor,
  destroyUntilSettled,
  expectDestroyed,
  sandboxDriver,
} from './harness';

/**
 * What a describe block shares: one sandbox (the expensive part), a driver
 * on it with the harness defaults, and SDK clients for looking behind the
 * driver's back.
 */
export interface SandboxSuite {
  sandbox: Sandbox;
  driver: CloudFormationDriver;
  cfn: CloudFormationClient;
  ecs: ECSClient;
  /**
   * The calls the driver made on the sandbox; the suite's own look-ups
   * below ({@link SandboxSuite.cli}, {@link SandboxSuite.stackOf}) are
   * kept out of it.
   */
  ledger: CallLedger;
  /**
   * Runs the real AWS CLI with `args` and returns its JSON answer; the call
   * must succeed with nothing on stderr.
   */
  cli(...args: string[]): Promise<any>;
  /** The stack the driver keeps for `resource` of `env`, as AWS describes it. */
  stackOf(env: DriverEnvironment, resource: string): Promise<Stack>;
  /**
   * Applies `resource` for `env` until it settles, expects it Ready and
   * returns its outputs.
   */
  ready(
    resource: DriverResource,
    env: DriverEnvironment,
  ): Promise<Record<string, string>>;
  /**
   * What the sandbox still holds of `env` (stacks, and buckets, queues, …
   * the stacks made): nothing, once it is destroyed.
   */
  leftovers(env: DriverEnvironment): string[];
  /** Destroys `resource` of `env`, expecting it to end Destroyed. */
  expectDestroyed(
    resource: DriverResource,
    env: DriverEnvironment,
  ): Promise<void>;
}

/**
 * Starts one sandbox for the enclosing describe block and closes it all
 * after; faults injected by a test are cleared after it. The fields are set
 * once `beforeAll` has run.
 */
export function useSandboxSuite(): SandboxSuite {
  const suite: SandboxSuite = {
    async cli(...args: string[]) {
      const result = await suite.ledger.harness(() =>
        awsCli(suite.sandbox, args),
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout);
    },
    async stackOf(env: DriverEnvironment, resource: string) {
      const { Stacks } = await suite.ledger.harness(() =>
        suite.cfn.send(
          new DescribeStacksCommand({
            StackName: stackName(env.name, env.id, resource),
          }),
        ),
      );
      return Stacks![0];
    },
    async ready(resource: DriverResource, env: DriverEnvironment) {
      const result = await applyUntilSettled(
        suite.driver,
        resource,
        contextFor(env, resource.name),
      );
      expect(result).toMatchObject({ status: 'Ready' });
      return result.outputs!;
    },
    leftovers(env: DriverEnvironment) {
      const tag = { key: 'envkit:environment', value: env.id };
      return [
        ...suite.sandbox.controls.inventory(tag).map(s => s.stackId),
        ...suite.sandbox.controls.taggedResources(tag).map(r => r.arn),
      ];
    },
    async expectDestroyed(resource: DriverResource, env: DriverEnvironment) {
      await expectDestroyed(
        suite.driver,
        resource,
        contextFor(env, resource.name),
      );
    },
  } as SandboxSuite;
  beforeAll(async () => {
    suite.sandbox = await startSandbox({ port: 0, profile: 'fast' });
    suite.driver = sandboxDriver(suite.sandbox);
    const clientConfig = {
      endpoint: suite.sandbox.url,
      region: 'us-east-1',
      credentials: SANDBOX_AWS_KEYS,
    };
    suite.cfn = new CloudFormationClient(clientConfig);
    suite.ecs = new ECSClient(clientConfig);
    suite.ledger = new CallLedger(suite.sandbox);
  });

  afterAll(async () => {
    suite.driver.close();
    suite.cfn.destroy();
    suite.ecs.destroy();
    await suite.sandbox.stop();
  });

  afterEach(() => suite.sandbox.controls.clearFaults());
  return suite;
}

/**
 * A describe block of sandbox scenarios: `body` declares them with the
 * block's {@link useSandboxSuite} suite. Starting the sandbox and each
 * scenario may take up to `timeoutMs` (set with jest.setTimeout, so for the
 * whole test file).
 */
export function describeOnSandbox(
  name: string,
  body: (suite: SandboxSuite) => void,
  timeoutMs = 120_000,
): void {
  jest.setTimeout(timeoutMs);
  // eslint-disable-next-line jest/valid-title -- the caller's title
  describe(name, () => {
    body(useSandboxSuite());
  });
}

/**
 * Applies `resource` of `env`, which asks for the listener rule priority
 * `held` already holds: expects it to fail naming the priority and that
 * rule, and returns the failure's message. Destroys what it left after.
 */
export async function expectPriorityClash(
  suite: SandboxSuite,
  resource: DriverResource,
  env: DriverEnvironment,
  held: { priority: string; ruleArn: string },
): Promise<string> {
  const ctx = contextFor(env, resource.name);
  const outcome = await applyUntilSettled(suite.driver, resource, ctx);
  expect(outcome).toMatchObject({
    status: 'Failed',
    reason: 'ListenerRulePriorityInUse',
  });
  const message = (outcome as { message: string }).message;
  expect(message).toContain(`priority ${held.priority}`);
  expect(message).toContain(held.ruleArn);
  await destroyUntilSettled(suite.driver, resource, ctx);
  return message;
}

/** The builtin network, with its defaults. */
export const NETWORK = cfnResource('network', { template: 'builtin:network' });

/** The builtin network with private subnets, for the data services. */
export const PRIVATE_NETWORK = cfnResource('network', {
  template: 'builtin:network',
  parameters: { EnablePrivateSubnets: 'true' },
});

/**
 * The builtin ECS platform (cluster and load balancer) `name` on the
 * subnets of `network`.
 */
export function platformOn(name: string, network: Record<string, string>) {
  return cfnResource('platform', {
    template: 'builtin:ecs-platform',
    parameters: {
      PlatformName: name,
      VpcId: network.VpcId,
      PublicSubnetIds: network.PublicSubnetIds,
      ServiceSubnetIds: network.WorkloadSubnetIds,
      AssignPublicIp: network.WorkloadAssignPublicIp,
    },
  });
}

/**
 * The builtin postgres `db` on the private subnets of `network`, deleted
 * with its stack, with further `parameters` and resource `settings` (such
 * as `allowReplacement`).
 */
export function postgresOn(
  network: Record<string, string>,
  parameters: Record<string, string> = {},
  settings: Record<string, unknown> = {},
) {
  return cfnResource('db', {
    template: 'builtin:postgres',
    parameters: {
      VpcId: network.VpcId,
      SubnetIds: network.PrivateSubnetIds,
      DeletionBehaviour: 'Delete',
      ...parameters,
    },
    ...settings,
  });
}

/** The builtin ECS service running `image` on the subnets of `network`. */
export function serviceFor(
  network: Record<string, string>,
  image: string,
  options: { region?: string; containerPort?: number } = {},
) {
  return cfnResource('service', {
    template: 'builtin:ecs-service',
    ...(options.region ? { region: options.region } : {}),
    parameters: {
      VpcId: network.VpcId,
      PublicSubnetIds: network.PublicSubnetIds,
      ServiceSubnetIds: network.WorkloadSubnetIds,
      AssignPublicIp: network.WorkloadAssignPublicIp,
      ImageLocation: image,
      ...(options.containerPort
        ? { ContainerPort: options.containerPort }
        : {}),
    },
  });
}
