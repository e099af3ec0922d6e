import { StackEvent } from '@aws-sdk/client-cloudformation';

/** How the driver reads a CloudFormation stack status. */
export type StackPhase =
  /** An operation is running; ask again later. */
  | 'busy'
  /** Stable and usable: created or updated (or an update rolled back). */
  | 'stable'
  /** Creation failed; the stack can only be deleted. */
  | 'createFailed'
  /** An update failed and could not be rolled back. */
  | 'updateFailed'
  | 'deleteFailed'
  | 'deleted';

export function stackPhase(status: string): StackPhase {
  switch (status) {
    case 'CREATE_COMPLETE':
    case 'UPDATE_COMPLETE':
    case 'UPDATE_ROLLBACK_COMPLETE':
    case 'IMPORT_COMPLETE':
    case 'IMPORT_ROLLBACK_COMPLETE':
      return 'stable';
    case 'ROLLBACK_COMPLETE':
    case 'ROLLBACK_FAILED':
    case 'CREATE_FAILED':
      return 'createFailed';
    case 'UPDATE_ROLLBACK_FAILED':
    case 'UPDATE_FAILED':
    case 'IMPORT_ROLLBACK_FAILED':
      return 'updateFailed';
    case 'DELETE_FAILED':
      return 'deleteFailed';
    case 'DELETE_COMPLETE':
      return 'deleted';
    default:
      return 'busy';
  }
}

/** A failure in words a developer can act on, with a machine reason. */
export interface StackFailure {
  reason: string;
  message: string;
}

const CANCELLED = /cancelled/i;
const CIRCUIT_BREAKER = /circuit breaker/i;

function isStackEvent(event: StackEvent): boolean {
  return event.ResourceType === 'AWS::CloudFormation::Stack';
}

/**
 * The first resource that failed in the stack's latest operation: events
 * come newest first, so walk back to where the operation began and then
 * forward to the earliest `*_FAILED` resource event. Resources cancelled
 * because another one failed are skipped; they are not the cause.
 */
export function firstFailedResource(
  events: StackEvent[],
): StackEvent | undefined {
  let start = events.findIndex(
    e =>
      isStackEvent(e) &&
      (e.ResourceStatus === 'CREATE_IN_PROGRESS' ||
        e.ResourceStatus === 'UPDATE_IN_PROGRESS' ||
        e.ResourceStatus === 'DELETE_IN_PROGRESS' ||
        e.ResourceStatus === 'IMPORT_IN_PROGRESS'),
  );
  if (start < 0) start = events.length - 1;
  for (let i = start; i >= 0; i--) {
    const event = events[i];
    if (
      !isStackEvent(event) &&
      event.ResourceStatus?.endsWith('_FAILED') &&
      !CANCELLED.test(event.ResourceStatusReason ?? '')
    ) {
      return event;
    }
  }
  return undefined;
}

/** Explains a failed stack from its events, falling back to its status. */
export function describeFailure(options: {
  stackName: string;
  status: string;
  statusReason?: string;
  events: StackEvent[];
  defaultReason: string;
}): StackFailure {
  const failed = firstFailedResource(options.events);
  if (failed) {
    const cause = failed.ResourceStatusReason ?? 'no reason given';
    return {
      reason: CIRCUIT_BREAKER.test(cause)
        ? 'DeploymentCircuitBreaker'
        : options.defaultReason,
      message: `${failed.LogicalResourceId} (${failed.ResourceType}) in stack ${options.stackName}: ${failed.ResourceStatus} - ${cause}`,
    };
  }
  return {
    reason: options.defaultReason,
    message: `Stack ${options.stackName} is ${options.status}${
      options.statusReason ? `: ${options.statusReason}` : ''
    }`,
  };
}

/** What `apply` does next with a resource's stack. */
export type ApplyStep =
  | 'create'
  /** Another operation runs; look again later. */
  | 'wait'
  /** Creation failed and the spec changed: delete it to create it anew. */
  | 'replace'
  /** An update rolled back: ours (a failure) or an older one (update). */
  | 'checkRollback'
  | 'ready'
  | 'update'
  /** Failed in a way only a spec change or a person can fix. */
  | { failed: string };

/**
 * The apply decision table: from the stack's status (undefined when there
 * is no stack) and whether it was last sent the desired spec.
 */
export function applyStep(
  status: string | undefined,
  upToDate: boolean,
): ApplyStep {
  if (status === undefined) return 'create';
  switch (stackPhase(status)) {
    case 'busy':
      return 'wait';
    case 'deleted':
      return 'create';
    case 'createFailed':
      return upToDate ? { failed: 'StackCreateFailed' } : 'replace';
    case 'updateFailed':
      return { failed: 'StackUpdateFailed' };
    case 'deleteFailed':
      return { failed: 'StackDeleteFailed' };
    default:
  }
  if (status === 'UPDATE_ROLLBACK_COMPLETE') return 'checkRollback';
  return upToDate ? 'ready' : 'update';
}
