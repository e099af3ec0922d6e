/**
 * One SQS call in whichever protocol the client spoke: JSON 1.0 when it
 * sent `X-Amz-Target`, the query protocol otherwise.
 */
import { AwsError, parseForm, xmlError } from '../aws/query';
import { header, type SandboxRequest, type SandboxResponse } from '../http';
import { requestId } from '../util/ids';
import {
  SQS_NS,
  sqsHandlers,
  sqsJsonErrorType,
  sqsQueryInput,
  sqsQueryResponse,
} from './handlers';
import type { SqsState } from './state';

const AMZ_JSON_1_0 = 'application/x-amz-json-1.0';

export function sqsCall(
  state: SqsState,
  req: SandboxRequest,
  action: string,
): SandboxResponse {
  const id = requestId();
  const headers = { 'x-amzn-requestid': id };
  const isJson = header(req.headers, 'x-amz-target') !== undefined;
  const text = req.body.toString('utf8');
  try {
    const handler = sqsHandlers(state)[action];
    if (!handler) {
      throw new AwsError(
        'InvalidAction',
        `The sandbox does not emulate SQS ${action}`,
      );
    }
    if (isJson) {
      const input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      return {
        status: 200,
        contentType: AMZ_JSON_1_0,
        headers,
        body: JSON.stringify(handler(input)),
      };
    }
    const result = handler(sqsQueryInput(parseForm(text)));
    return {
      status: 200,
      contentType: 'text/xml',
      headers,
      body: sqsQueryResponse(action, result, id),
    };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    if (isJson) {
      return {
        status: error.status,
        contentType: AMZ_JSON_1_0,
        headers: {
          ...headers,
          'x-amzn-query-error': `${error.code};Sender`,
        },
        body: JSON.stringify({
          __type: sqsJsonErrorType(error),
          message: error.message,
        }),
      };
    }
    return {
      status: error.status,
      contentType: 'text/xml',
      headers,
      body: xmlError(error.code, error.message, SQS_NS, 'Sender', id),
    };
  }
}
