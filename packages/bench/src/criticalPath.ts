import {
  CloudFormationClient,
  paginateDescribeStackEvents,
} from '@aws-sdk/client-cloudformation';

/** One resource's creation, in real milliseconds since the epoch. */
export interface ResourceSpan {
  /** `<resource of the environment>/<logical id>`, e.g. `service/LoadBalancer`. */
  name: string;
  type: string;
  start: number;
  end: number;
}

export interface CriticalStep {
  name: string;
  type: string;
  /** Simulated minutes the resource took to create. */
  minutes: number;
}

export interface CriticalPath {
  steps: CriticalStep[];
  /**
   * Simulated minutes on the path outside any resource: CloudFormation's
   * stack steps and the engine noticing one stack is done to start the next.
   */
  waitMinutes: number;
  /** Simulated minutes from the request to the first resource on the path. */
  leadMinutes: number;
  /** Simulated minutes from the last resource to the environment's Ready. */
  tailMinutes: number;
}

/**
 * Creation spans of the resources of `stacks` (resource name → stack name),
 * from their CREATE_IN_PROGRESS and CREATE_COMPLETE events.
 */
export async function resourceSpans(
  cfn: CloudFormationClient,
  stacks: Map<string, string>,
): Promise<ResourceSpan[]> {
  const spans: ResourceSpan[] = [];
  for (const [resource, stackName] of stacks) {
    const byId = new Map<string, Partial<ResourceSpan>>();
    for await (const page of paginateDescribeStackEvents(
      { client: cfn },
      { StackName: stackName },
    )) {
      for (const e of page.StackEvents ?? []) {
        if (e.ResourceType === 'AWS::CloudFormation::Stack') continue;
        const at = e.Timestamp?.getTime() ?? 0;
        const span = byId.get(e.LogicalResourceId!) ?? {
          name: `${resource}/${e.LogicalResourceId}`,
          type: e.ResourceType ?? '',
        };
        if (e.ResourceStatus === 'CREATE_IN_PROGRESS') {
          span.start = Math.min(span.start ?? at, at);
        } else if (e.ResourceStatus === 'CREATE_COMPLETE') {
          span.end = at;
        }
        byId.set(e.LogicalResourceId!, span);
      }
    }
    for (const span of byId.values()) {
      if (span.start !== undefined && span.end !== undefined) {
        spans.push(span as ResourceSpan);
      }
    }
  }
  return spans;
}

/**
 * The chain of resources that decided when the environment was ready:
 * from the last one to finish, back through whichever finished last before
 * each one started (CloudFormation starts a resource as soon as everything
 * it depends on is complete, and the engine starts a stack once the stacks
 * it depends on are, so that is what each one waited for).
 */
export function criticalPath(
  spans: ResourceSpan[],
  clockMultiplier: number,
  window: { requestedAt: number; readyAt: number },
  toleranceMs = 5,
): CriticalPath {
  const minutes = (ms: number) => (ms * clockMultiplier) / 60_000;
  const path: ResourceSpan[] = [];
  let current = [...spans].sort((a, b) => b.end - a.end)[0];
  while (current) {
    path.unshift(current);
    const start = current.start;
    current = spans
      .filter(s => !path.includes(s) && s.end <= start + toleranceMs)
      .sort((a, b) => b.end - a.end)[0];
  }
  let wait = 0;
  for (let i = 1; i < path.length; i++) {
    wait += Math.max(0, path[i].start - path[i - 1].end);
  }
  return {
    steps: path.map(s => ({
      name: s.name,
      type: s.type,
      minutes: Math.round(minutes(s.end - s.start) * 100) / 100,
    })),
    waitMinutes: Math.round(minutes(wait) * 100) / 100,
    leadMinutes:
      Math.round(minutes((path[0]?.start ?? 0) - window.requestedAt) * 100) /
      100,
    tailMinutes:
      Math.round(
        minutes(window.readyAt - (path[path.length - 1]?.end ?? 0)) * 100,
      ) / 100,
  };
}

/** `network/VPC 0.1 → service/LoadBalancer 3.0 → …` */
export function describeCriticalPath(path: CriticalPath): string {
  return `${path.leadMinutes.toFixed(
    2,
  )} until the first resource starts → ${path.steps
    .map(s => `${s.name} ${s.minutes.toFixed(2)}`)
    .join(' → ')} → ${path.tailMinutes.toFixed(
    2,
  )} until Ready (+ ${path.waitMinutes.toFixed(2)} waiting between steps)`;
}
