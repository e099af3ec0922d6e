import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { DriverEnvironment } from '@envkit/plugin-environments-node';
import { startSandbox, type Sandbox } from '@envkit/cloud-sandbox';
import { CloudFormationDriver } from '../CloudFormationDriver';
import { cfnResource, SANDBOX_KEYS, sandboxDriver } from './harness';

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
}

/**
 * Starts one sandbox for the enclosing describe block and closes it all
 * after; faults injected by a test are cleared after it. The fields are set
 * once `beforeAll` has run.
 */
export function useSandboxSuite(): SandboxSuite {
  const suite = {} as SandboxSuite;
  beforeAll(async () => {
    suite.sandbox = await startSandbox({ port: 0, profile: 'fast' });
    suite.driver = sandboxDriver(suite.sandbox);
    const clientConfig = {
      endpoint: suite.sandbox.url,
      region: 'us-east-1',
      credentials: SANDBOX_KEYS,
    };
    suite.cfn = new CloudFormationClient(clientConfig);
    suite.ecs = new ECSClient(clientConfig);
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

/** The builtin network, with its defaults. */
export const NETWORK = cfnResource('network', { template: 'builtin:network' });

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

/**
 * What the sandbox still holds of `env` (stacks, and buckets, queues, … the
 * stacks made): nothing, once it is destroyed.
 */
export function leftoversOf(sandbox: Sandbox, env: DriverEnvironment) {
  const tag = { key: 'envkit:environment', value: env.id };
  return [
    ...sandbox.controls.inventory(tag).map(s => s.stackId),
    ...sandbox.controls.taggedResources(tag).map(r => r.arn),
  ];
}
