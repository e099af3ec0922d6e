import {
  CloudFormationClient,
  CreateStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { SANDBOX_AWS_KEYS } from '../awsCredentials';
import { startSandbox, type Sandbox } from '../sandbox';

/** AWS SDK v3 client options pointing at the sandbox with dummy credentials. */
export function sdkConfig(sandbox: Sandbox) {
  return {
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: SANDBOX_AWS_KEYS,
  };
}

/** Waiter options that poll every second, as fast as the SDK allows. */
export function fastWaiter(client: CloudFormationClient, maxWaitTime = 20) {
  return { client, maxWaitTime, minDelay: 1, maxDelay: 1 };
}

/** Creates a stack and waits until it is CREATE_COMPLETE. */
export async function createStack(
  client: CloudFormationClient,
  stackName: string,
  templateBody: string,
  maxWaitTime = 20,
): Promise<void> {
  await client.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: templateBody,
    }),
  );
  await waitUntilStackCreateComplete(fastWaiter(client, maxWaitTime), {
    StackName: stackName,
  });
}

/**
 * A fast sandbox and a CloudFormation client on it for one test suite,
 * started before its tests and stopped after them. Read the fields in tests
 * and hooks, not at definition time.
 */
export function cloudFormationSuite(): {
  sandbox: Sandbox;
  cfn: CloudFormationClient;
  /** Waiter options for `cfn`, see {@link fastWaiter}. */
  wait(): ReturnType<typeof fastWaiter>;
} {
  const suite = {
    wait: () => fastWaiter(suite.cfn),
  } as ReturnType<typeof cloudFormationSuite>;
  // Stacks take a few simulated seconds; the fast profile keeps them short.
  jest.setTimeout(30_000);
  beforeAll(async () => {
    suite.sandbox = await startSandbox({ profile: 'fast' });
    suite.cfn = new CloudFormationClient(sdkConfig(suite.sandbox));
  });
  afterAll(async () => {
    suite.cfn?.destroy();
    await suite.sandbox?.stop();
  });
  return suite;
}
