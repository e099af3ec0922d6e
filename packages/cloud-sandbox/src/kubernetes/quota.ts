/**
 * ResourceQuota usage of compute resources, as the quota controller counts
 * it: every pod not yet Succeeded or Failed adds the requests and limits of
 * its containers (init containers count by their maximum).
 */
import { parseQuantity } from '@envkit/plugin-environments-common';

type Json = Record<string, any>;

/** CPU the way the API server prints it: whole cores, or millicores. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Bytes with the largest binary suffix that divides them exactly. */
export function formatBytes(bytes: number): string {
  const whole = Math.round(bytes);
  if (whole === 0) return '0';
  // Ki is 2^10, Mi 2^20, … Ei 2^60; the largest that divides wins.
  const binary = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  for (let power = binary.length; power > 0; power--) {
    const unit = 2 ** (10 * power);
    if (whole % unit === 0) return `${whole / unit}${binary[power - 1]}`;
  }
  return String(whole);
}

/** Whether a pod still holds quota (the controller releases terminal pods). */
export function holdsQuota(pod: Json): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** `requests.cpu`, `limits.memory`, … of one pod; requests default to limits. */
function podResources(
  pod: Json,
  kind: 'requests' | 'limits',
  resource: string,
) {
  const amount = (container: Json) => {
    const resources = container.resources ?? {};
    const own = resources[kind]?.[resource];
    // The API server copies limits into missing requests.
    const value =
      own ?? (kind === 'requests' ? resources.limits?.[resource] : undefined);
    return parseQuantity(value ?? 0) ?? 0;
  };
  const spec = pod.spec ?? {};
  const sum = ((spec.containers ?? []) as Json[]).reduce(
    (total, c) => total + amount(c),
    0,
  );
  const init = Math.max(
    0,
    ...((spec.initContainers ?? []) as Json[]).map(amount),
  );
  return Math.max(sum, init);
}

/**
 * Usage of a compute quota key over `pods`, formatted; undefined for keys
 * that are not about pods (object counts are counted elsewhere).
 */
export function podQuotaUsage(key: string, pods: Json[]): string | undefined {
  const live = pods.filter(holdsQuota);
  if (key === 'pods' || key === 'count/pods') return String(live.length);
  const match = /^(?:(requests|limits)\.)?(cpu|memory|ephemeral-storage)$/.exec(
    key,
  );
  if (!match) return undefined;
  const kind = (match[1] ?? 'requests') as 'requests' | 'limits';
  const total = live.reduce(
    (sum, pod) => sum + podResources(pod, kind, match[2]),
    0,
  );
  return match[2] === 'cpu' ? formatCpu(total) : formatBytes(total);
}

/**
 * What the LimitRanger admission plugin adds to a container without its
 * own requests or limits: the `Container` item's `defaultRequest` and
 * `default` of the namespace's LimitRanges.
 */
export function withLimitRangeDefaults(
  containers: Json[],
  limitRanges: Json[],
): Json[] {
  const items = limitRanges.flatMap(lr =>
    ((lr.spec?.limits ?? []) as Json[]).filter(l => l.type === 'Container'),
  );
  return containers.map(container => {
    const resources = { ...(container.resources ?? {}) };
    for (const item of items) {
      resources.limits = { ...(item.default ?? {}), ...resources.limits };
      resources.requests = {
        ...(item.defaultRequest ?? {}),
        ...resources.requests,
      };
    }
    return { ...container, resources };
  });
}
