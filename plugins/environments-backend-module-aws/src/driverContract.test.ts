import {
  CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { SANDBOX_AWS_KEYS, type Sandbox } from '@envkit/cloud-sandbox';
import { stackName } from '@envkit/plugin-environments-common';
import type { DriverEnvironment } from '@envkit/plugin-environments-node';
import { describeDriverContract } from '@envkit/plugin-environments-node/testUtils';
import { STACK_TAGS } from './cloudformation';
import {
  cfnResource,
  sandboxDriver,
} from './cloudformation/__testUtils__/harness';

jest.setTimeout(120_000);

async function describeStack(sandbox: Sandbox, environment: DriverEnvironment) {
  const client = new CloudFormationClient({
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: SANDBOX_AWS_KEYS,
  });
  try {
    const { Stacks } = await client.send(
      new DescribeStacksCommand({
        StackName: stackName(environment.name, environment.id, 'network'),
      }),
    );
    return Stacks?.[0];
  } finally {
    client.destroy();
  }
}

describeDriverContract({
  name: 'aws-cloudformation',
  makeDriver: sandbox => sandboxDriver(sandbox),
  // Port 1 on loopback: nothing listens, every connection is refused.
  makeUnreachableDriver: sandbox =>
    sandboxDriver(sandbox, {
      endpoint: 'http://127.0.0.1:1',
      rateLimit: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    }),
  resource: revision =>
    cfnResource('network', {
      template: 'builtin:network',
      parameters: {
        PublicSubnet2Cidr: revision === 1 ? '10.0.1.0/24' : '10.0.4.0/24',
      },
    }),
  revisionValues: { 1: '10.0.1.0/24', 2: '10.0.4.0/24' },
  readRevision: async (sandbox, environment) =>
    (await describeStack(sandbox, environment))?.Parameters?.find(
      p => p.ParameterKey === 'PublicSubnet2Cidr',
    )?.ParameterValue,
  writeMarker: async (sandbox, environment) => {
    const stack = await describeStack(sandbox, environment);
    return [stack?.StackStatus, stack?.LastUpdatedTime?.toISOString()];
  },
  leftovers: async (sandbox, environment) =>
    sandbox.controls
      .inventory({ key: STACK_TAGS.environment, value: environment.id })
      .map(stack => stack.stackName),
  // CloudFormation refuses a parameter its template does not declare.
  invalidResource: cfnResource('network', {
    template: 'builtin:network',
    parameters: { NoSuchParameter: 'x' },
  }),
  outputKeys: ['VpcId', 'PublicSubnetIds'],
});
