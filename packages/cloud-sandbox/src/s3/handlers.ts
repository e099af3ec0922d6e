/**
 * S3's REST-XML API with path-style addressing (`/<bucket>/<key>`), the
 * form clients use against a custom endpoint: the calls the AWS CLI and the
 * SDK make to tag-check, fill and empty a bucket.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { AwsError } from '../aws/query';
import type { SandboxRequest, SandboxResponse } from '../http';
import { header } from '../http';
import { requestId } from '../util/ids';
import type { S3State } from './state';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML = 'application/xml';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  suppressEmptyNode: false,
});
const parser = new XMLParser({
  isArray: name => name === 'Object',
  parseTagValue: false,
});

function document(root: string, body: Record<string, unknown>): string {
  return builder.build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    [root]: { '@xmlns': S3_NS, ...body },
  });
}

function ok(
  body: string,
  headers: Record<string, string> = {},
  status = 200,
): SandboxResponse {
  return { status, contentType: XML, body, headers };
}

interface Route {
  action: string;
  bucket: string;
  key: string;
}

/** Which S3 operation a path-style request is. */
export function s3Route(req: SandboxRequest): Route {
  const [, bucket = '', ...rest] = req.url.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const q = req.url.searchParams;
  const m = req.method;
  let action = `${m} ${bucket ? 'bucket' : 'service'}`;
  if (!bucket && m === 'GET') action = 'ListBuckets';
  else if (key) {
    action =
      { PUT: 'PutObject', GET: 'GetObject', DELETE: 'DeleteObject' }[m] ??
      action;
  } else if (q.has('tagging') && m === 'GET') action = 'GetBucketTagging';
  else if (q.has('delete') && m === 'POST') action = 'DeleteObjects';
  else if (m === 'GET' && q.get('list-type') === '2') action = 'ListObjectsV2';
  else if (m === 'HEAD') action = 'HeadBucket';
  else if (m === 'DELETE') action = 'DeleteBucket';
  return { action, bucket, key };
}

export function s3Call(
  state: S3State,
  req: SandboxRequest,
  route: Route,
): SandboxResponse {
  const id = requestId();
  try {
    const response = handle(state, req, route);
    return {
      ...response,
      headers: { ...response.headers, 'x-amz-request-id': id },
    };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return {
      status: error.status,
      contentType: XML,
      headers: { 'x-amz-request-id': id },
      body:
        req.method === 'HEAD'
          ? ''
          : builder.build({
              '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
              Error: {
                Code: error.code,
                Message: error.message,
                ...(route.bucket ? { BucketName: route.bucket } : {}),
                RequestId: id,
              },
            }),
    };
  }
}

function handle(
  state: S3State,
  req: SandboxRequest,
  { action, bucket, key }: Route,
): SandboxResponse {
  switch (action) {
    case 'ListBuckets':
      return ok(
        document('ListAllMyBucketsResult', {
          Owner: { ID: 'envkit-sandbox' },
          Buckets: {
            Bucket: [...state.byId.values()].map(b => ({
              Name: b.name,
              CreationDate: b.creationDate.toISOString(),
            })),
          },
        }),
      );
    case 'HeadBucket':
      return ok('', { 'x-amz-bucket-region': state.get(bucket).region });
    case 'GetBucketTagging': {
      const { tags } = state.get(bucket);
      if (tags.length === 0) {
        throw new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404);
      }
      return ok(document('Tagging', { TagSet: { Tag: tags } }));
    }
    case 'PutObject': {
      const object = state.putObject(
        bucket,
        key,
        req.body,
        header(req.headers, 'content-type'),
      );
      return ok('', { etag: object.etag });
    }
    case 'GetObject': {
      const object = state.get(bucket).objects.get(key);
      if (!object) {
        throw new AwsError(
          'NoSuchKey',
          'The specified key does not exist.',
          404,
        );
      }
      return {
        status: 200,
        contentType: object.contentType,
        body: object.body.toString('utf8'),
        headers: { etag: object.etag },
      };
    }
    case 'DeleteObject':
      state.deleteObject(bucket, key);
      return ok('', {}, 204);
    case 'ListObjectsV2':
      return listObjectsV2(state, req, bucket);
    case 'DeleteObjects': {
      const parsed = parser.parse(req.body.toString('utf8'));
      const keys: string[] = (parsed?.Delete?.Object ?? []).map(
        (o: { Key: string }) => String(o.Key),
      );
      if (keys.length > 1000) {
        throw new AwsError(
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
        );
      }
      for (const k of keys) state.deleteObject(bucket, k);
      const quiet = String(parsed?.Delete?.Quiet) === 'true';
      return ok(
        document('DeleteResult', {
          Deleted: quiet ? [] : keys.map(k => ({ Key: k })),
        }),
      );
    }
    case 'DeleteBucket':
      state.delete(bucket);
      return ok('', {}, 204);
    default:
      throw new AwsError(
        'NotImplemented',
        `The sandbox does not emulate S3 ${action}`,
        501,
      );
  }
}

function listObjectsV2(
  state: S3State,
  req: SandboxRequest,
  bucket: string,
): SandboxResponse {
  const q = req.url.searchParams;
  const maxKeys = Math.min(Number(q.get('max-keys') ?? 1000) || 1000, 1000);
  const token = q.get('continuation-token') ?? undefined;
  const startAfter = token
    ? Buffer.from(token, 'base64').toString('utf8')
    : q.get('start-after') ?? undefined;
  const prefix = q.get('prefix') ?? undefined;
  const { objects, truncated } = state.list(bucket, {
    prefix,
    startAfter,
    maxKeys,
  });
  const last = objects[objects.length - 1];
  return ok(
    document('ListBucketResult', {
      Name: bucket,
      Prefix: prefix ?? '',
      KeyCount: objects.length,
      MaxKeys: maxKeys,
      IsTruncated: truncated,
      ...(token ? { ContinuationToken: token } : {}),
      ...(truncated && last
        ? {
            NextContinuationToken: Buffer.from(last.key).toString('base64'),
          }
        : {}),
      Contents: objects.map(o => ({
        Key: o.key,
        LastModified: o.lastModified.toISOString(),
        ETag: o.etag,
        Size: o.body.length,
        StorageClass: 'STANDARD',
      })),
    }),
  );
}
