// A little over 400 lines: the driver's entry points stay together so that
// apply, observe and destroy can be read side by side; cluster calls,
// object state and observation live in their own files.
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { namespaceName } from '@envkit/plugin-environments-common';
import type {
  CompleteEnvironmentDriver,
  DriverAccessGrant,
  DriverAccessRequest,
  DriverApplyResult,
  DriverContext,
  DriverDestroyResult,
  DriverObserveResult,
  DriverPlan,
  DriverResource,
  DriverValidationProblem,
} from '@envkit/plugin-environments-node';
import { DriverFailure } from '@envkit/plugin-environments-node';
import { ClusterClient, type KubeObject } from './clusterClient';
import {
  DEFAULTS,
  readKubernetesNamespaceDriverOptions,
  type KubernetesClusterOptions,
  type KubernetesNamespaceDriverOptions,
} from './config';
import { classifyKubernetesError, statusCodeOf, statusOf } from './errors';
import {
  describeObject,
  desiredObjects,
  FIELD_MANAGER,
  isOwnedBy,
  OBJECT_NAMES,
  unwantedWorkload,
  type Manifest,
} from './manifests';
import {
  readNamespaceParameters,
  subjectForEntityRef,
  type RbacSubject,
} from './parameters';
import { kubeconfigYaml } from './kubeconfig';
import { observedState } from './observation';
import { ClusterStatusSweep, sweptRead } from './statusSweep';
import { rolloutState, settle, terminatingResult } from './objectState';
import {
  applyObject,
  callCluster,
  deleteObject,
  describeTarget,
  foreignNamespace,
  namespaceOutputs,
  pickCluster,
  readObject,
  type Plan,
  type Target,
} from './target';

/**
 * The user entity refs that are members of a group entity ref (the
 * catalog's `hasMember` relations); an unknown group has none.
 *
 * @public
 */
export type GroupMembers = (groupRef: string) => Promise<string[]>;

/** The driver id templates name in `resources[].driver`. @public */
export const KUBERNETES_NAMESPACE_DRIVER_ID = 'kubernetes-namespace';

type Json = Record<string, any>;

/**
 * Provisions an environment as a Kubernetes namespace with guardrails:
 * labels and Pod Security Admission level, ResourceQuota, LimitRange, a
 * default-deny NetworkPolicy with declared allowances, a RoleBinding of the
 * namespace-admin ClusterRole to the owners, and optionally a workload
 * (Deployment, Service, Ingress, and a Secret for `secretEnv`). A redeploy
 * stamps the pod template as `kubectl rollout restart` does, so the pods
 * roll. Every write is a forced server-side apply by field manager
 * `envkit`, so repeating a call changes nothing and edits by others are
 * undone by the next apply.
 *
 * @public
 */
export class KubernetesNamespaceDriver implements CompleteEnvironmentDriver {
  readonly id = KUBERNETES_NAMESPACE_DRIVER_ID;
  private readonly clusters: Map<string, KubernetesClusterOptions>;
  private readonly apis = new Map<string, ClusterClient>();
  private readonly options: KubernetesNamespaceDriverOptions;
  private readonly sweep: ClusterStatusSweep;

  /**
   * Reads `environments.kubernetes` (see docs/drivers/kubernetes-namespace.md).
   * Throws when the section is missing; check
   * `config.has('environments.kubernetes')` to make the driver optional.
   */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; groupMembers?: GroupMembers },
  ): KubernetesNamespaceDriver {
    const driverOptions = readKubernetesNamespaceDriverOptions(config);
    if (!driverOptions) {
      throw new InputError(
        'environments.kubernetes is not configured; the kubernetes-namespace driver needs at least one cluster',
      );
    }
    return new KubernetesNamespaceDriver({
      ...driverOptions,
      logger: options.logger,
      groupMembers: options.groupMembers,
    });
  }

  private readonly groupMembers?: GroupMembers;

  constructor(
    options: KubernetesNamespaceDriverOptions & {
      logger: LoggerService;
      /** Needed with `subjects: users`: the members of a group, from the catalog. */
      groupMembers?: GroupMembers;
    },
  ) {
    // Calls log through their context's logger; this one reports failed
    // shared lists, which belong to no one call.
    const { logger, groupMembers, ...rest } = options;
    this.groupMembers = groupMembers;
    if (rest.subjects === 'users' && !groupMembers) {
      throw new InputError(
        "environments.kubernetes.subjects 'users' needs the catalog to list group members",
      );
    }
    if (rest.clusters.length === 0) {
      throw new InputError('the kubernetes-namespace driver needs a cluster');
    }
    this.options = rest;
    this.sweep = new ClusterStatusSweep(
      rest.statusSweep,
      (cluster, kind, error) =>
        logger.warn(
          `Listing ${kind} objects on cluster ${cluster} failed (${
            (error as Error).message
          }); status checks read them one by one until the next list`,
        ),
    );
    this.clusters = new Map(rest.clusters.map(c => [c.name, c]));
  }

  async validate(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverValidationProblem[]> {
    const { problems, parameters } = this.readParameters(resource, ctx);
    if (parameters) {
      try {
        pickCluster(
          this.clusters,
          this.options.defaultCluster,
          parameters.cluster,
          parameters.allowedClusters,
        );
      } catch (e) {
        if (!(e instanceof DriverFailure)) throw e;
        problems.push({ path: 'parameters.cluster', message: e.message });
      }
    }
    return problems;
  }

  async plan(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverPlan> {
    let plan: Plan;
    let existing: KubeObject | undefined;
    try {
      ({ plan, existing } = await this.planWithNamespace(resource, ctx));
    } catch (e) {
      // Plans are advisory: report why there is none instead of a result.
      if (e instanceof DriverFailure && e.kind === 'permanent') {
        throw new InputError(`${e.reason}: ${e.message}`);
      }
      throw e;
    }
    const all = [
      plan.desired.namespace,
      ...plan.desired.guardrails,
      ...plan.desired.workload,
    ];
    if (existing && !isOwnedBy(existing, ctx.environment.id)) {
      return {
        actions: [
          {
            action: 'none',
            target: describeObject(plan.desired.namespace),
            description: foreignNamespace(plan).message,
          },
        ],
      };
    }
    return {
      actions: all.map(m => ({
        action: existing ? 'update' : 'create',
        target: `${describeObject(m)} in cluster ${plan.cluster.name}`,
        description: existing
          ? 'server-side apply; no change when already as specified'
          : undefined,
      })),
    };
  }

  async apply(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverApplyResult> {
    const { plan, existing } = await this.planWithNamespace(resource, ctx);
    const { desired } = plan;
    const writes: Promise<KubeObject | undefined>[] = [];
    if (existing) {
      this.assertOwned(plan, existing, ctx);
      if (existing.metadata?.deletionTimestamp) {
        return {
          status: 'InProgress',
          reason: 'NamespaceTerminating',
          message: `Namespace '${plan.namespace}' is still being deleted; it is created again once it is gone.`,
        };
      }
      writes.push(applyObject(plan, desired.namespace));
    } else {
      await this.createNamespace(plan, ctx);
    }
    // Once the namespace exists everything in it is independent: one round.
    writes.push(...desired.guardrails.map(m => applyObject(plan, m)));
    writes.push(...desired.workload.map(m => applyObject(plan, m)));
    // A dropped workload, host or secretEnv leaves nothing behind.
    writes.push(
      ...unwantedWorkload(desired, plan.namespace).map(m =>
        deleteObject(plan, m),
      ),
    );
    const results = await settle(writes);
    const deployment = results.find(o => o?.kind === 'Deployment');
    const quotaNote = plan.parameters.quotaCapped.length
      ? ` Quota capped by the template: ${plan.parameters.quotaCapped.join(
          '; ',
        )}.`
      : '';
    const outputs = namespaceOutputs(plan);
    if (deployment) {
      const rollout = rolloutState(deployment);
      if (rollout.failed) {
        throw DriverFailure.permanent({
          resource: `Deployment '${describeObject(deployment)}'`,
          reason: 'WorkloadProgressDeadlineExceeded',
          message: `Deployment '${describeObject(deployment)}' in namespace '${
            plan.namespace
          }' did not become ready: ${rollout.message}`,
        });
      }
      if (!rollout.ready) {
        return {
          status: 'InProgress',
          reason: 'WorkloadNotReady',
          message: `Namespace '${plan.namespace}' is set up; waiting for the workload: ${rollout.message}.${quotaNote}`,
          outputs,
        };
      }
    }
    return {
      status: 'Ready',
      message: `Namespace '${plan.namespace}' in cluster '${plan.cluster.name}' is ready.${quotaNote}`,
      outputs,
    };
  }

  async observe(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverObserveResult> {
    const plan = await this.currentPlan(resource, ctx);
    // The shared lists answer for a healthy environment; anything else
    // (missing, drifted, rolling, or a list that failed) is read again
    // object by object, since a list may predate the last apply.
    const swept = await this.observeWith(plan, ctx, m =>
      sweptRead(this.sweep, plan, m),
    ).catch(() => undefined);
    if (swept?.status === 'Ready') return swept;
    return this.observeWith(plan, ctx, m => readObject(plan, m));
  }

  private async observeWith(
    plan: Plan,
    ctx: DriverContext,
    read: (m: Manifest) => Promise<KubeObject | undefined>,
  ): Promise<DriverObserveResult> {
    const { desired } = plan;
    const namespace = await read(desired.namespace);
    if (!namespace) {
      return {
        status: 'InProgress',
        exists: false,
        reason: 'NamespaceMissing',
        message: `Namespace '${plan.namespace}' does not exist in cluster '${plan.cluster.name}'; the next apply creates it again.`,
      };
    }
    this.assertOwned(plan, namespace, ctx);
    const phase = (namespace as Json).status?.phase ?? 'Active';
    if (namespace.metadata?.deletionTimestamp) {
      return {
        status: 'InProgress',
        exists: true,
        reason: 'NamespaceTerminating',
        message: `Namespace '${plan.namespace}' is being deleted.`,
        details: { namespacePhase: phase },
      };
    }
    const guardrails = await settle(desired.guardrails.map(m => read(m)));
    const workload = await settle(desired.workload.map(m => read(m)));
    return observedState({
      plan,
      namespace,
      phase,
      guardrails,
      workload,
      outputs: namespaceOutputs(plan),
    });
  }

  async destroy(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverDestroyResult> {
    // Destroy needs only the cluster and the name, so an environment whose
    // template no longer validates can still be removed.
    const target = this.targetFor(resource, ctx);
    const header: Manifest = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: target.namespace },
    };
    const namespace = await readObject(target, header);
    if (!namespace) {
      return {
        status: 'Destroyed',
        message: `Namespace '${target.namespace}' is gone.`,
      };
    }
    if (!isOwnedBy(namespace, ctx.environment.id)) {
      ctx.logger.warn(
        `Not deleting namespace ${target.namespace} in cluster ${target.cluster.name}: it was not created by Envkit for this environment`,
      );
      return {
        status: 'Destroyed',
        reason: 'ForeignNamespace',
        message: `Namespace '${target.namespace}' in cluster '${target.cluster.name}' was not created by Envkit for this environment, so it was left untouched.`,
      };
    }
    if (!namespace.metadata?.deletionTimestamp) {
      const existed = await callCluster(
        target,
        `delete namespace '${target.namespace}'`,
        () => target.api.delete(header),
      );
      if (!existed) {
        return {
          status: 'Destroyed',
          message: `Namespace '${target.namespace}' is gone.`,
        };
      }
      ctx.logger.info(
        `Deleting namespace ${target.namespace} in cluster ${target.cluster.name}`,
      );
      return {
        status: 'InProgress',
        reason: 'NamespaceTerminating',
        message: `Namespace '${target.namespace}' is being deleted.`,
      };
    }
    return terminatingResult(namespace, target);
  }

  /**
   * A kubeconfig for the environment's namespace. Token clusters: a token of
   * the namespace's `envkit-access` ServiceAccount from the TokenRequest
   * API, an hour by default, at most the cluster's `access.maxTokenSeconds`.
   * OIDC clusters: an exec stanza, no token; people act as themselves.
   */
  async access(
    request: DriverAccessRequest,
    _ctx: Pick<DriverContext, 'logger' | 'signal'>,
  ): Promise<DriverAccessGrant> {
    const { outputs } = request.resource;
    const cluster = outputs.cluster
      ? this.clusters.get(outputs.cluster)
      : undefined;
    const namespace = outputs.namespace;
    if (!cluster || !namespace) {
      throw new ConflictError(
        `Resource '${request.resource.name}' reports no namespace on a configured cluster yet`,
      );
    }
    const server = cluster.access?.server ?? cluster.url;
    if (!server) {
      throw new ConflictError(
        `Cluster '${cluster.name}' has no URL to give out; set environments.kubernetes.clusters[].access.server`,
      );
    }
    const base = { cluster: cluster.name, namespace, server };
    if (cluster.access?.oidc) {
      return {
        ...base,
        authentication: 'exec',
        kubeconfig: kubeconfigYaml({ cluster, server, namespace }),
      };
    }
    const max = cluster.access?.maxTokenSeconds ?? DEFAULTS.maxTokenSeconds;
    const seconds = Math.min(
      request.expirationSeconds ?? DEFAULTS.tokenSeconds,
      max,
    );
    const target: Target = { cluster, api: this.apiFor(cluster), namespace };
    let issued;
    try {
      issued = await this.apiFor(cluster).requestToken(
        namespace,
        OBJECT_NAMES.accessServiceAccount,
        seconds,
      );
    } catch (error) {
      if (statusCodeOf(error) === 404) {
        throw new ConflictError(
          `ServiceAccount '${OBJECT_NAMES.accessServiceAccount}' is missing from namespace '${namespace}'; the next reconcile creates it again`,
        );
      }
      throw classifyKubernetesError(
        error,
        cluster.name,
        `request a token of ServiceAccount '${OBJECT_NAMES.accessServiceAccount}'`,
        describeTarget(target),
      );
    }
    return {
      ...base,
      authentication: 'token',
      expiresAt: issued.expirationTimestamp,
      kubeconfig: kubeconfigYaml({
        cluster,
        server,
        namespace,
        token: issued.token,
      }),
    };
  }

  private readParameters(resource: DriverResource, ctx: DriverContext) {
    return readNamespaceParameters(
      resource.parameters,
      ctx.environment.owner,
      {
        podSecurity: this.options.podSecurity ?? DEFAULTS.podSecurity,
        subjectPrefix: this.options.subjectPrefix ?? '',
      },
      resource.secretParameters,
    );
  }

  private apiFor(cluster: KubernetesClusterOptions): ClusterClient {
    let api = this.apis.get(cluster.name);
    if (!api) {
      api = new ClusterClient(
        cluster,
        this.options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      );
      this.apis.set(cluster.name, api);
    }
    return api;
  }

  private targetFor(resource: DriverResource, ctx: DriverContext): Target {
    const raw = resource.parameters;
    // A secret never names a cluster (validate refuses it), nor a message.
    const secretCluster = (resource.secretParameters ?? []).includes('cluster');
    const requested =
      typeof raw.cluster === 'string' && raw.cluster && !secretCluster
        ? raw.cluster
        : undefined;
    const cluster = pickCluster(
      this.clusters,
      this.options.defaultCluster,
      requested,
      undefined,
    );
    return {
      cluster,
      api: this.apiFor(cluster),
      namespace: namespaceName(ctx.environment.name, ctx.environment.id),
    };
  }

  private planFor(
    resource: DriverResource,
    ctx: DriverContext,
    subjects?: RbacSubject[],
  ): Plan {
    const read = this.readParameters(resource, ctx);
    const { problems } = read;
    const parameters =
      read.parameters && subjects
        ? { ...read.parameters, subjects }
        : read.parameters;
    if (!parameters) {
      throw DriverFailure.permanent({
        resource: `resource '${resource.name}'`,
        reason: 'InvalidParameters',
        message: `Resource '${resource.name}' has invalid parameters: ${problems
          .map(p => `${p.path}: ${p.message}`)
          .join('; ')}`,
      });
    }
    const cluster = pickCluster(
      this.clusters,
      this.options.defaultCluster,
      parameters.cluster,
      parameters.allowedClusters,
    );
    const namespace = namespaceName(ctx.environment.name, ctx.environment.id);
    const desired = desiredObjects({
      namespace,
      environment: ctx.environment,
      parameters,
      adminClusterRole:
        this.options.adminClusterRole ?? DEFAULTS.adminClusterRole,
      ingressControllerNamespace:
        this.options.ingressControllerNamespace ??
        DEFAULTS.ingressControllerNamespace,
      ingressDomain: cluster.ingressDomain,
      ingressClassName: cluster.ingressClassName,
    });
    return {
      cluster,
      api: this.apiFor(cluster),
      namespace,
      parameters,
      desired,
    };
  }

  /**
   * The plan with the RoleBinding's subjects as they are now: with
   * `subjects: users`, the catalog's current members of each group.
   */
  private async currentPlan(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<Plan> {
    const plan = this.planFor(resource, ctx);
    if (this.options.subjects !== 'users') return plan;
    return this.planFor(
      resource,
      ctx,
      await this.memberSubjects(plan.parameters.subjects),
    );
  }

  /** The plan and the namespace as the cluster has it now: where plan and apply start. */
  private async planWithNamespace(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<{ plan: Plan; existing: KubeObject | undefined }> {
    const plan = await this.currentPlan(resource, ctx);
    return { plan, existing: await readObject(plan, plan.desired.namespace) };
  }

  /**
   * Groups replaced by their members as Users, as the catalog has them now:
   * a membership change is drift of the RoleBinding, seen by the next
   * observe and undone by the next apply.
   */
  private async memberSubjects(
    subjects: RbacSubject[],
  ): Promise<RbacSubject[]> {
    const prefix = this.options.subjectPrefix ?? '';
    const out: RbacSubject[] = [];
    const add = (subject: RbacSubject) => {
      if (!out.some(s => s.kind === subject.kind && s.name === subject.name))
        out.push(subject);
    };
    for (const subject of subjects) {
      if (subject.kind !== 'Group' || !subject.ref) {
        add(subject);
        continue;
      }
      let members: string[];
      try {
        members = await this.groupMembers!(subject.ref);
      } catch (error) {
        throw DriverFailure.retryable({
          resource: `group '${subject.ref}'`,
          reason: 'GroupMembersUnavailable',
          message: `Could not read the members of '${
            subject.ref
          }' from the catalog: ${(error as Error).message}`,
        });
      }
      for (const member of [...members].sort()) {
        const user = subjectForEntityRef(member, 'user', prefix);
        if (typeof user !== 'string' && user.kind === 'User') add(user);
      }
    }
    return out;
  }

  private assertOwned(
    target: Target,
    namespace: KubeObject,
    ctx: DriverContext,
  ) {
    if (!isOwnedBy(namespace, ctx.environment.id)) {
      throw DriverFailure.needsAttention(foreignNamespace(target));
    }
  }

  /**
   * Creates the namespace with a plain create, never an apply: a namespace
   * that appeared since it was read must fail with AlreadyExists rather than
   * be adopted.
   */
  private async createNamespace(plan: Plan, ctx: DriverContext): Promise<void> {
    try {
      await plan.api.create(plan.desired.namespace, FIELD_MANAGER);
      ctx.logger.info(
        `Created namespace ${plan.namespace} in cluster ${plan.cluster.name}`,
      );
    } catch (error) {
      if (
        statusCodeOf(error) !== 409 ||
        statusOf(error).reason !== 'AlreadyExists'
      ) {
        throw classifyKubernetesError(
          error,
          plan.cluster.name,
          `create namespace '${plan.namespace}'`,
          describeTarget(plan),
        );
      }
      const now = await readObject(plan, plan.desired.namespace);
      if (now) this.assertOwned(plan, now, ctx);
    }
  }
}
