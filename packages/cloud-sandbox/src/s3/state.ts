/**
 * S3 buckets and their objects. A bucket holding objects cannot be deleted:
 * S3 answers 409 `BucketNotEmpty`, which is why CloudFormation alone cannot
 * remove a bucket that is in use.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../aws/query';
import { ResourceTable } from '../aws/resourceTable';
import type { Tag } from '../tagging/tags';

export interface S3Object {
  key: string;
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string;
}

export interface Bucket {
  name: string;
  arn: string;
  region: string;
  creationDate: Date;
  tags: Tag[];
  objects: Map<string, S3Object>;
}

export const BUCKET_NOT_EMPTY_MESSAGE =
  'The bucket you tried to delete is not empty';

export function noSuchBucket(): AwsError {
  return new AwsError(
    'NoSuchBucket',
    'The specified bucket does not exist',
    404,
  );
}

/** Buckets by name. */
export class S3State extends ResourceTable<Bucket> {
  create(name: string, region: string, tags: Tag[]): Bucket {
    const bucket: Bucket = {
      name,
      arn: `arn:aws:s3:::${name}`,
      region,
      creationDate: new Date(),
      tags,
      objects: new Map(),
    };
    this.byId.set(name, bucket);
    return bucket;
  }

  get(name: string): Bucket {
    const bucket = this.byId.get(name);
    if (!bucket) throw noSuchBucket();
    return bucket;
  }

  /** DeleteBucket: refused with 409 `BucketNotEmpty` while objects remain. */
  delete(name: string): void {
    const bucket = this.get(name);
    if (bucket.objects.size > 0) {
      throw new AwsError('BucketNotEmpty', BUCKET_NOT_EMPTY_MESSAGE, 409);
    }
    super.delete(name);
  }

  putObject(
    bucketName: string,
    key: string,
    body: Buffer,
    contentType = 'binary/octet-stream',
  ): S3Object {
    const bucket = this.get(bucketName);
    const object: S3Object = {
      key,
      body,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: new Date(),
      contentType,
    };
    bucket.objects.set(key, object);
    return object;
  }

  /** Objects in UTF-8 binary key order (as S3 lists them), after `startAfter`. */
  list(
    bucketName: string,
    options: { prefix?: string; startAfter?: string; maxKeys: number },
  ): { objects: S3Object[]; truncated: boolean } {
    const bucket = this.get(bucketName);
    const matching = [...bucket.objects.values()]
      .filter(o => !options.prefix || o.key.startsWith(options.prefix))
      .filter(o => !options.startAfter || o.key > options.startAfter)
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    return {
      objects: matching.slice(0, options.maxKeys),
      truncated: matching.length > options.maxKeys,
    };
  }

  /** DeleteObject(s): deleting a key that is not there succeeds, as in S3. */
  deleteObject(bucketName: string, key: string): void {
    this.get(bucketName).objects.delete(key);
  }
}
