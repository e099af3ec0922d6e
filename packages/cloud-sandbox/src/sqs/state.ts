/**
 * SQS queues made by stacks. A queue's URL is its identity (and its
 * CloudFormation physical id); its attributes are those GetQueueAttributes
 * reports, with SQS's defaults for what the template leaves out.
 */
import { AwsError } from '../aws/query';
import { ResourceTable } from '../aws/resourceTable';
import type { Tag } from '../tagging/tags';

export interface Queue {
  name: string;
  url: string;
  arn: string;
  tags: Tag[];
  attributes: Record<string, string>;
}

/** SQS's defaults (Amazon SQS Developer Guide, "Quotas" and CreateQueue). */
const DEFAULT_ATTRIBUTES: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

export function nonExistentQueue(): AwsError {
  return new AwsError(
    'AWS.SimpleQueueService.NonExistentQueue',
    'The specified queue does not exist.',
  );
}

/** Queues by URL. */
export class SqsState extends ResourceTable<Queue> {
  create(
    queue: Omit<Queue, 'attributes'>,
    attributes: Record<string, string>,
  ): Queue {
    const now = String(Math.floor(Date.now() / 1000));
    const created: Queue = {
      ...queue,
      attributes: {
        ...DEFAULT_ATTRIBUTES,
        ...attributes,
        QueueArn: queue.arn,
        CreatedTimestamp: now,
        LastModifiedTimestamp: now,
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        ApproximateNumberOfMessagesDelayed: '0',
      },
    };
    this.byId.set(queue.url, created);
    return created;
  }

  get(url: string | undefined): Queue {
    const queue = url ? this.byId.get(url) : undefined;
    if (!queue) throw nonExistentQueue();
    return queue;
  }

  byName(name: string | undefined): Queue {
    const queue = [...this.byId.values()].find(q => q.name === name);
    if (!queue) throw nonExistentQueue();
    return queue;
  }
}
