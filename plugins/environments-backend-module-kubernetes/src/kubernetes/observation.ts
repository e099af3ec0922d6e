import {
  DriverFailure,
  DriverObserveResult,
} from '@envkit/plugin-environments-node';
import type { KubeObject } from './clusterClient';
import { differences } from './drift';
import { describeObject, POD_ANNOTATIONS, type Manifest } from './manifests';
import { driftOf, rolloutState } from './objectState';
import { describeTarget, type Plan } from './target';

type Json = Record<string, any>;

/** One object the driver manages in the namespace, as the owner sees it. */
export interface ManagedObjectState {
  kind: string;
  name: string;
  state: string;
}

/** The state of one managed object read from the cluster. */
function stateOf(want: Manifest, got: KubeObject | undefined): string {
  if (!got) return 'Missing';
  if (driftOf(want, got).length) return 'Changed outside Envkit';
  const status = (got as Json).status ?? {};
  if (want.kind === 'Deployment') {
    const replicas = (got as Json).spec?.replicas ?? 0;
    const ready = status.readyReplicas ?? 0;
    return rolloutState(got).ready
      ? `Ready, ${ready} of ${replicas} replicas`
      : `Rolling out, ${ready} of ${replicas} replicas ready`;
  }
  if (want.kind === 'Ingress')
    return status.loadBalancer?.ingress?.length
      ? 'Ready'
      : 'Waiting for an address';
  return 'Ready';
}

/**
 * Every object the driver manages for the environment with its state: the
 * namespace, its guardrails and the workload objects, in that order.
 */
function managedObjects(
  plan: Plan,
  namespace: KubeObject,
  guardrails: (KubeObject | undefined)[],
  workload: (KubeObject | undefined)[],
): ManagedObjectState[] {
  const { desired } = plan;
  const entry = (
    want: { kind?: string; metadata?: { name?: string } },
    state: string,
  ) => ({ kind: want.kind ?? '', name: want.metadata?.name ?? '', state });
  return [
    entry(
      desired.namespace,
      namespace.metadata?.deletionTimestamp ? 'Terminating' : 'Ready',
    ),
    ...desired.guardrails.map((want, i) =>
      entry(want, stateOf(want, guardrails[i])),
    ),
    ...desired.workload.map((want, i) =>
      entry(want, stateOf(want, workload[i])),
    ),
  ];
}

/**
 * What `observe` reports of an existing namespace and the objects read from
 * it: drift from the desired guardrails (restored by the next apply), a
 * missing workload, the rollout, and the details shown to the owner.
 */
export function observedState(options: {
  plan: Plan;
  namespace: KubeObject;
  phase: string;
  guardrails: (KubeObject | undefined)[];
  workload: (KubeObject | undefined)[];
  outputs: Record<string, string>;
}): DriverObserveResult {
  const { plan, namespace, phase, guardrails, workload, outputs } = options;
  const { desired } = plan;
  const drift: string[] = [];
  const labelDrift = differences(
    desired.namespace.metadata.labels,
    namespace.metadata?.labels,
  );
  if (labelDrift.length) {
    drift.push(
      `${describeObject(desired.namespace)} labels changed (${labelDrift.join(
        ', ',
      )})`,
    );
  }
  desired.guardrails.forEach((want, i) =>
    drift.push(...driftOf(want, guardrails[i])),
  );
  const workloadDrift = desired.workload.flatMap((want, i) =>
    workload[i] ? [] : [`${describeObject(want)} was deleted`],
  );
  const quota = guardrails.find(o => o?.kind === 'ResourceQuota') as
    | Json
    | undefined;
  const deployment = workload.find(o => o?.kind === 'Deployment');
  const rollout = deployment ? rolloutState(deployment) : undefined;
  const details: Record<string, unknown> = {
    cluster: plan.cluster.name,
    namespace: plan.namespace,
    namespacePhase: phase,
    quota: {
      hard: quota?.status?.hard ?? {},
      used: quota?.status?.used ?? {},
    },
  };
  if (desired.workload.length) {
    const running = deployment as Json | undefined;
    const restartedAt =
      running?.spec?.template?.metadata?.annotations?.[
        POD_ANNOTATIONS.restartedAt
      ];
    const secretEnv = Object.keys(plan.parameters.workload?.secretEnv ?? {});
    details.workload = {
      image: plan.parameters.workload?.image,
      replicas: running?.spec?.replicas ?? 0,
      readyReplicas: running?.status?.readyReplicas ?? 0,
      updatedReplicas: running?.status?.updatedReplicas ?? 0,
      ready: rollout?.ready ?? false,
      // Names only: the values stay in the Secret.
      ...(secretEnv.length ? { secretEnv: secretEnv.sort() } : {}),
      ...(restartedAt ? { restartedAt } : {}),
    };
  }
  details.objects = managedObjects(plan, namespace, guardrails, workload);
  if (drift.length) details.drift = drift;
  const base = { exists: true, details, outputs };
  if (drift.length) {
    return {
      ...base,
      status: 'InProgress',
      reason: 'GuardrailDrift',
      message: `Guardrails of namespace '${
        plan.namespace
      }' were changed outside Envkit and will be restored: ${[
        ...drift,
        ...workloadDrift,
      ].join('; ')}.`,
    };
  }
  if (workloadDrift.length) {
    return {
      ...base,
      status: 'InProgress',
      reason: 'WorkloadMissing',
      message: `Workload objects of namespace '${
        plan.namespace
      }' are missing and will be recreated: ${workloadDrift.join('; ')}.`,
    };
  }
  if (rollout?.failed) {
    throw DriverFailure.permanent({
      resource: describeTarget(plan),
      reason: 'WorkloadProgressDeadlineExceeded',
      message: rollout.message,
    });
  }
  if (rollout && !rollout.ready) {
    return {
      ...base,
      status: 'InProgress',
      reason: 'WorkloadNotReady',
      message: `Workload in namespace '${plan.namespace}' is not ready: ${rollout.message}.`,
    };
  }
  return { ...base, status: 'Ready' };
}
