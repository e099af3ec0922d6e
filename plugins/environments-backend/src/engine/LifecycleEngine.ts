import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  Environment,
  EnvironmentError,
  EnvironmentEvent,
  EnvironmentStatus,
  nextSleepChange,
  shouldSleep,
} from '@envkit/plugin-environments-common';
import {
  CompleteEnvironmentDriver,
  ENVIRONMENT_CHANGED_TOPIC,
  EnvironmentChangedEvent,
} from '@envkit/plugin-environments-node';
import type { EventsService } from '@backstage/plugin-events-node';
import { EnvironmentStore } from '../database/EnvironmentStore';
import { DriverCaller } from './DriverCaller';
import { templateOutputs } from './interpolationContext';
import { ReconcileRecord } from './ReconcileRecord';
import {
  applyPass,
  destroyPass,
  PassResult,
  retirePass,
} from './resourcePasses';
import { hasExpired } from '../lifetime';
import { EnvironmentNotices } from './EnvironmentNotices';

/** Timings of the engine; the defaults suit a production backend. */
export interface LifecycleEngineTimings {
  /** How long a replica owns an environment it is reconciling. */
  leaseDurationMs: number;
  /** How soon to look again while something is in progress. */
  progressIntervalMs: number;
  /**
   * How often a settled (Ready) environment is observed for drift, and how
   * often a problem that needs a person is looked at again.
   */
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
  private readonly caller: DriverCaller;

  constructor(
    private readonly options: {
      store: EnvironmentStore;
      drivers: ReadonlyMap<string, CompleteEnvironmentDriver>;
      logger: LoggerService;
      /** Identifies this replica in leases. */
      replicaId: string;
      timings?: Partial<LifecycleEngineTimings>;
      clock?: () => Date;
      /**
       * Told when an environment's phase or endpoint changes, so the catalog
       * entity can follow at once rather than on its next scheduled read.
       */
      events?: EventsService;
      /** Notices to owners and approvers; none are sent without it. */
      notices?: EnvironmentNotices;
    },
  ) {
    this.timings = { ...defaultEngineTimings, ...options.timings };
    this.clock = options.clock ?? (() => new Date());
    this.caller = new DriverCaller({
      drivers: options.drivers,
      logger: options.logger,
      clock: this.clock,
      retryBaseMs: this.timings.retryBaseMs,
      retryMaxMs: this.timings.retryMaxMs,
      maxConsecutiveErrors: this.timings.maxConsecutiveErrors,
    });
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
      leased.map(({ environment, secretInputs }) =>
        this.reconcileLeased(environment, secretInputs),
      ),
    );
    return leased.length;
  }

  private async reconcileLeased(
    environment: Environment,
    secretInputs: Environment['spec']['inputs'],
  ): Promise<void> {
    const { store, replicaId, logger } = this.options;
    let nextInMs: number | undefined = this.timings.progressIntervalMs;
    try {
      const outcome = await this.reconcile(environment, secretInputs);
      nextInMs = outcome.nextInMs;
      const written = await store.updateStatus(environment.id, outcome.status, {
        leaseOwner: replicaId,
      });
      if (written) {
        await store.appendEvents(environment.id, outcome.events);
        await this.announce(environment, outcome.status);
        await this.notify(environment, outcome);
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
        generation: environment.spec.generation,
        nextReconcileAt:
          nextInMs === undefined
            ? undefined
            : new Date(this.clock().getTime() + nextInMs),
      });
    }
  }

  /** Notices never stop the engine: a failure to send is only logged. */
  private async notify(environment: Environment, outcome: ReconcileOutcome) {
    try {
      await this.options.notices?.afterReconcile(
        environment,
        outcome.status,
        outcome.events,
      );
    } catch (error) {
      this.options.logger.warn(
        `Notices of environment ${environment.id} failed: ${stringifyError(
          error,
        )}`,
      );
    }
  }

  /**
   * Sends the notices before expiry that are due (see
   * {@link EnvironmentNotices.sweepExpiring}); safe on every replica.
   */
  async sweepNotices(): Promise<number> {
    return (await this.options.notices?.sweepExpiring()) ?? 0;
  }

  /**
   * Publishes {@link ENVIRONMENT_CHANGED_TOPIC} when what the catalog shows
   * changed. Best effort: the catalog's scheduled read catches up anyway, so
   * a failed publish is logged and the reconcile carries on.
   */
  private async announce(before: Environment, after: EnvironmentStatus) {
    const { events, logger } = this.options;
    if (
      !events ||
      (before.status.phase === after.phase &&
        before.status.outputs?.endpoint === after.outputs?.endpoint)
    ) {
      return;
    }
    const payload: EnvironmentChangedEvent = {
      environmentId: before.id,
      phase: after.phase,
    };
    try {
      await events.publish({
        topic: ENVIRONMENT_CHANGED_TOPIC,
        eventPayload: payload,
      });
    } catch (error) {
      logger.warn(
        `Could not announce the change of environment ${
          before.id
        }: ${stringifyError(error)}`,
      );
    }
  }

  /**
   * Works out, from spec and status alone, what to do next and does it.
   * `secretInputs` join the inputs for the drivers' parameters only.
   */
  async reconcile(
    stored: Environment,
    secretInputs: Environment['spec']['inputs'] = {},
  ): Promise<ReconcileOutcome> {
    const environment: Environment = {
      ...stored,
      spec: {
        ...stored.spec,
        inputs: { ...stored.spec.inputs, ...secretInputs },
      },
    };
    const { spec } = environment;
    const record = new ReconcileRecord(environment.status, this.clock);
    if (
      record.status.phase === 'Destroyed' ||
      record.status.phase === 'Rejected'
    ) {
      return this.outcome(record, undefined);
    }
    if (
      record.status.phase === 'AwaitingApproval' &&
      environment.spec.approval?.decision?.outcome !== 'Approved'
    ) {
      return this.awaitApproval(environment, record);
    }
    const expired = hasExpired(spec, this.clock());
    // Once destroying has begun it is finished, whatever started it: a spec
    // change that slipped in afterwards must not bring back an environment
    // whose resources are already going.
    if (
      spec.deletionRequestedAt ||
      expired ||
      record.status.phase === 'Destroying'
    ) {
      if (expired && record.status.phase !== 'Destroying') {
        record.event(
          'Normal',
          'Expired',
          `Expired at ${spec.expiresAt}; destroying`,
        );
      }
      return this.destroyAll(environment, record);
    }
    return this.applyAll(environment, record);
  }

  /**
   * A request waiting for approval: no driver is called. It ends Rejected
   * when an approver rejected it or nobody decided in time, Destroyed when
   * its requester withdrew it (nothing was made, so nothing is removed);
   * otherwise it is looked at again when the request would expire (a
   * decision schedules it at once).
   */
  private awaitApproval(
    environment: Environment,
    record: ReconcileRecord,
  ): ReconcileOutcome {
    const { spec } = environment;
    const { status } = record;
    const approval = spec.approval;
    status.observedGeneration = spec.generation;
    if (spec.deletionRequestedAt) {
      record.transition(
        'Destroyed',
        'Withdrawn before approval; nothing had been made',
      );
      record.condition(
        'Ready',
        'False',
        'Withdrawn',
        'The request was withdrawn before approval',
      );
      return this.outcome(record, undefined);
    }
    const decision = approval?.decision;
    const now = this.clock().getTime();
    if (decision?.outcome === 'Rejected') {
      return this.reject(record, {
        reason: 'Rejected',
        message: `Rejected by ${decision.by}: ${decision.reason ?? ''}`.trim(),
      });
    }
    if (!approval || Date.parse(approval.expiresAt) <= now) {
      return this.reject(record, {
        reason: 'ApprovalExpired',
        message: `Rejected by expiry: nobody in ${
          approval?.approvers ?? 'the approver group'
        } decided before ${approval?.expiresAt ?? 'the deadline'}`,
      });
    }
    return this.outcome(
      record,
      Math.max(1_000, Date.parse(approval.expiresAt) - now),
    );
  }

  private reject(
    record: ReconcileRecord,
    error: EnvironmentError,
  ): ReconcileOutcome {
    record.status.lastError = error;
    record.condition('Approved', 'False', error.reason, error.message);
    record.condition('Ready', 'False', error.reason, error.message);
    record.transition('Rejected', error.message, 'Warning', error.reason);
    return this.outcome(record, undefined);
  }

  private async applyAll(
    environment: Environment,
    record: ReconcileRecord,
  ): Promise<ReconcileOutcome> {
    const { spec } = environment;
    const { status } = record;
    const generationChanged = status.observedGeneration < spec.generation;

    if (status.phase === 'Failed' && !generationChanged) {
      // A failed environment stays failed until its spec changes; with the
      // rollback policy, what was made is removed meanwhile.
      if (this.rollsBack(environment)) {
        return this.rollBack(environment, record);
      }
      return this.outcome(record, undefined);
    }
    if (
      status.phase === 'Degraded' &&
      !generationChanged &&
      !this.failedCheckOnly(environment, record)
    ) {
      // A failed change waits for a retry or a new change; what ran before
      // keeps running and nothing is removed.
      return this.outcome(record, undefined);
    }
    this.followSchedule(environment, record);
    this.startApplying(environment, record, generationChanged);

    const settled =
      (status.phase === 'Ready' ||
        status.phase === 'Degraded' ||
        status.phase === 'Sleeping') &&
      !generationChanged;
    // Drivers see the sleep state being applied (status.sleep).
    const pass = await applyPass(
      this.caller,
      { ...environment, status },
      record,
      settled,
    );
    if (pass.failed) return this.fail(environment, record, pass.failed);
    const resources = spec.templateSnapshot.resources;
    if (
      pass.unfinished ||
      resources.some(r => record.find(r.name)?.phase !== 'Ready')
    ) {
      return this.outcome(record, this.nextDelay(environment, pass));
    }
    // Resources an upgrade dropped go once their replacements are Ready.
    const retiring = await retirePass(this.caller, environment, record);
    if (retiring.unfinished) {
      return this.outcome(record, this.nextDelay(environment, retiring));
    }
    return this.publishReady(environment, record);
  }

  /**
   * Puts an environment to sleep outside its schedule's awake windows (and
   * not held awake by Wake now) and wakes it inside them: on a change of
   * state every resource is applied again in the new state, which the
   * drivers read from `status.sleep` (services at zero, or back to what
   * the parameters ask for). Only the state recorded in the status counts,
   * so a restart or another replica carries on where this one stopped and
   * a repeated sweep changes nothing.
   */
  private followSchedule(environment: Environment, record: ReconcileRecord) {
    const { spec } = environment;
    const { status } = record;
    if (!spec.schedule && !status.sleep) return;
    const now = this.clock();
    const asleep = shouldSleep(spec, now);
    const next = nextSleepChange(spec, now)?.toISOString();
    if ((status.sleep?.asleep ?? false) === asleep) {
      if (status.sleep) {
        status.sleep = {
          ...status.sleep,
          ...(next ? { nextChangeAt: next } : {}),
        };
        if (!next) delete status.sleep.nextChangeAt;
      }
      return;
    }
    status.sleep = {
      asleep,
      since: now.toISOString(),
      ...(next ? { nextChangeAt: next } : {}),
    };
    for (const r of status.resources) {
      if (spec.templateSnapshot.resources.some(t => t.name === r.name)) {
        r.phase = 'Pending';
      }
    }
    const until = next ? ` until ${next}` : '';
    const heldAwake =
      !asleep && spec.awakeUntil && Date.parse(spec.awakeUntil) > now.getTime();
    const message = asleep
      ? `Outside the schedule's awake windows: scaling to zero${until}`
      : `${
          heldAwake ? 'Woken on request' : "Inside the schedule's awake windows"
        }: scaling back up${until}`;
    let reason = 'InSchedule';
    if (asleep) reason = 'OutsideSchedule';
    else if (heldAwake) reason = 'WokenOnRequest';
    record.condition('Asleep', asleep ? 'True' : 'False', reason, message);
    record.event('Normal', asleep ? 'FallingAsleep' : 'Waking', message);
  }

  /**
   * Whether a Degraded environment's generation did become Ready and only a
   * later check failed: then it is checked again (and Ready once it
   * recovers), rather than waiting for a change like a failed update.
   */
  private failedCheckOnly(
    environment: Environment,
    record: ReconcileRecord,
  ): boolean {
    return record.status.lastReadyGeneration === environment.spec.generation;
  }

  /**
   * Starts applying a new generation: Provisioning or Updating, or for a
   * redeploy of a Ready environment (nothing else changed) a rollout while
   * it stays Ready. Every resource is applied again against the new spec.
   */
  private startApplying(
    environment: Environment,
    record: ReconcileRecord,
    generationChanged: boolean,
  ) {
    const { spec } = environment;
    const { status } = record;
    if (status.phase === 'Pending' || status.phase === 'AwaitingApproval') {
      if (status.phase === 'AwaitingApproval') {
        const decision = spec.approval?.decision;
        record.condition(
          'Approved',
          'True',
          'Approved',
          `Approved by ${decision?.by ?? 'an approver'}`,
        );
      }
      record.transition('Provisioning', 'Provisioning started');
      status.applyingGeneration = spec.generation;
      return;
    }
    if (!generationChanged || status.applyingGeneration === spec.generation) {
      return;
    }
    status.applyingGeneration = spec.generation;
    for (const r of status.resources) {
      if (spec.templateSnapshot.resources.some(t => t.name === r.name)) {
        r.phase = 'Pending';
      }
    }
    if (status.phase === 'Provisioning') {
      // Still being made: the new generation is applied as part of it.
      record.event(
        'Normal',
        'Provisioning',
        `Applying generation ${spec.generation}`,
      );
      return;
    }
    const redeployOnly =
      spec.redeployGeneration === spec.generation &&
      status.observedGeneration === spec.generation - 1;
    if (status.phase === 'Ready' && redeployOnly) {
      record.condition(
        'Progressing',
        'True',
        'Redeploying',
        `Rolling out generation ${spec.generation} while the current one keeps serving`,
      );
      record.event(
        'Normal',
        'RolloutStarted',
        `Redeploy requested at ${spec.redeployRequestedAt}: rolling out every resource again`,
      );
      return;
    }
    record.transition(
      status.phase === 'Failed' ? 'Provisioning' : 'Updating',
      `Applying generation ${spec.generation}`,
    );
  }

  /** Everything is Ready: publishes the template's outputs. */
  private publishReady(
    environment: Environment,
    record: ReconcileRecord,
  ): ReconcileOutcome {
    const { status } = record;
    try {
      status.outputs = templateOutputs(environment, status);
    } catch (error) {
      return this.fail(environment, record, {
        reason: 'OutputUnavailable',
        message: (error as Error).message,
      });
    }
    const asleep = status.sleep?.asleep ?? false;
    if (asleep && status.phase !== 'Sleeping') {
      record.transition(
        'Sleeping',
        `Asleep, services scaled to zero${
          status.sleep?.nextChangeAt
            ? `; wakes at ${status.sleep.nextChangeAt}`
            : ''
        }`,
      );
    } else if (!asleep && status.phase !== 'Ready') {
      record.transition(
        'Ready',
        status.outputs.endpoint
          ? `Ready at ${status.outputs.endpoint}`
          : 'Every resource is ready',
      );
    }
    const rolledOut = status.conditions.some(
      c => c.type === 'Progressing' && c.status === 'True',
    );
    if (rolledOut) {
      record.condition(
        'Progressing',
        'False',
        'RolledOut',
        `Generation ${environment.spec.generation} rolled out`,
      );
      record.event(
        'Normal',
        'RolledOut',
        `Redeploy rolled out: ${environment.spec.templateSnapshot.resources
          .map(r => r.name)
          .join(', ')}`,
      );
    }
    status.observedGeneration = environment.spec.generation;
    status.lastReadyGeneration = environment.spec.generation;
    delete status.applyingGeneration;
    delete status.lastError;
    record.condition(
      'Ready',
      'True',
      'AllResourcesReady',
      'Every resource is ready',
    );
    // Looked at again in time for the schedule's next change.
    const nextChange = status.sleep?.nextChangeAt;
    return this.outcome(
      record,
      nextChange
        ? Math.max(
            0,
            Math.min(
              this.timings.observeIntervalMs,
              Date.parse(nextChange) - this.clock().getTime(),
            ),
          )
        : this.timings.observeIntervalMs,
    );
  }

  private rollsBack(environment: Environment): boolean {
    return (
      (environment.spec.templateSnapshot.failurePolicy ?? 'rollback') ===
      'rollback'
    );
  }

  private async rollBack(
    environment: Environment,
    record: ReconcileRecord,
  ): Promise<ReconcileOutcome> {
    const pass = await destroyPass(this.caller, environment, record);
    if (pass.unfinished) {
      return this.outcome(record, this.timings.progressIntervalMs);
    }
    const rolledBack = record.status.conditions.some(
      c => c.type === 'RolledBack' && c.status === 'True',
    );
    if (!rolledBack) {
      record.condition(
        'RolledBack',
        'True',
        'FailurePolicyRollback',
        'Resources made before the failure were removed',
      );
      record.event(
        'Normal',
        'RolledBack',
        'Removed what was made before the failure (template policy: rollback)',
      );
    }
    return this.outcome(record, undefined);
  }

  private async destroyAll(
    environment: Environment,
    record: ReconcileRecord,
  ): Promise<ReconcileOutcome> {
    const { status } = record;
    if (status.phase !== 'Destroying') {
      record.transition(
        'Destroying',
        'Removing every resource, in the reverse order of creation',
      );
    }
    const pass = await destroyPass(this.caller, environment, record);
    if (pass.unfinished) {
      // A delete waiting on a person is still checked at the usual pace, so
      // it ends as soon as they have acted.
      return this.outcome(
        record,
        this.nextDelay(environment, { ...pass, attention: false }),
      );
    }
    record.transition('Destroyed', 'Every resource is gone');
    status.observedGeneration = environment.spec.generation;
    status.outputs = {};
    record.condition(
      'Ready',
      'False',
      'Destroyed',
      'The environment was destroyed',
    );
    this.caller.forget(environment);
    return this.outcome(record, undefined);
  }

  /**
   * Records a failure. Only a first creation fails (and is rolled back by
   * policy); an environment that has been Ready is Degraded instead: what
   * worked keeps running, its outputs stay, and nothing is destroyed.
   */
  private fail(
    environment: Environment,
    record: ReconcileRecord,
    error: EnvironmentError,
  ): ReconcileOutcome {
    const { status } = record;
    const { spec } = environment;
    const wasReady =
      status.lastReadyGeneration !== undefined ||
      status.phase === 'Ready' ||
      status.phase === 'Updating' ||
      status.phase === 'Degraded';
    if (wasReady && status.lastReadyGeneration === undefined) {
      // Recorded before lastReadyGeneration existed.
      status.lastReadyGeneration = status.observedGeneration;
    }
    status.lastError = error;
    status.observedGeneration = spec.generation;
    delete status.applyingGeneration;
    record.condition('Ready', 'False', error.reason, error.message);
    if (wasReady) {
      record.condition(
        'Progressing',
        'False',
        error.reason,
        `Generation ${spec.generation} did not apply: ${error.message}`,
      );
      if (status.phase !== 'Degraded') {
        record.transition(
          'Degraded',
          `${error.message}; still running generation ${status.lastReadyGeneration}`,
          'Warning',
          error.reason,
        );
      }
      // A failed check is looked at again; a failed change waits for Retry.
      return this.outcome(
        record,
        this.failedCheckOnly(environment, record)
          ? this.timings.observeIntervalMs
          : undefined,
      );
    }
    if (status.phase !== 'Failed') {
      record.transition('Failed', error.message, 'Warning', error.reason);
    }
    // With the rollback policy the next pass starts removing what was made.
    return this.outcome(
      record,
      this.rollsBack(environment) ? this.timings.progressIntervalMs : undefined,
    );
  }

  /**
   * The progress interval; while a driver asks to wait, until the latest
   * time it named (so no call comes earlier); slower while only a person
   * can help.
   */
  private nextDelay(environment: Environment, pass: PassResult): number {
    const retryAt = this.caller.retryAt(environment);
    const waitMs = retryAt
      ? Math.max(0, retryAt.getTime() - this.clock().getTime())
      : this.timings.progressIntervalMs;
    return pass.attention
      ? Math.max(waitMs, this.timings.observeIntervalMs)
      : waitMs;
  }

  private outcome(
    record: ReconcileRecord,
    nextInMs: number | undefined,
  ): ReconcileOutcome {
    return { status: record.status, events: record.events, nextInMs };
  }
}
