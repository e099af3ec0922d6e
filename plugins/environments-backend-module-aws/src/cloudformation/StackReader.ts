import { createHash } from 'node:crypto';
import {
  CloudFormationPaginationConfiguration,
  DescribeStacksCommand,
  GetTemplateCommand,
  Output,
  paginateDescribeStackEvents,
  paginateListStackResources,
  Stack,
  StackEvent,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { DriverContext, DriverFailure } from '@envkit/plugin-environments-node';
import { AwsTarget } from './AwsClients';
import { isMissingStack } from './awsFailures';
import { DesiredStack } from './desiredStack';
import { StackStatusSnapshot } from './StackStatusSnapshot';
import {
  describeFailure,
  firstFailedResource,
  stackPhase,
} from './stackStatus';

/** A stack of one resource: where it lives and what it is called. */
export interface StackRef {
  target: AwsTarget;
  stackName: string;
  /** Service role CloudFormation acts with on this stack (`RoleARN`). */
  roleArn?: string;
}

/** An ECS service a stack created. */
export interface EcsServiceRef {
  cluster: string;
  service: string;
}

/** The stack as a failure's `resource`. */
export const describeStackRef = (ref: StackRef) =>
  `AWS::CloudFormation::Stack ${ref.stackName}`;

export function tagValue(stack: Stack, key: string): string | undefined {
  return stack.Tags?.find(t => t.Key === key)?.Value;
}

export function stackOutputs(stack: Stack): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey) outputs[output.OutputKey] = output.OutputValue ?? '';
  }
  return outputs;
}

/**
 * Reads one of a stack's paged listings: the items `itemsOf` takes from each
 * page `paginate` reads, until the pages end or `enough` is satisfied with
 * the items and the number of pages read so far.
 */
function stackListing<Page, Item>(
  paginate: (
    config: CloudFormationPaginationConfiguration,
    input: { StackName: string | undefined },
    options: { abortSignal: AbortSignal },
  ) => AsyncIterable<Page>,
  itemsOf: (page: Page) => Item[] | undefined,
  enough: (items: Item[], pagesRead: number) => boolean = () => false,
) {
  return async (
    ref: StackRef,
    stack: Stack,
    ctx: DriverContext,
  ): Promise<Item[]> => {
    const items: Item[] = [];
    const pages = paginate(
      { client: ref.target.cloudFormation },
      { StackName: stack.StackId },
      { abortSignal: ctx.signal },
    );
    let pagesRead = 0;
    for await (const page of pages) {
      items.push(...(itemsOf(page) ?? []));
      if (enough(items, ++pagesRead)) break;
    }
    return items;
  };
}

/** A stack's identity and last change: what cached reads are keyed by. */
function stackVersion(stack: {
  StackId?: string;
  CreationTime?: Date;
  LastUpdatedTime?: Date;
}): string {
  return `${stack.StackId}|${(
    stack.LastUpdatedTime ?? stack.CreationTime
  )?.toISOString()}`;
}

/** Stores `value` under the stack's current version, dropping older ones. */
function setForVersion<T>(cache: Map<string, T>, stack: Stack, value: T) {
  for (const key of cache.keys()) {
    if (key.startsWith(`${stack.StackId}|`)) cache.delete(key);
  }
  cache.set(stackVersion(stack), value);
}

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>` → its parts. */
function parseServiceArn(
  arn: string,
  fallbackCluster: string,
): EcsServiceRef | undefined {
  const match = /:service\/(?:([^/]+)\/)?([^/]+)$/.exec(arn);
  if (!match) return undefined;
  return { cluster: match[1] ?? fallbackCluster, service: match[2] };
}

/**
 * The driver's reads of CloudFormation, with the caches that keep status
 * checks within CloudFormation's low API limits: outputs and ECS services
 * of a settled stack (until it changes), and the capabilities a template
 * body needs.
 */
export class StackReader {
  private readonly outputsCache = new Map<string, Output[]>();
  private readonly serviceCache = new Map<string, EcsServiceRef[]>();
  private readonly capabilityCache = new Map<string, Promise<string[]>>();

  constructor(private readonly snapshot: StackStatusSnapshot) {}

  /** The template `stack` was last deployed with, as it was sent. */
  async template(
    ref: StackRef,
    stack: Stack,
    ctx: DriverContext,
  ): Promise<string | undefined> {
    const response = await ref.target.cloudFormation.send(
      new GetTemplateCommand({
        StackName: stack.StackId,
        TemplateStage: 'Original',
      }),
      { abortSignal: ctx.signal },
    );
    return response.TemplateBody;
  }

  async describe(
    ref: StackRef,
    ctx: DriverContext,
  ): Promise<Stack | undefined> {
    try {
      const response = await ref.target.cloudFormation.send(
        new DescribeStacksCommand({ StackName: ref.stackName }),
        { abortSignal: ctx.signal },
      );
      return response.Stacks?.[0];
    } catch (error) {
      if (isMissingStack(error)) return undefined;
      throw error;
    }
  }

  /**
   * The stack for a status check: from the shared ListStacks snapshot when
   * it is settled and its outputs are known from an earlier read, otherwise
   * (new, changing, failed or not in the snapshot) from DescribeStacks.
   */
  async observed(
    ref: StackRef,
    ctx: DriverContext,
  ): Promise<Stack | undefined> {
    const summary = await this.snapshot.lookup(ref.target, ref.stackName);
    if (summary && stackPhase(summary.StackStatus ?? '') === 'stable') {
      const outputs = this.outputsCache.get(stackVersion(summary));
      if (outputs) {
        return {
          StackId: summary.StackId,
          StackName: summary.StackName,
          StackStatus: summary.StackStatus,
          StackStatusReason: summary.StackStatusReason,
          CreationTime: summary.CreationTime,
          LastUpdatedTime: summary.LastUpdatedTime,
          Outputs: outputs,
        };
      }
    }
    const stack = await this.describe(ref, ctx);
    if (stack && stackPhase(stack.StackStatus ?? '') === 'stable') {
      setForVersion(this.outputsCache, stack, stack.Outputs ?? []);
    }
    return stack;
  }

  /** The capabilities the template needs, as CloudFormation itself says. */
  requiredCapabilities(
    ref: StackRef,
    desired: DesiredStack,
    ctx: DriverContext,
  ): Promise<string[]> {
    const key = `${ref.target.key}/${createHash('sha256')
      .update(desired.body)
      .digest('hex')}`;
    let capabilities = this.capabilityCache.get(key);
    if (!capabilities) {
      capabilities = ref.target.cloudFormation
        .send(new ValidateTemplateCommand({ TemplateBody: desired.body }), {
          abortSignal: ctx.signal,
        })
        .then(r => r.Capabilities ?? []);
      this.capabilityCache.set(key, capabilities);
      capabilities.catch(() => this.capabilityCache.delete(key));
    }
    return capabilities;
  }

  /** Events of the stack's latest operations, newest first (a few pages). */
  readonly recentEvents = stackListing(
    paginateDescribeStackEvents,
    page => page.StackEvents,
    // Enough once the start of the latest operation is in view.
    (events, pagesRead) =>
      events.some(
        e =>
          e.ResourceType === 'AWS::CloudFormation::Stack' &&
          /_IN_PROGRESS$/.test(e.ResourceStatus ?? '') &&
          e.ResourceStatusReason === 'User Initiated',
      ) || pagesRead >= 5,
  );

  /** Every resource of the stack, as ListStackResources pages them. */
  readonly resources = stackListing(
    paginateListStackResources,
    page => page.StackResourceSummaries,
  );

  /** The ECS services the stack created, cached until the stack changes. */
  async services(
    ref: StackRef,
    stack: Stack,
    outputs: Record<string, string>,
    ctx: DriverContext,
  ): Promise<EcsServiceRef[]> {
    const cached = this.serviceCache.get(stackVersion(stack));
    if (cached) return cached;
    const summaries = await this.resources(ref, stack, ctx);
    const fallbackCluster = outputs.ClusterName ?? 'default';
    const refs = summaries
      .filter(
        s =>
          s.ResourceType === 'AWS::ECS::Service' &&
          s.PhysicalResourceId &&
          s.ResourceStatus !== 'DELETE_COMPLETE',
      )
      .map(s => parseServiceArn(s.PhysicalResourceId ?? '', fallbackCluster))
      .filter((r): r is EcsServiceRef => r !== undefined);
    setForVersion(this.serviceCache, stack, refs);
    return refs;
  }

  /**
   * The permanent failure of an update of ours that CloudFormation rolled
   * back: the stack is usable on its previous version; the message says
   * which resource failed and why.
   */
  rolledBack(ref: StackRef, stack: Stack, events: StackEvent[]): DriverFailure {
    const failed = firstFailedResource(events);
    const cause = failed
      ? `${failed.LogicalResourceId} (${failed.ResourceType}): ${
          failed.ResourceStatus
        } - ${failed.ResourceStatusReason ?? 'no reason given'}`
      : stack.StackStatusReason ?? 'CloudFormation gave no reason';
    return DriverFailure.permanent({
      reason: 'UpdateRolledBack',
      message: `The update of stack ${ref.stackName} failed and was rolled back; it keeps running its previous version. ${cause}`,
      resource: describeStackRef(ref),
    });
  }

  /** The permanent failure of a failed stack, explained by its events. */
  async failureOf(
    ref: StackRef,
    stack: Stack,
    defaultReason: string,
    ctx: DriverContext,
    events?: StackEvent[],
  ): Promise<DriverFailure> {
    const { reason, message } = describeFailure({
      stackName: ref.stackName,
      status: stack.StackStatus ?? 'UNKNOWN',
      statusReason: stack.StackStatusReason,
      events: events ?? (await this.recentEvents(ref, stack, ctx)),
      defaultReason,
    });
    return DriverFailure.permanent({
      reason,
      message,
      resource: describeStackRef(ref),
    });
  }
}
