import { createHash } from 'node:crypto';
import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { DriverContext } from '@envkit/plugin-environments-node';
import { STACK_TAGS } from './desiredStack';
import { importersOf } from './stackImports';
import { StackRef, tagValue } from './StackReader';

/**
 * The stack parameter of a listener rule's priority. A template that
 * declares it (builtin:ecs-service-shared) gets one from the driver unless
 * the resource sets it.
 */
export const LISTENER_RULE_PRIORITY_PARAMETER = 'ListenerRulePriority';

/** The stack parameter naming the shared platform whose listener is used. */
export const PLATFORM_NAME_PARAMETER = 'PlatformName';

/** ELB's range of rule priorities on one listener. */
const MAX_PRIORITY = 50_000;

/** The export of the platform's listener ARN (see builtin:ecs-platform). */
export const listenerExportName = (platformName: string) =>
  `${platformName}-ListenerArn`;

/** A rule of the shared listener, as the stack that made it tells. */
export interface ListenerRuleHolder {
  priority: number;
  stackName: string;
  environmentId?: string;
  ruleArn?: string;
}

const parameterOf = (stack: Stack, key: string) =>
  stack.Parameters?.find(p => p.ParameterKey === key)?.ParameterValue;

/**
 * The first priority at or after `preferred` (wrapping round) that is not
 * `taken`. Priorities spread by a hash, so two environments created at the
 * same moment rarely race for one.
 */
export function freePriority(preferred: number, taken: Set<number>): number {
  for (let i = 0; i < MAX_PRIORITY; i++) {
    const candidate = ((preferred - 1 + i) % MAX_PRIORITY) + 1;
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error(`all ${MAX_PRIORITY} listener rule priorities are in use`);
}

/** Where `key` (environment and resource) would like its rule to sit. */
export function preferredPriority(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return (digest.readUInt32BE(0) % MAX_PRIORITY) + 1;
}

/**
 * Listener rule priorities on a shared platform's listener, read from
 * CloudFormation alone: the stacks that import the listener's export
 * (ListImports) are exactly the ones with a rule on it, and each holds its
 * priority as a stack parameter. No Elastic Load Balancing permission needed.
 */
export class ListenerRulePriorities {
  /** The rules of the platform's listener that envkit stacks hold. */
  async holders(
    ref: StackRef,
    platformName: string,
    ctx: DriverContext,
  ): Promise<ListenerRuleHolder[]> {
    const client = ref.target.cloudFormation;
    const names = await importersOf(ref, listenerExportName(platformName), ctx);
    const holders: ListenerRuleHolder[] = [];
    for (const name of names) {
      const { Stacks } = await client.send(
        new DescribeStacksCommand({ StackName: name }),
        { abortSignal: ctx.signal },
      );
      const stack = Stacks?.[0];
      const priority = Number(
        stack && parameterOf(stack, LISTENER_RULE_PRIORITY_PARAMETER),
      );
      if (!stack || !Number.isInteger(priority)) continue;
      holders.push({
        priority,
        stackName: name,
        environmentId: tagValue(stack, STACK_TAGS.environment),
        ruleArn: stack.Outputs?.find(o => o.OutputKey === 'ListenerRuleArn')
          ?.OutputValue,
      });
    }
    return holders;
  }

  /**
   * The priority the stack should have: the one it was created with, or
   * for a new stack a free one near where `key` hashes to.
   */
  async choose(
    ref: StackRef,
    platformName: string,
    key: string,
    existing: Stack | undefined,
    ctx: DriverContext,
  ): Promise<string> {
    const kept =
      existing && parameterOf(existing, LISTENER_RULE_PRIORITY_PARAMETER);
    if (kept) return kept;
    const taken = new Set(
      (await this.holders(ref, platformName, ctx)).map(h => h.priority),
    );
    return String(freePriority(preferredPriority(key), taken));
  }

  /**
   * ELB's refusal of a rule (`Priority 'N' is currently in use`) with the
   * rule that holds the priority named, or `undefined` for other messages.
   */
  async explainClash(
    ref: StackRef,
    platformName: string,
    message: string,
    ctx: DriverContext,
  ): Promise<string | undefined> {
    const priority = /Priority '(\d+)' is currently in use/.exec(message)?.[1];
    if (!priority) return undefined;
    const holder = (await this.holders(ref, platformName, ctx)).find(
      h => h.priority === Number(priority) && h.stackName !== ref.stackName,
    );
    const who = holder
      ? `rule ${holder.ruleArn ?? '(being created)'} of stack ${
          holder.stackName
        }${
          holder.environmentId ? ` (environment ${holder.environmentId})` : ''
        }`
      : 'a rule envkit did not create';
    return `Listener rule priority ${priority} on ${listenerExportName(
      platformName,
    )} is already held by ${who} (ELB PriorityInUse). Recreate this environment to get a free priority.`;
  }
}
