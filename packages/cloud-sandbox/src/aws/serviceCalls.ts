/**
 * One call to a data service in the query protocol (RDS, ElastiCache) or
 * in JSON 1.1 (Secrets Manager): find the handler, answer with its result
 * or with the AWS error it threw.
 */
import type { SandboxRequest, SandboxResponse } from '../http';
import { requestId } from '../util/ids';
import {
  AwsError,
  parseForm,
  type QueryParams,
  xmlElementsResponse,
  xmlError,
} from './query';

export type QueryHandler = (params: QueryParams) => Record<string, unknown>;
export type JsonHandler = (
  input: Record<string, unknown>,
) => Record<string, unknown>;

export function queryCall(
  service: { name: string; namespace: string },
  handlers: Record<string, QueryHandler>,
  req: SandboxRequest,
  action: string,
): SandboxResponse {
  const id = requestId();
  const headers = { 'x-amzn-requestid': id };
  try {
    const handler = handlers[action];
    if (!handler) {
      throw new AwsError(
        'InvalidAction',
        `The sandbox does not emulate ${service.name} ${action}`,
      );
    }
    const result = handler(parseForm(req.body.toString('utf8')));
    return {
      status: 200,
      contentType: 'text/xml',
      headers,
      body: xmlElementsResponse(action, result, service.namespace, id),
    };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return {
      status: error.status,
      contentType: 'text/xml',
      headers,
      body: xmlError(
        error.code,
        error.message,
        service.namespace,
        'Sender',
        id,
      ),
    };
  }
}

export function jsonCall(
  service: { name: string },
  handlers: Record<string, JsonHandler>,
  req: SandboxRequest,
  action: string,
): SandboxResponse {
  const headers = { 'x-amzn-requestid': requestId() };
  const contentType = 'application/x-amz-json-1.1';
  try {
    const handler = handlers[action];
    if (!handler) {
      throw new AwsError(
        'UnknownOperationException',
        `The sandbox does not emulate ${service.name} ${action}`,
      );
    }
    const text = req.body.toString('utf8');
    const input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    return {
      status: 200,
      contentType,
      headers,
      body: JSON.stringify(handler(input)),
    };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return {
      status: error.status,
      contentType,
      headers,
      body: JSON.stringify({ __type: error.code, message: error.message }),
    };
  }
}
