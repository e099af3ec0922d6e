import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { bucketsToEmpty } from './emptyBuckets';
import { keptOnDelete } from './templateParameters';

describe('which buckets destroy empties', () => {
  const resources: StackResourceSummary[] = [
    { LogicalResourceId: 'Uploads', PhysicalResourceId: 'envkit-a-uploads-1' },
    { LogicalResourceId: 'Archive', PhysicalResourceId: 'envkit-a-archive-1' },
    { LogicalResourceId: 'Gone', PhysicalResourceId: 'envkit-a-gone-1' },
  ].map((r, i) => ({
    ...r,
    ResourceType: 'AWS::S3::Bucket',
    ResourceStatus:
      i === 2 ? ('DELETE_COMPLETE' as const) : ('CREATE_COMPLETE' as const),
    LastUpdatedTimestamp: new Date(),
  }));

  it('leaves the data of buckets the template retains or snapshots', () => {
    const yaml = `
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Archive:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${AWS::StackName}-q'
`;
    const kept = keptOnDelete(yaml)!;
    expect([...kept]).toEqual(['Archive']);
    expect(bucketsToEmpty(resources, kept)).toEqual(['envkit-a-uploads-1']);
  });

  it('reads JSON templates too, and gives up on unreadable ones', () => {
    const json = JSON.stringify({
      Resources: {
        Uploads: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Snapshot' },
      },
    });
    expect([...keptOnDelete(json)!]).toEqual(['Uploads']);
    expect(keptOnDelete('Resources: [unclosed')).toBeUndefined();
  });
});
