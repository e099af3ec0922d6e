/**
 * The controllers the sandbox runs in place of kube-controller-manager:
 * namespace lifecycle (Terminating, finalizers), Deployment rollout status,
 * ResourceQuota usage, default ServiceAccounts and the bootstrap RBAC roles.
 */
import type { SandboxContext } from '../context';
import { rfc3339 } from '../util/time';
import { uuid } from '../util/ids';
import {
  findType,
  RESOURCE_TYPES,
  VERBS,
  type ResourceType,
} from './discovery';
import {
  planRollout,
  podTemplateHash,
  rolloutDone,
  rolloutStatus,
} from './rollout';
import { collectOrphans, syncDeploymentPods } from './pods';
import { podQuotaUsage } from './quota';
import type { KubeObject, KubeStore } from './store';

function typeOf(group: string, resource: string): ResourceType {
  return findType(group, 'v1', resource) as ResourceType;
}

const NAMESPACES = typeOf('', 'namespaces');
const SERVICE_ACCOUNTS = typeOf('', 'serviceaccounts');
const DEPLOYMENTS = typeOf('apps', 'deployments');
const QUOTAS = typeOf('', 'resourcequotas');
const CLUSTER_ROLES = typeOf('rbac.authorization.k8s.io', 'clusterroles');

type Json = Record<string, unknown>;

/** The revision the deployment controller counts per new pod template. */
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

function baseMeta(name: string, namespace?: string) {
  return {
    name,
    namespace,
    uid: uuid(),
    resourceVersion: '',
    creationTimestamp: rfc3339(new Date()),
  };
}

const BOOTSTRAP_ROLES: Record<string, Json[]> = {
  'cluster-admin': [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['*'], verbs: ['*'] },
  ],
  admin: [
    {
      apiGroups: ['', 'apps', 'networking.k8s.io', 'rbac.authorization.k8s.io'],
      resources: ['*'],
      verbs: VERBS,
    },
  ],
  edit: [
    {
      apiGroups: ['', 'apps', 'networking.k8s.io'],
      resources: ['*'],
      verbs: VERBS,
    },
  ],
  view: [
    {
      apiGroups: ['', 'apps', 'networking.k8s.io'],
      resources: ['*'],
      verbs: ['get', 'list', 'watch'],
    },
  ],
};

export class KubeControllers {
  /** `<ns>/<name>/<generation>` of rollouts already being simulated. */
  private readonly rollouts = new Set<string>();
  /** Per Deployment uid: the pod template hash last rolled out, and its revision. */
  private readonly templates = new Map<
    string,
    { hash: string; revision: number }
  >();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly store: KubeStore,
  ) {}

  bootstrap(): void {
    this.rollouts.clear();
    this.templates.clear();
    for (const name of [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ]) {
      this.store.put(NAMESPACES, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          ...baseMeta(name),
          labels: { 'kubernetes.io/metadata.name': name },
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
      this.ensureDefaultServiceAccount(name);
    }
    for (const [name, rules] of Object.entries(BOOTSTRAP_ROLES)) {
      this.store.put(CLUSTER_ROLES, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: {
          ...baseMeta(name),
          labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
          annotations: {
            'rbac.authorization.kubernetes.io/autoupdate': 'true',
          },
        },
        rules,
      });
    }
  }

  /** Called after every successful write through the API. */
  afterWrite(
    written: ResourceType,
    object: KubeObject,
    created: boolean,
  ): void {
    if (written.resource === 'namespaces' && created)
      this.ensureDefaultServiceAccount(object.metadata.name);
    if (written.resource === 'deployments') this.rollOut(object);
    if (written.resource === 'ingresses') this.publishIngress(object);
    if (object.metadata.namespace)
      this.recomputeQuotas(object.metadata.namespace);
  }

  /** Called after objects of `namespace` were deleted through the API. */
  afterDelete(namespace: string): void {
    collectOrphans(this.store, namespace);
    this.recomputeQuotas(namespace);
  }

  private ensureDefaultServiceAccount(namespace: string): void {
    if (this.store.get(SERVICE_ACCOUNTS, namespace, 'default')) return;
    this.store.put(SERVICE_ACCOUNTS, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: baseMeta('default', namespace),
    });
  }

  /** Starts namespace deletion: Terminating now, gone after the profile's time. */
  beginNamespaceDeletion(namespace: KubeObject): KubeObject {
    const updated: KubeObject = {
      ...namespace,
      metadata: {
        ...namespace.metadata,
        deletionTimestamp: rfc3339(new Date()),
      },
      status: { phase: 'Terminating' },
    };
    const stored = this.store.put(NAMESPACES, updated);
    this.ctx.scheduler.after(this.ctx.profile().namespaceDeletionMs, () =>
      this.finishNamespaceDeletion(namespace.metadata.name),
    );
    return stored;
  }

  /** Removes a Terminating namespace's content and then the namespace, unless a finalizer holds it. */
  finishNamespaceDeletion(name: string): void {
    const namespace = this.store.get(NAMESPACES, undefined, name);
    if (!namespace || !namespace.metadata.deletionTimestamp) return;
    const hang = this.ctx.faults.hungNamespaces.get(name);
    if (hang) {
      this.store.put(NAMESPACES, {
        ...namespace,
        status: {
          phase: 'Terminating',
          conditions: this.terminatingConditions(hang.finalizer),
        },
      });
      return;
    }
    for (const t of RESOURCE_TYPES.filter(r => r.namespaced)) {
      for (const obj of this.store.list(t, name)) this.store.remove(t, obj);
    }
    this.store.remove(NAMESPACES, namespace);
  }

  private terminatingConditions(finalizer: string) {
    const now = rfc3339(new Date());
    // [type, status, reason, message], as a namespace's deletion reports them.
    const rows: Array<[string, string, string, string]> = [
      [
        'NamespaceDeletionDiscoveryFailure',
        'False',
        'ResourcesDiscovered',
        'All resources successfully discovered',
      ],
      [
        'NamespaceDeletionGroupVersionParsingFailure',
        'False',
        'ParsedGroupVersions',
        'All legacy kube types successfully parsed',
      ],
      [
        'NamespaceDeletionContentFailure',
        'False',
        'ContentDeleted',
        'All content successfully deleted, may be waiting on finalization',
      ],
      [
        'NamespaceContentRemaining',
        'True',
        'SomeResourcesRemain',
        'Some resources are remaining: configmaps. has 1 resource instances',
      ],
      [
        'NamespaceFinalizersRemaining',
        'True',
        'SomeFinalizersRemain',
        `Some content in the namespace has finalizers remaining: ${finalizer} in 1 resource instances`,
      ],
    ];
    return rows.map(([type, status, reason, message]) => ({
      type,
      status,
      lastTransitionTime: now,
      reason,
      message,
    }));
  }

  /**
   * Plays the deployment controller for a new generation: a changed pod
   * template rolls out replica by replica (old pods kept until new ones are
   * ready), a changed replica count scales; status and conditions follow as
   * the real controller sets them.
   */
  private rollOut(deployment: KubeObject): void {
    const generation = deployment.metadata.generation ?? 1;
    const { namespace, name, uid } = deployment.metadata;
    const status = (deployment.status ?? {}) as Json;
    const key = `${namespace}/${name}/${generation}`;
    if (status.observedGeneration === generation || this.rollouts.has(key))
      return;
    this.rollouts.add(key);
    const hash = podTemplateHash(
      (deployment.spec as Json | undefined)?.template,
    );
    const previous = this.templates.get(uid);
    const rollout = planRollout(deployment, hash, previous?.hash);
    const revision = previous
      ? previous.revision + (previous.hash === hash ? 0 : 1)
      : 1;
    this.templates.set(uid, { hash, revision });
    const step = (ready: number) => {
      const current = this.store.get(DEPLOYMENTS, namespace, name);
      if (
        !current ||
        current.metadata.uid !== uid ||
        current.metadata.generation !== generation ||
        current.metadata.deletionTimestamp
      ) {
        this.rollouts.delete(key);
        return;
      }
      current.metadata.annotations = {
        ...current.metadata.annotations,
        [REVISION_ANNOTATION]: String(revision),
      };
      current.status = rolloutStatus(
        rollout,
        ready,
        generation,
        current.status as Json | undefined,
        rfc3339(new Date()),
      );
      this.store.put(DEPLOYMENTS, current);
      syncDeploymentPods(this.store, current, hash);
      this.recomputeQuotas(namespace as string);
      if (rolloutDone(rollout, ready)) {
        this.rollouts.delete(key);
        return;
      }
      this.ctx.scheduler.after(this.ctx.profile().deploymentReplicaMs, () =>
        step(ready + 1),
      );
    };
    this.ctx.scheduler.after(this.ctx.profile().deploymentReplicaMs, () =>
      step(rollout.startReady),
    );
  }

  private publishIngress(ingress: KubeObject): void {
    const status = ingress.status as Json | undefined;
    const lb = status?.loadBalancer as Json | undefined;
    if (lb?.ingress) return;
    const ingressType = typeOf('networking.k8s.io', 'ingresses');
    this.ctx.scheduler.after(this.ctx.profile().deploymentReplicaMs, () => {
      const current = this.store.get(
        ingressType,
        ingress.metadata.namespace,
        ingress.metadata.name,
      );
      if (!current) return;
      current.status = { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } };
      this.store.put(ingressType, current);
    });
  }

  /** Counts objects against `count/<resource>` and core-name quota keys. */
  recomputeQuotas(namespace: string): void {
    for (const quota of this.store.list(QUOTAS, namespace)) {
      const hard = ((quota.spec as Json | undefined)?.hard ?? {}) as Record<
        string,
        string
      >;
      const used: Record<string, string> = {};
      for (const key of Object.keys(hard))
        used[key] = this.usage(key, namespace);
      const before = JSON.stringify(quota.status);
      quota.status = { hard, used };
      if (JSON.stringify(quota.status) !== before)
        this.store.put(QUOTAS, quota);
    }
  }

  private podsIn(namespace: string): Json[] {
    const pods = findType('', 'v1', 'pods');
    return pods ? (this.store.list(pods, namespace) as Json[]) : [];
  }

  private usage(key: string, namespace: string): string {
    const countOf = (resource: string, group = '') => {
      const t = findType(group, 'v1', resource);
      return t ? String(this.store.list(t, namespace).length) : '0';
    };
    const pods = podQuotaUsage(key, this.podsIn(namespace));
    if (pods !== undefined) return pods;
    const count = /^count\/([^.]+)(?:\.(.+))?$/.exec(key);
    if (count) return countOf(count[1], count[2] ?? '');
    if (
      [
        'services',
        'configmaps',
        'secrets',
        'serviceaccounts',
        'resourcequotas',
      ].includes(key)
    )
      return countOf(key);
    return '0';
  }
}
