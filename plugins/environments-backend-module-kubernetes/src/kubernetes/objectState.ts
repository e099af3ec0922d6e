import {
  DriverDestroyResult,
  DriverFailure,
} from '@envkit/plugin-environments-node';
import type { KubeObject } from './clusterClient';
import { differences } from './drift';
import { describeObject, type Manifest } from './manifests';
import { describeTarget, type Target } from './target';

type Json = Record<string, any>;

/**
 * Waits for every call, then reports permanent failures before retryable
 * ones: a 403 on one object should fail the environment even if another
 * call was throttled.
 */
export async function settle<T>(calls: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(calls);
  const errors = results.flatMap(r =>
    r.status === 'rejected' ? [r.reason] : [],
  );
  const final = errors.filter(
    (e): e is DriverFailure =>
      e instanceof DriverFailure && e.kind !== 'retryable',
  );
  if (final.length === 1) throw final[0];
  if (final.length) {
    const reasons = [...new Set(final.map(f => f.reason))];
    throw DriverFailure.permanent({
      resource: final[0].resource,
      reason: reasons.length === 1 ? reasons[0] : 'KubernetesApiError',
      message: final.map(f => f.message).join(' '),
    });
  }
  if (errors.length) throw errors[0];
  return results.map(r => (r as PromiseFulfilledResult<T>).value);
}

export function driftOf(want: Manifest, got: KubeObject | undefined): string[] {
  if (!got) return [`${describeObject(want)} was deleted`];
  const { apiVersion: _a, kind: _k, metadata, ...body } = want;
  const paths = [
    ...differences(body, got),
    ...differences(metadata.labels, got.metadata?.labels).map(
      p => `metadata.labels.${p}`,
    ),
  ];
  return paths.length
    ? [`${describeObject(want)} was changed (${paths.join(', ')})`]
    : [];
}

/**
 * Whether a Deployment has finished rolling out, judged as
 * `kubectl rollout status` does: the controller has seen the latest
 * generation, every replica runs the current pod template, no old replica
 * is left and every updated one is available.
 */
export function rolloutState(deployment: KubeObject): {
  ready: boolean;
  failed: boolean;
  message: string;
} {
  const d = deployment as Json;
  const status = d.status ?? {};
  const want = d.spec?.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const observed =
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const progressing = (status.conditions ?? []).find(
    (c: Json) => c.type === 'Progressing',
  );
  if (
    progressing?.status === 'False' &&
    progressing.reason === 'ProgressDeadlineExceeded'
  ) {
    return {
      ready: false,
      failed: true,
      message: progressing.message ?? 'progress deadline exceeded',
    };
  }
  const counts = `${ready}/${want} replicas ready`;
  let waiting: string | undefined;
  if (!observed) waiting = 'the change is not rolled out yet';
  else if (updated < want) waiting = `${updated}/${want} replicas updated`;
  else if (total > updated)
    waiting = `${total - updated} old replicas still terminating`;
  else if (available < updated)
    waiting = `${available}/${updated} updated replicas available`;
  return {
    ready: !waiting && ready >= want,
    failed: false,
    message: waiting ? `${counts}, ${waiting}` : counts,
  };
}

/**
 * Progress of a namespace being deleted; finalizers that remain need their
 * owner, never Envkit, to finish.
 */
export function terminatingResult(
  namespace: KubeObject,
  target: Target,
): DriverDestroyResult {
  const name = target.namespace;
  const conditions: Json[] = (
    (namespace as Json).status?.conditions ?? []
  ).filter((c: Json) => c.status === 'True');
  const since = namespace.metadata?.deletionTimestamp;
  const seconds = since
    ? Math.round((Date.now() - new Date(since).getTime()) / 1000)
    : 0;
  const finalizers = conditions.find(
    c => c.type === 'NamespaceFinalizersRemaining',
  );
  if (!conditions.length) {
    return {
      status: 'InProgress',
      reason: 'NamespaceTerminating',
      message: `Namespace '${name}' is being deleted.`,
    };
  }
  const message = `Namespace '${name}' has been terminating for ${seconds}s and is waiting on: ${conditions
    .map(c => `${c.type}: ${c.message}`)
    .join(
      '; ',
    )}. Envkit never removes finalizers itself; whoever owns them must finish or remove them.`;
  if (finalizers) {
    throw DriverFailure.needsAttention({
      resource: describeTarget(target),
      reason: 'NamespaceFinalizersRemaining',
      message,
    });
  }
  return { status: 'InProgress', reason: 'NamespaceTerminating', message };
}
