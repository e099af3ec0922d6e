import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  Environment,
  EnvironmentCondition,
  EnvironmentError,
  EnvironmentEvent,
  EnvironmentPhase,
  EnvironmentResourceStatus,
  EnvironmentStatus,
  EnvironmentTemplateResource,
  interpolate,
  InterpolationContext,
  topologicalOrder,
} from '@envkit/plugin-environments-common';
import {
  CompleteEnvironmentDriver,
  createDriverContext,
  DriverEnvironment,
} from '@envkit/plugin-environments-node';
import { EnvironmentStore } from '../database/EnvironmentStore';

/** Timings of the engine; the defaults suit a production backend. */
export interface LifecycleEngineTimings {
  /** How long a replica owns an environment it is reconciling. */
  leaseDurationMs: number;
  /** How soon to look again while something is in progress. */
  progressIntervalMs: number;
  /** How often a settled (Ready) environment is observed for drift. */
  observeIntervalMs: number;
  /** First retry delay after a driver error; doubles up to the maximum. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Consecutive driver errors after which a resource is marked Failed. */
  maxConsecutiveErrors: number;
  /** Environments reconciled per sweep by one replica. */
  batchSize: number;
}

export const defaultEngineTimings: LifecycleEngineTimings = {
  leaseDurationMs: 60_000,
  progressIntervalMs: 2_000,
  observeIntervalMs: 30_000,
  retryBaseMs: 2_000,
  retryMaxMs: 60_000,
  maxConsecutiveErrors: 8,
  batchSize: 100,
};

interface ReconcileOutcome {
  status: EnvironmentStatus;
  events: EnvironmentEvent[];
  /** When to look again; undefined once nothing more will happen. */
  nextInMs: number | undefined;
}

type Verb = 'apply' | 'observe' | 'destroy';

/**
 * Drives each environment toward its desired state, level-triggered: every
 * sweep leases the environments that need work, compares spec and status,
 * makes the driver calls that bring them closer, and records what it saw.
 * Safe to stop at any point and to run on several replicas at once (the
 * store's leases keep an environment with one replica at a time).
 */
export class LifecycleEngine {
  private readonly timings: LifecycleEngineTimings;
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      store: EnvironmentStore;
      drivers: ReadonlyMap<string, CompleteEnvironmentDriver>;
      logger: LoggerService;
      /** Identifies this replica in leases. */
      replicaId: string;
      timings?: Partial<LifecycleEngineTimings>;
      clock?: () => Date;
    },
  ) {
    this.timings = { ...defaultEngineTimings, ...options.timings };
    this.clock = options.clock ?? (() => new Date());
  }

  /** One sweep: reconciles the environments due now. Returns how many it worked on. */
  async sweep(): Promise<number> {
    const { store, replicaId } = this.options;
    const leased = await store.leaseEnvironmentsDue({
      leaseOwner: replicaId,
      leaseDurationMs: this.timings.leaseDurationMs,
      limit: this.timings.batchSize,
      now: this.clock(),
    });
    await Promise.all(
      leased.map(({ environment }) => this.reconcileLeased(environment)),
    );
    return leased.length;
  }

  private async reconcileLeased(environment: Environment): Promise<void> {
    const { store, replicaId, logger } = this.options;
    let nextInMs: number | undefined = this.timings.progressIntervalMs;
    try {
      const outcome = await this.reconcile(environment);
      nextInMs = outcome.nextInMs;
      const written = await store.updateStatus(environment.id, outcome.status, {
        leaseOwner: replicaId,
      });
      if (written) {
        await store.appendEvents(environment.id, outcome.events);
      } else {
        logger.warn(
          `Lost the lease on environment ${environment.id} while reconciling; its new holder carries on`,
        );
      }
    } catch (error) {
      logger.error(
        `Reconciling environment ${
          environment.id
        } failed unexpectedly: ${stringifyError(error)}`,
      );
    } finally {
      await store.releaseLease(environment.id, {
        leaseOwner: replicaId,
        nextReconcileAt:
          nextInMs === undefined
            ? undefined
            : new Date(this.clock().getTime() + nextInMs),
      });
    }
  }

  /** Works out, from spec and status alone, what to do next and does it. */
  async reconcile(environment: Environment): Promise<ReconcileOutcome> {
    const now = this.clock();
    const { spec } = environment;
    const expired =
      spec.expiresAt !== undefined &&
      Date.parse(spec.expiresAt) <= now.getTime();
    const events: EnvironmentEvent[] = [];
    if (environment.status.phase === 'Destroyed') {
      return { status: environment.status, events, nextInMs: undefined };
    }
    if (spec.deletionRequestedAt || expired) {
      if (expired && environment.status.phase !== 'Destroying') {
        events.push(
          this.event(
            'Normal',
            'Expired',
            `Expired at ${spec.expiresAt}; destroying`,
          ),
        );
      }
      return this.destroyAll(environment, events);
    }
    return this.applyAll(environment, events);
  }

  private async applyAll(
    environment: Environment,
    events: EnvironmentEvent[],
  ): Promise<ReconcileOutcome> {
    const { spec } = environment;
    const status = cloneStatus(environment.status);
    const template = spec.templateSnapshot;
    const resources = topologicalOrder(template.resources);
    const generationChanged = status.observedGeneration < spec.generation;

    if (status.phase === 'Failed' && !generationChanged) {
      // A failed environment stays failed until its spec changes; with the
      // rollback policy, what was made is removed meanwhile.
      if ((template.failurePolicy ?? 'rollback') === 'rollback') {
        return this.rollBack(environment, status, events);
      }
      return { status, events, nextInMs: undefined };
    }

    if (status.phase === 'Pending') {
      this.transition(status, 'Provisioning', events, 'Provisioning started');
    } else if (generationChanged && status.phase !== 'Provisioning') {
      this.transition(
        status,
        status.phase === 'Failed' ? 'Provisioning' : 'Updating',
        events,
        `Applying generation ${spec.generation}`,
      );
      // Every resource is applied again against the new spec.
      for (const r of status.resources) r.phase = 'Pending';
    }

    const settled = status.phase === 'Ready' && !generationChanged;
    let anyInProgress = false;
    // Waves: every resource whose dependencies are Ready is called at once;
    // a resource that becomes Ready unblocks its dependents in the same pass.
    const attempted = new Set<string>();
    for (;;) {
      const wave = resources.filter(resource => {
        if (attempted.has(resource.name)) return false;
        const current = this.resourceStatus(status, resource);
        // Already applied for this generation; nothing to do until settled.
        if (current.phase === 'Ready' && !settled) return false;
        return (resource.dependsOn ?? []).every(
          dep => this.findResource(status, dep)?.phase === 'Ready',
        );
      });
      if (wave.length === 0) break;
      wave.forEach(resource => attempted.add(resource.name));
      const results = await Promise.all(
        wave.map(resource => {
          const current = this.resourceStatus(status, resource);
          const verb: Verb =
            settled && current.phase === 'Ready' ? 'observe' : 'apply';
          return this.callDriver(environment, status, resource, verb).then(
            result => ({ resource, current, verb, result }),
          );
        }),
      );
      for (const { resource, current, verb, result } of results) {
        if (result.kind === 'error') {
          anyInProgress = true;
          if (result.exhausted) {
            return this.fail(environment, status, events, {
              reason: 'DriverUnavailable',
              message: `${resource.name}: ${result.message}`,
              resource: resource.name,
            });
          }
          continue;
        }
        const { value } = result;
        if (value.outputs) current.outputs = { ...value.outputs };
        current.message = value.message;
        current.updatedAt = this.clock().toISOString();
        if (value.status === 'Failed') {
          current.phase = 'Failed';
          events.push(
            this.event(
              'Warning',
              value.reason ?? 'ResourceFailed',
              `${resource.name}: ${value.message ?? 'failed'}`,
              resource.name,
            ),
          );
          return this.fail(environment, status, events, {
            reason: value.reason ?? 'ResourceFailed',
            message: value.message ?? `Resource ${resource.name} failed`,
            resource: resource.name,
          });
        }
        if (value.status === 'Ready') {
          if (current.phase !== 'Ready') {
            events.push(
              this.event(
                'Normal',
                settled ? 'Restored' : 'ResourceReady',
                `${resource.name} is ready${
                  value.message ? `: ${value.message}` : ''
                }`,
                resource.name,
              ),
            );
          }
          current.phase = 'Ready';
        } else if (verb === 'observe') {
          // Drift or a degraded resource: apply it again on the next pass.
          events.push(
            this.event(
              'Warning',
              value.reason ?? 'Drift',
              `${resource.name}: ${
                value.message ?? 'no longer ready'
              }; reapplying`,
              resource.name,
            ),
          );
          current.phase = 'Pending';
        } else {
          current.phase = 'InProgress';
        }
      }
    }
    anyInProgress =
      anyInProgress ||
      resources.some(r => this.findResource(status, r.name)?.phase !== 'Ready');

    if (anyInProgress) {
      return { status, events, nextInMs: this.retryDelay(status) };
    }

    // Everything is Ready: publish the template's outputs.
    try {
      status.outputs = stringifyValues(
        interpolate(
          template.outputs,
          this.interpolationContext(environment, status),
        ),
      );
    } catch (error) {
      return this.fail(environment, status, events, {
        reason: 'OutputUnavailable',
        message: (error as Error).message,
      });
    }
    if (status.phase !== 'Ready') {
      this.transition(
        status,
        'Ready',
        events,
        status.outputs.endpoint
          ? `Ready at ${status.outputs.endpoint}`
          : 'Ready',
      );
    }
    status.observedGeneration = environment.spec.generation;
    delete status.lastError;
    setCondition(
      status,
      'Ready',
      'True',
      'AllResourcesReady',
      'Every resource is ready',
      this.clock(),
    );
    return { status, events, nextInMs: this.timings.observeIntervalMs };
  }

  private async rollBack(
    environment: Environment,
    status: EnvironmentStatus,
    events: EnvironmentEvent[],
  ): Promise<ReconcileOutcome> {
    const remaining = await this.destroyResources(environment, status, events);
    if (remaining) {
      return { status, events, nextInMs: this.timings.progressIntervalMs };
    }
    if (
      !status.conditions.some(
        c => c.type === 'RolledBack' && c.status === 'True',
      )
    ) {
      setCondition(
        status,
        'RolledBack',
        'True',
        'FailurePolicyRollback',
        'Resources made before the failure were removed',
        this.clock(),
      );
      events.push(
        this.event(
          'Normal',
          'RolledBack',
          'Removed what was made before the failure (template policy: rollback)',
        ),
      );
    }
    return { status, events, nextInMs: undefined };
  }

  private async destroyAll(
    environment: Environment,
    events: EnvironmentEvent[],
  ): Promise<ReconcileOutcome> {
    const status = cloneStatus(environment.status);
    if (status.phase !== 'Destroying') {
      this.transition(status, 'Destroying', events, 'Destroying');
    }
    const remaining = await this.destroyResources(environment, status, events);
    if (remaining) {
      return { status, events, nextInMs: this.retryDelay(status) };
    }
    this.transition(status, 'Destroyed', events, 'Every resource is gone');
    status.observedGeneration = environment.spec.generation;
    status.outputs = {};
    setCondition(
      status,
      'Ready',
      'False',
      'Destroyed',
      'The environment was destroyed',
      this.clock(),
    );
    return { status, events, nextInMs: undefined };
  }

  /** Destroys in reverse dependency order; returns how many are left. */
  private async destroyResources(
    environment: Environment,
    status: EnvironmentStatus,
    events: EnvironmentEvent[],
  ): Promise<number> {
    const resources = topologicalOrder(
      environment.spec.templateSnapshot.resources,
    ).reverse();
    let remaining = 0;
    for (const resource of resources) {
      const current = this.resourceStatus(status, resource);
      if (current.phase === 'Destroyed') continue;
      const dependentsLeft = resources.some(
        other =>
          (other.dependsOn ?? []).includes(resource.name) &&
          this.findResource(status, other.name)?.phase !== 'Destroyed',
      );
      if (dependentsLeft) {
        remaining++;
        continue;
      }
      const result = await this.callDriver(
        environment,
        status,
        resource,
        'destroy',
      );
      current.updatedAt = this.clock().toISOString();
      if (result.kind === 'error') {
        // Destroying is never given up on, but a persistent error is shown.
        if (result.exhausted) {
          status.lastError = {
            reason: 'DestroyRetrying',
            message: `${resource.name}: ${result.message}`,
            resource: resource.name,
          };
        }
        remaining++;
        continue;
      }
      const value = result.value;
      current.message = value.message;
      if (value.status === 'Destroyed') {
        current.phase = 'Destroyed';
        current.outputs = {};
        events.push(
          this.event(
            'Normal',
            'ResourceDestroyed',
            `${resource.name} destroyed`,
            resource.name,
          ),
        );
      } else if (value.status === 'Failed') {
        // A failed delete is retried: the owner asked for it to be gone.
        if (current.phase !== 'Failed') {
          events.push(
            this.event(
              'Warning',
              value.reason ?? 'DestroyFailed',
              `${resource.name}: ${
                value.message ?? 'destroy failed'
              }; retrying`,
              resource.name,
            ),
          );
        }
        current.phase = 'Failed';
        status.lastError = {
          reason: value.reason ?? 'DestroyFailed',
          message: value.message ?? `Destroying ${resource.name} failed`,
          resource: resource.name,
        };
        remaining++;
      } else {
        current.phase = 'Destroying';
        remaining++;
      }
    }
    return remaining;
  }

  private fail(
    _environment: Environment,
    status: EnvironmentStatus,
    events: EnvironmentEvent[],
    error: EnvironmentError,
  ): ReconcileOutcome {
    status.lastError = error;
    status.observedGeneration = _environment.spec.generation;
    setCondition(
      status,
      'Ready',
      'False',
      error.reason,
      error.message,
      this.clock(),
    );
    if (status.phase !== 'Failed') {
      this.transition(
        status,
        'Failed',
        events,
        error.message,
        'Warning',
        error.reason,
      );
    }
    // With the rollback policy the next pass starts removing what was made.
    const rollback =
      (_environment.spec.templateSnapshot.failurePolicy ?? 'rollback') ===
      'rollback';
    return {
      status,
      events,
      nextInMs: rollback ? this.timings.progressIntervalMs : undefined,
    };
  }

  private async callDriver(
    environment: Environment,
    status: EnvironmentStatus,
    resource: EnvironmentTemplateResource,
    verb: Verb,
  ): Promise<
    | {
        kind: 'ok';
        value: Awaited<ReturnType<CompleteEnvironmentDriver[Verb]>> & {
          outputs?: Record<string, string>;
          reason?: string;
        };
      }
    | { kind: 'error'; message: string; exhausted: boolean }
  > {
    const driver = this.options.drivers.get(resource.driver);
    const current = this.resourceStatus(status, resource);
    if (!driver) {
      return {
        kind: 'error',
        message: `No driver '${resource.driver}' is registered`,
        exhausted: true,
      };
    }
    const ctx = createDriverContext({
      environment: this.driverEnvironment(environment),
      resource: resource.name,
      logger: this.options.logger,
    });
    try {
      const parameters =
        verb === 'destroy'
          ? this.destroyParameters(environment, status, resource)
          : interpolate(
              resource.parameters ?? {},
              this.interpolationContext(environment, status),
            );
      const driverResource = {
        name: resource.name,
        driver: resource.driver,
        parameters,
      };
      const value = await driver[verb](driverResource, ctx);
      current.errorCount = 0;
      return { kind: 'ok', value: value as any };
    } catch (error) {
      current.errorCount = (current.errorCount ?? 0) + 1;
      const message = stringifyError(error);
      this.options.logger.warn(
        `${verb} of ${resource.name} in environment ${environment.id} failed (attempt ${current.errorCount}), will retry: ${message}`,
      );
      current.message = `Retrying after: ${
        (error as Error).message ?? message
      }`;
      return {
        kind: 'error',
        message: (error as Error).message ?? message,
        exhausted: current.errorCount >= this.timings.maxConsecutiveErrors,
      };
    }
  }

  /** Progress interval, or exponential backoff while a driver keeps erroring. */
  private retryDelay(status: EnvironmentStatus): number {
    const errors = Math.max(
      0,
      ...status.resources.map(
        r => (r as { errorCount?: number }).errorCount ?? 0,
      ),
    );
    if (errors === 0) return this.timings.progressIntervalMs;
    return Math.min(
      this.timings.retryBaseMs * 2 ** (errors - 1),
      this.timings.retryMaxMs,
    );
  }

  private driverEnvironment(environment: Environment): DriverEnvironment {
    const { spec } = environment;
    return {
      id: environment.id,
      name: spec.name,
      owner: spec.owner,
      ...(spec.component ? { component: spec.component } : {}),
      generation: spec.generation,
      templateRef: spec.templateRef,
      templateVersion: spec.templateVersion,
    };
  }

  /**
   * Parameters for destroy: interpolated like for apply, but from every
   * output still on record (upstream resources are destroyed after their
   * dependents, so theirs are there), and leaving out a parameter whose
   * value can no longer be known rather than failing the destroy.
   */
  private destroyParameters(
    environment: Environment,
    status: EnvironmentStatus,
    resource: EnvironmentTemplateResource,
  ): Record<string, unknown> {
    const context = this.interpolationContext(environment, status, {
      allOutputs: true,
    });
    const parameters: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource.parameters ?? {})) {
      try {
        parameters[key] = interpolate(value, context);
      } catch {
        // e.g. an upstream output of a resource that never became Ready
      }
    }
    return parameters;
  }

  private interpolationContext(
    environment: Environment,
    status: EnvironmentStatus,
    options: { allOutputs?: boolean } = {},
  ): InterpolationContext {
    return {
      inputs: environment.spec.inputs,
      environment: {
        id: environment.id,
        name: environment.spec.name,
        owner: environment.spec.owner,
        ...(environment.spec.component
          ? { component: environment.spec.component }
          : {}),
      },
      resources: Object.fromEntries(
        status.resources
          .filter(r => options.allOutputs || r.phase === 'Ready')
          .map(r => [r.name, { outputs: r.outputs }]),
      ),
    };
  }

  private findResource(status: EnvironmentStatus, name: string) {
    return status.resources.find(r => r.name === name);
  }

  private resourceStatus(
    status: EnvironmentStatus,
    resource: EnvironmentTemplateResource,
  ): EnvironmentResourceStatus & { errorCount?: number } {
    let current = this.findResource(status, resource.name);
    if (!current) {
      current = {
        name: resource.name,
        driver: resource.driver,
        phase: 'Pending',
        outputs: {},
        updatedAt: this.clock().toISOString(),
      };
      status.resources.push(current);
    }
    return current;
  }

  private transition(
    status: EnvironmentStatus,
    to: EnvironmentPhase,
    events: EnvironmentEvent[],
    message: string,
    type: EnvironmentEvent['type'] = 'Normal',
    reason: string = to,
  ) {
    status.phase = to;
    events.push(this.event(type, reason, message));
  }

  private event(
    type: EnvironmentEvent['type'],
    reason: string,
    message: string,
    resource?: string,
  ): EnvironmentEvent {
    return {
      at: this.clock().toISOString(),
      type,
      reason,
      message,
      ...(resource ? { resource } : {}),
    };
  }
}

function cloneStatus(status: EnvironmentStatus): EnvironmentStatus {
  return JSON.parse(JSON.stringify(status));
}

function stringifyValues(
  values: Record<string, unknown>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
}

function setCondition(
  status: EnvironmentStatus,
  type: string,
  value: EnvironmentCondition['status'],
  reason: string,
  message: string,
  now: Date,
) {
  const existing = status.conditions.find(c => c.type === type);
  if (existing) {
    if (existing.status !== value)
      existing.lastTransitionTime = now.toISOString();
    existing.status = value;
    existing.reason = reason;
    existing.message = message;
  } else {
    status.conditions.push({
      type,
      status: value,
      reason,
      message,
      lastTransitionTime: now.toISOString(),
    });
  }
}
