import type {
  Environment,
  EnvironmentResourceStatus,
} from '@envkit/plugin-environments-common';

/** The driver that makes namespace environments. */
export const NAMESPACE_DRIVER = 'kubernetes-namespace';

/** Usage of one ResourceQuota key, as the quota's status reports it. */
export interface QuotaLine {
  key: string;
  used: string;
  hard: string;
}

/** What a namespace environment's page shows of its namespace. */
export interface NamespaceView {
  resource: EnvironmentResourceStatus;
  namespace: string;
  cluster?: string;
  quota: QuotaLine[];
  workload?: { replicas: number; readyReplicas: number };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringsOf = (value: unknown): Record<string, string> =>
  isRecord(value)
    ? Object.fromEntries(
        Object.entries(value).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      )
    : {};

/**
 * The namespace of an environment made by the kubernetes-namespace driver,
 * with the quota usage and ready replicas its last observation reported;
 * undefined for every other environment.
 */
export function namespaceView(
  environment: Environment,
): NamespaceView | undefined {
  const resource = (environment.status.resources ?? []).find(
    r => r.driver === NAMESPACE_DRIVER,
  );
  if (!resource) return undefined;
  const details = resource.details ?? {};
  const namespace =
    resource.outputs.namespace ??
    (typeof details.namespace === 'string' ? details.namespace : undefined);
  if (!namespace) return undefined;
  const quota = isRecord(details.quota) ? details.quota : {};
  const hard = stringsOf(quota.hard);
  const used = stringsOf(quota.used);
  const workload = isRecord(details.workload) ? details.workload : undefined;
  return {
    resource,
    namespace,
    cluster: resource.outputs.cluster,
    quota: Object.keys(hard)
      .sort()
      .map(key => ({ key, hard: hard[key], used: used[key] ?? '0' })),
    workload: workload
      ? {
          replicas: Number(workload.replicas ?? 0),
          readyReplicas: Number(workload.readyReplicas ?? 0),
        }
      : undefined,
  };
}
