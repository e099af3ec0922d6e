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

/**
 * How one protocol answers: its content type, and how it writes a result
 * and an error.
 */
interface Protocol<H> {
  contentType: string;
  /** The error code of an action the sandbox has no handler for. */
  unknownAction: string;
  /** The body of a successful call of `handler`. */
  answer(handler: H, requestId: string): string;
  /** The body of a failed call. */
  error(error: AwsError, requestId: string): string;
}

/**
 * Runs `action`'s handler and answers with its result, or with the AWS error
 * it threw (or the protocol's unknown-action error when there is none).
 */
function call<H>(
  serviceName: string,
  handlers: Record<string, H>,
  action: string,
  protocol: Protocol<H>,
): SandboxResponse {
  const id = requestId();
  const respond = (status: number, body: string): SandboxResponse => ({
    status,
    contentType: protocol.contentType,
    headers: { 'x-amzn-requestid': id },
    body,
  });
  try {
    const handler = handlers[action];
    if (!handler) {
      throw new AwsError(
        protocol.unknownAction,
        `The sandbox does not emulate ${serviceName} ${action}`,
      );
    }
    return respond(200, protocol.answer(handler, id));
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return respond(error.status, protocol.error(error, id));
  }
}

/** Answers one call of `action` from a service's `handlers`. */
type ServiceCall<Service, Handler> = (
  service: Service,
  handlers: Record<string, Handler>,
  req: SandboxRequest,
  action: string,
) => SandboxResponse;

/** A call in the query protocol (RDS, ElastiCache): form in, XML out. */
export const queryCall: ServiceCall<
  { name: string; namespace: string },
  QueryHandler
> = (service, handlers, req, action) =>
  call(service.name, handlers, action, {
    contentType: 'text/xml',
    unknownAction: 'InvalidAction',
    answer: (handler, id) =>
      xmlElementsResponse(
        action,
        handler(parseForm(req.body.toString('utf8'))),
        service.namespace,
        id,
      ),
    error: (error, id) =>
      xmlError(error.code, error.message, service.namespace, 'Sender', id),
  });

/** A call in AWS JSON 1.1 (ECS, Secrets Manager). */
export const jsonCall: ServiceCall<{ name: string }, JsonHandler> = (
  service,
  handlers,
  req,
  action,
) =>
  call(service.name, handlers, action, {
    contentType: 'application/x-amz-json-1.1',
    unknownAction: 'UnknownOperationException',
    answer: handler => {
      const text = req.body.toString('utf8');
      return JSON.stringify(
        handler(text ? (JSON.parse(text) as Record<string, unknown>) : {}),
      );
    },
    error: error =>
      JSON.stringify({ __type: error.code, message: error.message }),
  });
