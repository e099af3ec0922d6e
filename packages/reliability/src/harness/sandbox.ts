/*
 * Helpers over the cloud sandbox: stacks of an environment, duplicates and
 * orphans, and a CloudFormation client to look inside a stack.
 */
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import type { InventoryEntry, Sandbox } from '@envkit/cloud-sandbox';

export const ENV_TAG = 'envkit:environment';
export const RESOURCE_TAG = 'envkit:resource';

/** Stacks of one environment that share a resource name: duplicates. */
export function duplicates(stacks: InventoryEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const s of stacks) {
    const key = `${s.tags[ENV_TAG]}/${s.tags[RESOURCE_TAG]}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.entries()].filter(([, n]) => n > 1).map(([k]) => k);
}

/** Live stacks tagged with an environment that should have none. */
export function orphans(
  stacks: InventoryEntry[],
  liveEnvironmentIds: Set<string>,
): InventoryEntry[] {
  return stacks.filter(s => !liveEnvironmentIds.has(s.tags[ENV_TAG]));
}

export function cloudFormation(sandbox: Sandbox) {
  return new CloudFormationClient({
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'reliability', secretAccessKey: 'reliability' },
    maxAttempts: 1,
  });
}

/** Status of each resource of a stack, by CloudFormation type. */
export async function stackResourceStatus(
  client: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> {
  const out = await client.send(
    new DescribeStackResourcesCommand({ StackName: stackName }),
  );
  return Object.fromEntries(
    (out.StackResources ?? []).map(r => [
      r.ResourceType ?? '?',
      r.ResourceStatus ?? '?',
    ]),
  );
}
