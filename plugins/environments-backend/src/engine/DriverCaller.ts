import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  Environment,
  EnvironmentTemplateResource,
} from '@envkit/plugin-environments-common';
import {
  CompleteEnvironmentDriver,
  createDriverContext,
  DriverFailureKind,
  DriverResource,
  driverEnvironmentOf,
  secretParametersOf,
  isDriverFailure,
} from '@envkit/plugin-environments-node';

/** The driver methods the engine calls, and what each returns. */
export type Verb = 'apply' | 'observe' | 'destroy';
export type VerbResult<V extends Verb> = Awaited<
  ReturnType<CompleteEnvironmentDriver[V]>
>;

/** A driver call that did not succeed, as the engine acts on it. */
export interface CallFailure {
  kind: DriverFailureKind;
  reason: string;
  message: string;
  /** For retryable failures: tried so often in a row that it counts as failed. */
  exhausted: boolean;
}

export type CallOutcome<V extends Verb> =
  | { kind: 'ok'; value: VerbResult<V> }
  | { kind: 'failed'; failure: CallFailure }
  /** Not called: an earlier retryable failure asked to wait until `until`. */
  | { kind: 'waiting'; until: Date };

interface RetryState {
  /** Retryable failures in a row. */
  failures: number;
  /** Not to be called again before this. */
  retryAt: Date;
}

export interface DriverCallerOptions {
  drivers: ReadonlyMap<string, CompleteEnvironmentDriver>;
  logger: LoggerService;
  clock: () => Date;
  retryBaseMs: number;
  retryMaxMs: number;
  maxConsecutiveErrors: number;
}

/**
 * Calls drivers for the engine and reads the failure protocol: a
 * `DriverFailure` says whether to retry (and not before when), to give up,
 * or to wait for a person; any other thrown error counts as retryable.
 *
 * @remarks
 * The retry bookkeeping lives in this replica's memory, not in the public
 * status: a replica that takes over an environment starts counting afresh,
 * while the earliest retry time also reaches the store through the
 * environment's next reconcile time.
 */
export class DriverCaller {
  private readonly retries = new Map<string, RetryState>();

  constructor(private readonly options: DriverCallerOptions) {}

  async call<V extends Verb>(
    environment: Environment,
    resource: EnvironmentTemplateResource,
    verb: V,
    parameters: () => Record<string, unknown>,
  ): Promise<CallOutcome<V>> {
    const key = `${environment.id}/${resource.name}`;
    const now = this.options.clock();
    const waiting = this.retries.get(key);
    if (waiting && waiting.retryAt.getTime() > now.getTime()) {
      return { kind: 'waiting', until: waiting.retryAt };
    }
    const driver = this.options.drivers.get(resource.driver);
    if (!driver) {
      return {
        kind: 'failed',
        failure: {
          // As if it had failed too often: a missing driver will not appear.
          kind: 'retryable',
          reason: 'DriverUnavailable',
          message: `No driver '${resource.driver}' is registered`,
          exhausted: true,
        },
      };
    }
    try {
      const secretParameters = secretParametersOf(
        environment.spec.templateSnapshot,
        resource,
      );
      const driverResource: DriverResource = {
        name: resource.name,
        driver: resource.driver,
        parameters: parameters(),
        ...(secretParameters ? { secretParameters } : {}),
      };
      const ctx = createDriverContext({
        environment: driverEnvironmentOf(environment),
        resource: resource.name,
        logger: this.options.logger,
      });
      const value = (await driver[verb](driverResource, ctx)) as VerbResult<V>;
      this.retries.delete(key);
      return { kind: 'ok', value };
    } catch (error) {
      return {
        kind: 'failed',
        failure: this.failed(key, environment, resource, verb, error),
      };
    }
  }

  /** The latest time any resource of `environment` waits for, if any. */
  retryAt(environment: Environment): Date | undefined {
    let latest: Date | undefined;
    for (const resource of everyResource(environment)) {
      const state = this.retries.get(`${environment.id}/${resource.name}`);
      if (state && (!latest || state.retryAt > latest)) latest = state.retryAt;
    }
    return latest;
  }

  /** Forgets an environment's retry state once it needs no more calls. */
  forget(environment: Environment) {
    for (const resource of everyResource(environment)) {
      this.retries.delete(`${environment.id}/${resource.name}`);
    }
  }

  private failed(
    key: string,
    environment: Environment,
    resource: EnvironmentTemplateResource,
    verb: Verb,
    error: unknown,
  ): CallFailure {
    const failure = isDriverFailure(error) ? error : undefined;
    const message = failure?.message ?? stringifyError(error);
    if (failure && failure.kind !== 'retryable') {
      this.retries.delete(key);
      return {
        kind: failure.kind,
        reason: failure.reason,
        message,
        exhausted: false,
      };
    }
    const { clock, retryBaseMs, retryMaxMs, maxConsecutiveErrors } =
      this.options;
    const failures = (this.retries.get(key)?.failures ?? 0) + 1;
    const backoff = Math.min(retryBaseMs * 2 ** (failures - 1), retryMaxMs);
    const earliest = clock().getTime() + backoff;
    const asked = failure?.retryAt?.getTime() ?? 0;
    this.retries.set(key, {
      failures,
      retryAt: new Date(Math.max(earliest, asked)),
    });
    this.options.logger.warn(
      `${verb} of ${resource.name} in environment ${environment.id} failed (attempt ${failures}), will retry: ${message}`,
    );
    return {
      kind: 'retryable',
      reason: failure?.reason ?? 'DriverUnavailable',
      message,
      exhausted: failures >= maxConsecutiveErrors,
    };
  }
}

/** The template's resources and those upgrades retired but may not have removed. */
function everyResource(environment: Environment) {
  const { spec } = environment;
  return [...spec.templateSnapshot.resources, ...(spec.retiredResources ?? [])];
}
