/**
 * Kubernetes `Status` documents for errors, shaped like the API server's.
 */
import type { ResourceType } from './discovery';

export interface StatusCause {
  reason?: string;
  type?: string;
  message: string;
  field?: string;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An error a handler throws to answer with a Status document. */
export class KubeError extends Error {
  constructor(
    readonly status: KubeStatus,
    readonly headers: Record<string, string> = {},
  ) {
    super(status.message);
  }
}

/** `deployments.apps` for grouped types, `namespaces` for the core group. */
export function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: KubeStatus['details'],
): KubeError {
  return new KubeError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  });
}

function detailsOf(type: ResourceType, name: string) {
  return { name, group: type.group || undefined, kind: type.resource };
}

export function notFound(type: ResourceType, name: string): KubeError {
  return failure(
    404,
    'NotFound',
    `${qualifiedResource(type)} "${name}" not found`,
    detailsOf(type, name),
  );
}

export function namespaceNotFound(namespace: string): KubeError {
  return failure(404, 'NotFound', `namespaces "${namespace}" not found`, {
    name: namespace,
    kind: 'namespaces',
  });
}

export function alreadyExists(
  type: ResourceType,
  name: string,
  beingDeleted = false,
): KubeError {
  const prefix = beingDeleted ? 'object is being deleted: ' : '';
  return failure(
    409,
    'AlreadyExists',
    `${prefix}${qualifiedResource(type)} "${name}" already exists`,
    detailsOf(type, name),
  );
}

export function conflict(type: ResourceType, name: string): KubeError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(
      type,
    )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsOf(type, name),
  );
}

export function applyConflict(
  message: string,
  causes: StatusCause[],
): KubeError {
  return failure(409, 'Conflict', message, { causes });
}

export function namespaceTerminating(
  type: ResourceType,
  name: string,
  namespace: string,
): KubeError {
  return failure(
    403,
    'Forbidden',
    `${qualifiedResource(
      type,
    )} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      ...detailsOf(type, name),
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    },
  );
}

export function invalid(
  kind: string,
  type: ResourceType,
  name: string,
  causes: StatusCause[],
): KubeError {
  const summary = causes.map(c => `${c.field}: ${c.message}`).join(', ');
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, {
    name,
    group: type.group || undefined,
    kind,
    causes: causes.map(c => ({
      reason: c.reason,
      message: c.message,
      field: c.field,
    })),
  });
}

export function badRequest(message: string): KubeError {
  return failure(400, 'BadRequest', message);
}

export function unsupportedMediaType(contentType: string): KubeError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`,
  );
}

export function methodNotAllowed(): KubeError {
  return failure(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function pathNotFound(): KubeError {
  return failure(
    404,
    'NotFound',
    'the server could not find the requested resource',
  );
}

export function tooManyRequests(retryAfterSeconds: number): KubeError {
  return new KubeError(
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds },
      code: 429,
    },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

export function success(
  type: ResourceType,
  name: string,
  uid?: string,
): KubeStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, group: type.group || undefined, kind: type.resource, uid },
    code: 200,
  };
}
