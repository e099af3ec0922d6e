/**
 * The arithmetic of a Deployment rollout, as the deployment controller does
 * it with the RollingUpdate strategy: a change of the pod template starts a
 * new ReplicaSet (named after a hash of the template) that grows while the
 * old one shrinks, never exceeding `replicas + maxSurge` pods nor dropping
 * below `replicas - maxUnavailable` available ones. A change of `replicas`
 * alone scales the current ReplicaSet. The sandbox runs no pods, so the
 * ReplicaSets exist only in these numbers and in the status they produce.
 */
import { createHash } from 'node:crypto';

type Json = Record<string, any>;

/** The characters Kubernetes uses for generated name suffixes (no vowels). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A stable `pod-template-hash` for a pod template, 10 characters. */
export function podTemplateHash(template: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += SAFE_ALPHABET[digest[i] % 27];
  return out;
}

/** `25%` of `total` rounded as the controller does, or a plain number. */
function resolve(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(String(value ?? ''));
  if (!percent) return Number(value) || 0;
  const exact = (total * Number(percent[1])) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** One rollout of one Deployment generation. */
export interface Rollout {
  /** `spec.replicas`. */
  desired: number;
  maxSurge: number;
  maxUnavailable: number;
  /** Available pods of earlier templates when the rollout starts. */
  oldAvailable: number;
  /** Ready pods of the current template when it starts (a scale keeps them). */
  startReady: number;
  /** Name of the ReplicaSet of the current template. */
  replicaSet: string;
  /** Whether the current template got a new ReplicaSet with this rollout. */
  newReplicaSet: boolean;
}

/**
 * Plans the rollout a write of `deployment` starts. `previousHash` is the
 * template hash of the last rollout (undefined for a new Deployment).
 */
export function planRollout(
  deployment: Json,
  hash: string,
  previousHash: string | undefined,
): Rollout {
  const spec = deployment.spec ?? {};
  const status = deployment.status ?? {};
  const desired = Number(spec.replicas ?? 1);
  const rolling = spec.strategy?.rollingUpdate ?? {};
  const recreate = spec.strategy?.type === 'Recreate';
  let maxSurge = recreate
    ? 0
    : resolve(rolling.maxSurge ?? '25%', desired, true);
  const maxUnavailable = recreate
    ? desired
    : resolve(rolling.maxUnavailable ?? '25%', desired, false);
  // Both zero is refused by the real API server; progress anyway.
  if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
  const running = Number(status.availableReplicas ?? 0);
  const sameTemplate = previousHash === hash;
  return {
    desired,
    maxSurge,
    maxUnavailable,
    oldAvailable: sameTemplate || recreate ? 0 : Math.min(running, desired),
    startReady: sameTemplate ? Math.min(running, desired) : 0,
    replicaSet: `${deployment.metadata.name}-${hash}`,
    newReplicaSet: !sameTemplate,
  };
}

/** Whether `ready` pods of the new template finish the rollout. */
export function rolloutDone(rollout: Rollout, ready: number): boolean {
  return ready >= rollout.desired;
}

/**
 * The Deployment status once `ready` pods of the current template are ready:
 * old pods are scaled down as new ones become available, and the new
 * ReplicaSet may run `maxSurge` pods above `replicas`.
 */
export function rolloutStatus(
  rollout: Rollout,
  ready: number,
  generation: number,
  previous: Json | undefined,
  now: string,
): Json {
  const { desired, maxSurge, maxUnavailable } = rollout;
  const old = Math.min(rollout.oldAvailable, Math.max(0, desired - ready));
  const updated = Math.min(desired, Math.max(ready, desired + maxSurge - old));
  const total = old + updated;
  const available = old + ready;
  const done = rolloutDone(rollout, ready);
  const minimumAvailable = available >= desired - maxUnavailable;
  const name = rollout.replicaSet;
  let progressing: [string, string];
  if (done) {
    progressing = [
      'NewReplicaSetAvailable',
      `ReplicaSet "${name}" has successfully progressed.`,
    ];
  } else if (rollout.newReplicaSet && ready === 0) {
    progressing = ['NewReplicaSetCreated', `Created new replica set "${name}"`];
  } else {
    progressing = ['ReplicaSetUpdated', `ReplicaSet "${name}" is progressing.`];
  }
  const earlier = (type: string) =>
    ((previous?.conditions ?? []) as Json[]).find(c => c.type === type);
  const condition = (
    type: string,
    status: string,
    reason: string,
    message: string,
  ) => ({
    type,
    status,
    reason,
    message,
    lastUpdateTime: now,
    // The transition time moves only when the status does.
    lastTransitionTime:
      earlier(type)?.status === status
        ? earlier(type)?.lastTransitionTime ?? now
        : now,
  });
  const omitZero = (n: number) => n || undefined;
  return {
    observedGeneration: generation,
    replicas: omitZero(total),
    updatedReplicas: omitZero(updated),
    readyReplicas: omitZero(available),
    availableReplicas: omitZero(available),
    unavailableReplicas: omitZero(Math.max(0, total - available)),
    conditions: [
      minimumAvailable
        ? condition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
          )
        : condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
      condition('Progressing', 'True', ...progressing),
    ],
  };
}
