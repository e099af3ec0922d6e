import {
  paginateListStacks,
  StackStatus,
  StackSummary,
} from '@aws-sdk/client-cloudformation';
import { AwsTarget } from './AwsClients';

/** Every status but DELETE_COMPLETE: the stacks that still exist. */
const LIVE_STATUSES = Object.values(StackStatus).filter(
  status => status !== StackStatus.DELETE_COMPLETE,
);

interface Snapshot {
  takenAt: number;
  stacks: Promise<Map<string, StackSummary>>;
}

/**
 * The status of every live stack of an account and region, read with
 * ListStacks (100 stacks a page) and shared by all status checks for
 * `maxAgeMs`. Watching N settled stacks then costs about N / 100 calls per
 * sweep instead of N DescribeStacks calls, which matters under
 * CloudFormation's low API rate limits.
 */
export class StackStatusSnapshot {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly options: { maxAgeMs: number }) {}

  /** The stack's summary, or `undefined` when it is not in the snapshot. */
  async lookup(
    target: AwsTarget,
    stackName: string,
  ): Promise<StackSummary | undefined> {
    const now = Date.now();
    let snapshot = this.snapshots.get(target.key);
    if (!snapshot || now - snapshot.takenAt > this.options.maxAgeMs) {
      snapshot = { takenAt: now, stacks: this.read(target) };
      this.snapshots.set(target.key, snapshot);
      // A failed read must not be served to later lookups.
      snapshot.stacks.catch(() => this.snapshots.delete(target.key));
    }
    return (await snapshot.stacks).get(stackName);
  }

  private async read(target: AwsTarget): Promise<Map<string, StackSummary>> {
    const stacks = new Map<string, StackSummary>();
    const pages = paginateListStacks(
      { client: target.cloudFormation },
      { StackStatusFilter: LIVE_STATUSES },
    );
    for await (const page of pages) {
      for (const summary of page.StackSummaries ?? []) {
        if (summary.StackName) stacks.set(summary.StackName, summary);
      }
    }
    return stacks;
  }
}
