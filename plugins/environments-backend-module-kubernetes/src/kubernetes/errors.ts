import { DriverFailure } from '@envkit/plugin-environments-node';
import { KubernetesApiError } from './clusterClient';

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
 * Turns a failed call into the {@link DriverFailure} to throw: retryable
 * (honouring the server's Retry-After) when trying again may help,
 * permanent otherwise.
 */
export function classifyKubernetesError(
  error: unknown,
  cluster: string,
  what: string,
  /** The object the call was about, for the failure's `resource`. */
  resource = `Kubernetes cluster '${cluster}'`,
): DriverFailure {
  const code = statusCodeOf(error);
  const status = statusOf(error);
  const text = detail(error);
  const causes = status.details?.causes ?? [];
  if (code === undefined && !isTransportError(error)) {
    return DriverFailure.permanent({
      resource,
      reason: 'KubernetesClientError',
      message: `Envkit could not ${what} in Kubernetes cluster '${cluster}': ${text}. Check the cluster's entry in environments.kubernetes.clusters.`,
    });
  }
  if (
    code === undefined ||
    code === 429 ||
    code >= 500 ||
    (code === 409 && status.reason === 'Conflict') ||
    causes.some(c => c.reason === 'NamespaceTerminating')
  ) {
    const retryAfter = status.details?.retryAfterSeconds;
    return DriverFailure.retryable({
      reason: 'KubernetesUnavailable',
      message: `Kubernetes cluster '${cluster}' could not ${what}: ${text}`,
      resource,
      retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
      cause: error,
    });
  }
  if (code === 401) {
    return DriverFailure.permanent({
      resource,
      reason: 'Unauthorized',
      message: `Kubernetes cluster '${cluster}' did not accept Envkit's credentials while trying to ${what}: ${text}. Check serviceAccountToken in environments.kubernetes.clusters.`,
    });
  }
  if (code === 403) {
    const permission = missingPermission(text);
    return DriverFailure.permanent({
      resource,
      reason: 'Forbidden',
      message: `Kubernetes cluster '${cluster}' refused to ${what}: ${text}.${
        permission
          ? ` Envkit's service account needs permission to ${permission}; see the ClusterRole in docs/drivers/kubernetes-namespace.md.`
          : ''
      }`,
    });
  }
  if (code === 422 || code === 400) {
    return DriverFailure.permanent({
      resource,
      reason: 'InvalidObject',
      message: `Kubernetes cluster '${cluster}' rejected an object while trying to ${what}: ${text}`,
    });
  }
  return DriverFailure.permanent({
    resource,
    reason: 'KubernetesApiError',
    message: `Kubernetes cluster '${cluster}' answered ${code} while trying to ${what}: ${text}`,
  });
}
