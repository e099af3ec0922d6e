import { createHash } from 'node:crypto';
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { ServiceHealth } from './serviceHealth';

/** Default of `environments.aws.statusSweep.settledRecheck`: five minutes. */
export const DEFAULT_SETTLED_RECHECK_MS = 5 * 60_000;

interface Check {
  version: string;
  dueAt: number;
  services: ServiceHealth[];
}

/** What identifies one state of a stack: any update or status change is a new one. */
function versionOf(stack: Stack): string {
  return `${stack.StackStatus}|${(
    stack.LastUpdatedTime ?? stack.CreationTime
  )?.toISOString()}`;
}

/** A fixed fraction in [0, 1) per stack, to spread rechecks over time. */
function spreadOf(stackId: string): number {
  return (
    createHash('sha256').update(stackId).digest().readUInt32BE(0) / 2 ** 32
  );
}

/**
 * The ECS services of settled stacks as last seen healthy. While a stack
 * has not changed since (same status, same last update) and its check is
 * younger than `recheckMs`, its services need no DescribeServices call: a
 * fleet of stacks with a cluster each, where nothing batches, then costs
 * the ListStacks pages plus the stacks whose recheck is due. Each stack's
 * recheck falls somewhere in the last quarter of `recheckMs`, so stacks
 * checked together at start-up come due a few at a time, not all at once.
 */
export class SettledServiceChecks {
  private readonly checks = new Map<string, Check>();

  constructor(
    private readonly options: {
      /** 0 turns the skipping off. */
      recheckMs: number;
    },
  ) {}

  /** The services as last seen, when the stack is unchanged and the check still fresh. */
  fresh(stack: Stack): ServiceHealth[] | undefined {
    if (!stack.StackId || this.options.recheckMs <= 0) return undefined;
    const check = this.checks.get(stack.StackId);
    if (!check || check.version !== versionOf(stack)) return undefined;
    if (Date.now() >= check.dueAt) return undefined;
    return check.services;
  }

  /**
   * Records a check that found every service healthy; anything else is
   * forgotten, so the next status check reads the services again.
   */
  record(stack: Stack, services: ServiceHealth[], healthy: boolean): void {
    if (!stack.StackId) return;
    if (!healthy || this.options.recheckMs <= 0) {
      this.checks.delete(stack.StackId);
      return;
    }
    const { recheckMs } = this.options;
    this.checks.set(stack.StackId, {
      version: versionOf(stack),
      dueAt: Date.now() + recheckMs * (0.75 + 0.25 * spreadOf(stack.StackId)),
      services,
    });
  }
}
