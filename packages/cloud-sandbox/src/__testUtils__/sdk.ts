import {
  CloudFormationClient,
  CreateStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import type { Sandbox } from '../sandbox';

/** AWS SDK v3 client options pointing at the sandbox with dummy credentials. */
export function sdkConfig(sandbox: Sandbox) {
  return {
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'AKIDSANDBOX',
      secretAccessKey: 'sandbox-secret',
    },
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
