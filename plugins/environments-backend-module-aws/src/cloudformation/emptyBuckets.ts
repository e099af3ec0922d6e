/**
 * CloudFormation refuses to delete a bucket that holds objects (the stack
 * delete ends DELETE_FAILED with `BucketNotEmpty`). Before deleting a stack
 * the driver empties the buckets CloudFormation is going to delete, so an
 * environment is destroyed on the first attempt.
 */
import {
  DeleteObjectsCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';

/**
 * The buckets of `resources` that deleting the stack deletes: live ones
 * whose logical id is not among those the template keeps on delete.
 */
export function bucketsToEmpty(
  resources: StackResourceSummary[],
  kept: Set<string>,
): string[] {
  return resources
    .filter(
      r =>
        r.ResourceType === 'AWS::S3::Bucket' &&
        r.PhysicalResourceId &&
        r.ResourceStatus !== 'DELETE_COMPLETE' &&
        !kept.has(r.LogicalResourceId ?? ''),
    )
    .map(r => r.PhysicalResourceId as string);
}

/**
 * Deletes every object of `bucket`, a listed page (up to 1000 keys, the
 * most DeleteObjects takes) at a time. Returns how many were deleted; a
 * bucket that is already gone has none.
 */
export async function emptyBucket(
  s3: S3Client,
  bucket: string,
  signal?: AbortSignal,
): Promise<number> {
  let deleted = 0;
  try {
    const pages = paginateListObjectsV2(
      { client: s3 },
      { Bucket: bucket },
      { abortSignal: signal },
    );
    for await (const page of pages) {
      const keys = (page.Contents ?? []).flatMap(o => (o.Key ? [o.Key] : []));
      if (keys.length === 0) continue;
      const result = await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map(Key => ({ Key })), Quiet: true },
        }),
        { abortSignal: signal },
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(
          `could not delete ${failed.length} object(s) of bucket ${bucket}: ${failed[0].Code} ${failed[0].Message}`,
        );
      }
      deleted += keys.length;
    }
  } catch (error) {
    if (error instanceof S3ServiceException && error.name === 'NoSuchBucket') {
      return deleted;
    }
    throw error;
  }
  return deleted;
}
