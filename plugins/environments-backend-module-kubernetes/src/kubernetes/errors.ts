import { CustomErrorBase } from '@backstage/errors';
import { KubernetesApiError } from './clusterClient';

/**
 * A Kubernetes call that may succeed if tried again later: the API server
 * could not be reached or timed out, throttled the call (429), failed
 * (5xx), or lost an optimistic-concurrency race (409 Conflict). Drivers
 * throw it instead of returning `Failed`, so the engine retries with
 * backoff.
 *
 * @public
 */
export class KubernetesUnavailableError extends CustomErrorBase {
  name = 'KubernetesUnavailableError' as const;
  /** Always true; lets the engine tell retryable errors apart without importing this class. */
  readonly retryable = true;
  constructor(
    message: string,
    readonly cluster: string,
    /** HTTP status, or undefined when no response arrived. */
    readonly statusCode?: number,
    /** Seconds the server asked to wait (Retry-After), if it did. */
    readonly retryAfterSeconds?: number,
    cause?: unknown,
  ) {
    super(message, cause);
  }
}

/** A Kubernetes `Status` failure as the API server sends it. */
export interface KubeStatus {
  code?: number;
  reason?: string;
  message?: string;
  details?: {
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** A call the driver cannot fix by retrying: the result to report. */
export interface PermanentFailure {
  reason: string;
  message: string;
}

export function statusCodeOf(error: unknown): number | undefined {
  return error instanceof KubernetesApiError ? error.code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusCodeOf(error) === 404;
}

export function statusOf(error: unknown): KubeStatus {
  return error instanceof KubernetesApiError ? error.status : {};
}

/** What the server said, or the transport's own message. */
function detail(error: unknown): string {
  const status = statusOf(error);
  if (status.message) return status.message;
  const e = error as {
    message?: string;
    cause?: { message?: string };
    code?: string;
  };
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  const message = e?.cause?.message ?? e?.message ?? String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * The RBAC permission a 403 names, e.g. `patch rolebindings.rbac.authorization.k8s.io`,
 * read from the message the API server's authorizer writes.
 */
export function missingPermission(message: string): string | undefined {
  const match = /cannot (\w+) resource "([^"]+)" in API group "([^"]*)"/.exec(
    message,
  );
  if (!match) return undefined;
  const [, verb, resource, group] = match;
  return `${verb} ${group ? `${resource}.${group}` : resource}`;
}

/**
 * Whether a failure without an HTTP response came from the network (refused,
 * reset, DNS, timed out), as opposed to the client refusing to send.
 */
function isTransportError(error: unknown): boolean {
  const e = error as {
    name?: string;
    code?: unknown;
    type?: string;
    cause?: unknown;
  };
  if (!e || typeof e !== 'object') return false;
  if (['FetchError', 'AbortError', 'TimeoutError'].includes(e.name ?? ''))
    return true;
  if (e.type === 'system' || e.type === 'request-timeout') return true;
  if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return true;
  return e.cause ? isTransportError(e.cause) : false;
}

/**
 * Turns a failed call into a {@link PermanentFailure} to report, or throws
 * {@link KubernetesUnavailableError} when retrying may help.
 */
export function classifyKubernetesError(
  error: unknown,
  cluster: string,
  what: string,
): PermanentFailure {
  const code = statusCodeOf(error);
  const status = statusOf(error);
  const text = detail(error);
  const causes = status.details?.causes ?? [];
  if (code === undefined && !isTransportError(error)) {
    return {
      reason: 'KubernetesClientError',
      message: `Envkit could not ${what} in Kubernetes cluster '${cluster}': ${text}. Check the cluster's entry in environments.kubernetes.clusters.`,
    };
  }
  if (
    code === undefined ||
    code === 429 ||
    code >= 500 ||
    (code === 409 && status.reason === 'Conflict') ||
    causes.some(c => c.reason === 'NamespaceTerminating')
  ) {
    const retryAfter = status.details?.retryAfterSeconds;
    throw new KubernetesUnavailableError(
      `Kubernetes cluster '${cluster}' could not ${what}: ${text}`,
      cluster,
      code,
      retryAfter,
      error,
    );
  }
  if (code === 401) {
    return {
      reason: 'Unauthorized',
      message: `Kubernetes cluster '${cluster}' did not accept Envkit's credentials while trying to ${what}: ${text}. Check serviceAccountToken in environments.kubernetes.clusters.`,
    };
  }
  if (code === 403) {
    const permission = missingPermission(text);
    return {
      reason: 'Forbidden',
      message: `Kubernetes cluster '${cluster}' refused to ${what}: ${text}.${
        permission
          ? ` Envkit's service account needs permission to ${permission}; see the ClusterRole in docs/drivers/kubernetes-namespace.md.`
          : ''
      }`,
    };
  }
  if (code === 422 || code === 400) {
    return {
      reason: 'InvalidObject',
      message: `Kubernetes cluster '${cluster}' rejected an object while trying to ${what}: ${text}`,
    };
  }
  return {
    reason: 'KubernetesApiError',
    message: `Kubernetes cluster '${cluster}' answered ${code} while trying to ${what}: ${text}`,
  };
}
