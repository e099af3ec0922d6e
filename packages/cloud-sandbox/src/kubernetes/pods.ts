/**
 * The ReplicaSets and pods behind a Deployment, as the deployment and
 * ReplicaSet controllers and the kubelet would leave them: one ReplicaSet per
 * pod template (`<deployment>-<pod-template-hash>`), its pods named
 * `<replicaset>-<5 chars>`, Running and Ready once the rollout counts them
 * ready. The sandbox schedules nothing; these objects let tools that list
 * pods (kubectl, the Backstage Kubernetes plugin) and the quota see them.
 */
import { randomInt } from 'node:crypto';
import { rfc3339 } from '../util/time';
import { uuid } from '../util/ids';
import { findType, type ResourceType } from './discovery';
import { withLimitRangeDefaults } from './quota';
import type { KubeObject, KubeStore } from './store';

type Json = Record<string, any>;

const PODS = findType('', 'v1', 'pods') as ResourceType;
const REPLICA_SETS = findType('apps', 'v1', 'replicasets') as ResourceType;
const LIMIT_RANGES = findType('', 'v1', 'limitranges') as ResourceType;

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const HASH_LABEL = 'pod-template-hash';

function suffix(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++)
    out += SAFE_ALPHABET[randomInt(SAFE_ALPHABET.length)];
  return out;
}

function ownerReference(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

const ownedBy = (object: KubeObject, owner: KubeObject) =>
  ((object.metadata.ownerReferences ?? []) as Json[]).some(
    ref => ref.uid === owner.metadata.uid,
  );

function podStatus(pod: Json, ready: boolean, now: string): Json {
  const containers = (pod.spec?.containers ?? []) as Json[];
  const condition = (type: string, status: boolean) => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: now,
  });
  return {
    phase: ready ? 'Running' : 'Pending',
    conditions: [
      condition('PodScheduled', true),
      condition('Initialized', true),
      condition('ContainersReady', ready),
      condition('Ready', ready),
    ],
    hostIP: '10.0.0.10',
    podIP: ready ? `10.244.0.${randomInt(2, 250)}` : undefined,
    startTime: pod.metadata?.creationTimestamp ?? now,
    qosClass: 'Burstable',
    containerStatuses: containers.map(c => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready,
      started: ready,
      restartCount: 0,
      state: ready
        ? { running: { startedAt: now } }
        : { waiting: { reason: 'ContainerCreating' } },
    })),
  };
}

/**
 * Brings the ReplicaSets and pods of `deployment` in line with its status:
 * `updatedReplicas` pods of template `hash` (the first ready ones counted
 * from `readyReplicas`), and the remaining older pods kept until the rollout
 * scales them down.
 */
export function syncDeploymentPods(
  store: KubeStore,
  deployment: KubeObject,
  hash: string,
): void {
  const namespace = deployment.metadata.namespace as string;
  const spec = (deployment.spec ?? {}) as Json;
  const status = (deployment.status ?? {}) as Json;
  const template = (spec.template ?? {}) as Json;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const old = Math.max(0, total - updated);
  const newReady = Math.max(
    0,
    Math.min(updated, (status.readyReplicas ?? 0) - old),
  );
  const now = rfc3339(new Date());
  const rsName = `${deployment.metadata.name}-${hash}`;

  const replicaSets = store
    .list(REPLICA_SETS, namespace)
    .filter(rs => ownedBy(rs, deployment));
  let current = replicaSets.find(rs => rs.metadata.name === rsName);
  if (!current) {
    current = store.put(REPLICA_SETS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace,
        uid: uuid(),
        resourceVersion: '',
        creationTimestamp: now,
        generation: 1,
        labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(
            spec.replicas ?? 1,
          ),
        },
        ownerReferences: [ownerReference(deployment)],
      },
      spec: {
        replicas: updated,
        selector: {
          matchLabels: {
            ...(spec.selector?.matchLabels ?? {}),
            [HASH_LABEL]: hash,
          },
        },
        template: {
          ...template,
          metadata: {
            ...(template.metadata ?? {}),
            labels: {
              ...(template.metadata?.labels ?? {}),
              [HASH_LABEL]: hash,
            },
          },
        },
      },
      status: {},
    });
  }

  const limitRanges = store.list(LIMIT_RANGES, namespace) as Json[];
  const pods = store.list(PODS, namespace);
  const podsOf = (rs: KubeObject) => pods.filter(p => ownedBy(p, rs));

  // The current template's pods: add or remove to `updated`, then readiness.
  const mine = podsOf(current);
  while (mine.length < updated) {
    const podTemplate = ((current.spec as Json).template ?? {}) as Json;
    const podSpec = (podTemplate.spec ?? {}) as Json;
    mine.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rsName}-${suffix(5)}`,
        generateName: `${rsName}-`,
        namespace,
        uid: uuid(),
        resourceVersion: '',
        creationTimestamp: now,
        labels: { ...(podTemplate.metadata?.labels ?? {}) },
        annotations: podTemplate.metadata?.annotations,
        ownerReferences: [ownerReference(current)],
      },
      spec: {
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        nodeName: 'sandbox-node',
        ...podSpec,
        containers: withLimitRangeDefaults(
          (podSpec.containers ?? []) as Json[],
          limitRanges,
        ),
      },
      status: {},
    });
  }
  for (const extra of mine.splice(updated)) store.remove(PODS, extra);
  mine.forEach((pod, i) => {
    const ready = i < newReady;
    const before = pod.status as Json;
    if (
      before?.phase === (ready ? 'Running' : 'Pending') &&
      pod.metadata.resourceVersion
    )
      return;
    store.put(PODS, { ...pod, status: podStatus(pod, ready, now) });
  });
  writeReplicaSetStatus(store, current, mine.length, newReady);

  // Older templates' pods: keep `old` of them, Ready, newest ReplicaSet first.
  let keep = old;
  const others = replicaSets
    .filter(rs => rs.metadata.name !== rsName)
    .sort((a, b) =>
      b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp),
    );
  for (const rs of others) {
    const theirs = podsOf(rs);
    const kept = theirs.slice(0, keep);
    for (const gone of theirs.slice(keep)) store.remove(PODS, gone);
    keep -= kept.length;
    writeReplicaSetStatus(store, rs, kept.length, kept.length);
  }
}

function writeReplicaSetStatus(
  store: KubeStore,
  rs: KubeObject,
  replicas: number,
  ready: number,
): void {
  const spec = { ...(rs.spec as Json), replicas };
  const status = {
    replicas,
    fullyLabeledReplicas: replicas,
    readyReplicas: ready || undefined,
    availableReplicas: ready || undefined,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  if (
    JSON.stringify(spec) === JSON.stringify(rs.spec) &&
    JSON.stringify(status) === JSON.stringify(rs.status)
  )
    return;
  store.put(REPLICA_SETS, { ...rs, spec, status });
}

/**
 * The garbage collector's part: ReplicaSets whose Deployment is gone, and
 * then pods whose ReplicaSet is gone, are deleted (background propagation).
 */
export function collectOrphans(store: KubeStore, namespace: string): void {
  const DEPLOYMENTS = findType('apps', 'v1', 'deployments') as ResourceType;
  const alive = (types: ResourceType) =>
    new Set(store.list(types, namespace).map(o => o.metadata.uid));
  const orphaned = (object: KubeObject, owners: Set<string>, kind: string) =>
    ((object.metadata.ownerReferences ?? []) as Json[]).some(
      ref => ref.kind === kind && ref.controller && !owners.has(ref.uid),
    );
  const deployments = alive(DEPLOYMENTS);
  for (const rs of store.list(REPLICA_SETS, namespace)) {
    if (orphaned(rs, deployments, 'Deployment')) store.remove(REPLICA_SETS, rs);
  }
  const replicaSets = alive(REPLICA_SETS);
  for (const pod of store.list(PODS, namespace)) {
    if (orphaned(pod, replicaSets, 'ReplicaSet')) store.remove(PODS, pod);
  }
}
