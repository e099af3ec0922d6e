/**
 * SQS's read calls in both of its protocols: the query protocol (what AWS
 * CLI v2 releases before 2.13.x send) and JSON 1.0 with
 * `X-Amz-Target: AmazonSQS.<Action>` (newer CLIs and the SDK v3). Handlers
 * work on the JSON shapes; the query side translates in and out.
 */
import { AwsError, type QueryParams, xmlElementsResponse } from '../aws/query';
import type { SqsState } from './state';

export const SQS_NS = 'http://queue.amazonaws.com/doc/2012-11-05/';

type Json = Record<string, unknown>;

function attributeNames(input: Json): string[] {
  const names = input.AttributeNames;
  return Array.isArray(names) ? names.map(String) : [];
}

export function sqsHandlers(
  state: SqsState,
): Record<string, (input: Json) => Json> {
  return {
    GetQueueUrl: input => ({
      QueueUrl: state.byName(String(input.QueueName ?? '')).url,
    }),
    ListQueues: input => ({
      QueueUrls: [...state.byId.values()]
        .filter(q => q.name.startsWith(String(input.QueueNamePrefix ?? '')))
        .map(q => q.url),
    }),
    ListQueueTags: input => ({
      Tags: Object.fromEntries(
        state.get(input.QueueUrl as string).tags.map(t => [t.Key, t.Value]),
      ),
    }),
    GetQueueAttributes: input => {
      const queue = state.get(input.QueueUrl as string);
      const wanted = attributeNames(input);
      const all = wanted.length === 0 || wanted.includes('All');
      return {
        Attributes: Object.fromEntries(
          Object.entries(queue.attributes).filter(
            ([name]) => all || wanted.includes(name),
          ),
        ),
      };
    },
  };
}

/** A query-protocol request's parameters in the JSON shape. */
export function sqsQueryInput(params: QueryParams): Json {
  const names: string[] = [];
  for (let i = 1; params.has(`AttributeName.${i}`); i++) {
    names.push(params.get(`AttributeName.${i}`) as string);
  }
  return {
    QueueUrl: params.get('QueueUrl'),
    QueueName: params.get('QueueName'),
    QueueNamePrefix: params.get('QueueNamePrefix'),
    AttributeNames: names,
  };
}

function entries(map: unknown, name: string, value: string) {
  return Object.entries((map ?? {}) as Record<string, string>).map(
    ([k, v]) => ({ [name]: k, [value]: v }),
  );
}

/** A handler's JSON result as the query protocol's (flattened) XML. */
export function sqsQueryResponse(
  action: string,
  result: Json,
  id: string,
): string {
  const tree: Json = { ...result };
  if ('Attributes' in result) {
    delete tree.Attributes;
    tree.Attribute = entries(result.Attributes, 'Name', 'Value');
  }
  if ('Tags' in result) {
    delete tree.Tags;
    tree.Tag = entries(result.Tags, 'Key', 'Value');
  }
  if ('QueueUrls' in result) {
    delete tree.QueueUrls;
    tree.QueueUrl = result.QueueUrls;
  }
  return xmlElementsResponse(action, tree, SQS_NS, id);
}

/** The JSON protocol's name of a query error code. */
export function sqsJsonErrorType(error: AwsError): string {
  return error.code === 'AWS.SimpleQueueService.NonExistentQueue'
    ? 'com.amazonaws.sqs#QueueDoesNotExist'
    : error.code;
}
