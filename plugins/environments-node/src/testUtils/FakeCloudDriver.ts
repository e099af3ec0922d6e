import {
  CompleteEnvironmentDriver,
  DriverApplyResult,
  DriverContext,
  DriverDestroyResult,
  DriverObserveResult,
  DriverResource,
} from '@envkit/plugin-environments-node';
import { DriverFailure } from '@envkit/plugin-environments-node';

/** One resource as the fake cloud holds it. @public */
export interface FakeResource {
  key: string;
  parameters: Record<string, unknown>;
  applyCallsLeft: number;
  destroying: boolean;
  destroyCallsLeft: number;
  drifted: boolean;
  /** The redeploy request its running version was rolled out for. */
  rolledOutFor?: string;
  /** Scaled to zero, as a driver does while the environment sleeps. */
  asleep: boolean;
}

/**
 * An in-memory cloud with a driver in front of it, for engine and API
 * tests. Like a real driver it is idempotent by a deterministic key
 * (environment + resource): calling apply again never makes a second copy.
 * `creates` counts real side effects. Its behaviour is set through the
 * public fields, per resource name.
 *
 * @public
 */
export class FakeCloudDriver implements CompleteEnvironmentDriver {
  readonly id: string;
  readonly resources = new Map<string, FakeResource>();
  creates = 0;
  deletes = 0;
  calls: Array<{ verb: string; key: string; at: number }> = [];
  /** The parameters each destroy call was given, by key. */
  destroyParameters = new Map<string, Record<string, unknown>>();
  /** The resource each latest apply call was given, by key. */
  applied = new Map<string, DriverResource>();
  /** New rollouts started for redeploy requests, like a new ECS deployment. */
  rollouts = 0;
  /** Scalings to zero and back, as sleep and wake make them. */
  scalings = 0;
  /** The idempotency token of each apply call that changed something. */
  changeTokens: string[] = [];
  /** Resource names whose apply fails permanently, with this message. */
  failing = new Map<string, string>();
  /** How many more calls of each resource name throw a plain error. */
  throwing = new Map<string, number>();
  /** Failures every call of a resource name throws until removed. */
  failures = new Map<string, DriverFailure>();
  /** Apply calls a resource needs before it is Ready. */
  stepsToReady = 2;
  /** Calls in flight per environment and per resource, to catch double work. */
  inFlight = new Map<string, number>();
  maxInFlightPerEnvironment = 0;
  maxInFlightPerResource = 0;
  /** Simulated duration of each call, in ms. */
  callDelayMs = 0;

  constructor(options: { id?: string } = {}) {
    this.id = options.id ?? 'fake';
  }

  private key(resource: DriverResource, ctx: DriverContext) {
    return `${ctx.environment.id}/${resource.name}`;
  }

  private async enter(
    resource: DriverResource,
    ctx: DriverContext,
    verb: string,
  ) {
    const env = ctx.environment.id;
    const key = this.key(resource, ctx);
    const n = (this.inFlight.get(env) ?? 0) + 1;
    const m = (this.inFlight.get(key) ?? 0) + 1;
    this.inFlight.set(env, n);
    this.inFlight.set(key, m);
    this.maxInFlightPerEnvironment = Math.max(
      this.maxInFlightPerEnvironment,
      n,
    );
    this.maxInFlightPerResource = Math.max(this.maxInFlightPerResource, m);
    this.calls.push({ verb, key: this.key(resource, ctx), at: Date.now() });
    if (this.callDelayMs) {
      await new Promise(r => setTimeout(r, this.callDelayMs));
    }
    const throwsLeft = this.throwing.get(resource.name) ?? 0;
    if (throwsLeft > 0) {
      this.throwing.set(resource.name, throwsLeft - 1);
      this.leave(resource, ctx);
      throw new Error(`Rate exceeded (${resource.name})`);
    }
    const failure = this.failures.get(resource.name);
    if (failure) {
      this.leave(resource, ctx);
      throw failure;
    }
  }

  /**
   * Runs one verb's `body` on the resource's key as a call in flight from
   * enter to leave.
   */
  private async tracked<T>(
    verb: string,
    resource: DriverResource,
    ctx: DriverContext,
    body: (key: string) => T,
  ): Promise<T> {
    await this.enter(resource, ctx, verb);
    try {
      return body(this.key(resource, ctx));
    } finally {
      this.leave(resource, ctx);
    }
  }

  private leave(resource: DriverResource, ctx: DriverContext) {
    for (const key of [ctx.environment.id, this.key(resource, ctx)]) {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    }
  }

  async apply(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverApplyResult> {
    return this.tracked<DriverApplyResult>('apply', resource, ctx, key => {
      this.applied.set(key, resource);
      const failure = this.failing.get(resource.name);
      let existing = this.resources.get(key);
      if (!existing) {
        this.creates++;
        existing = {
          key,
          parameters: resource.parameters,
          applyCallsLeft: this.stepsToReady,
          destroying: false,
          destroyCallsLeft: 2,
          drifted: false,
          rolledOutFor: ctx.environment.redeployRequestedAt,
          asleep: !!ctx.environment.asleep,
        };
        this.resources.set(key, existing);
      } else {
        const redeploy = ctx.environment.redeployRequestedAt;
        if (redeploy && existing.rolledOutFor !== redeploy) {
          // A redeploy: a new rollout of what runs, as a real cloud would.
          this.rollouts++;
          existing.rolledOutFor = redeploy;
          existing.applyCallsLeft = this.stepsToReady;
        }
        if (existing.asleep !== !!ctx.environment.asleep) {
          this.scalings++;
          this.changeTokens.push(ctx.token('apply'));
          existing.asleep = !!ctx.environment.asleep;
          existing.applyCallsLeft = this.stepsToReady;
        }
        if (
          JSON.stringify(existing.parameters) !==
          JSON.stringify(resource.parameters)
        ) {
          existing.parameters = resource.parameters;
          existing.applyCallsLeft = this.stepsToReady;
        }
      }
      if (failure) {
        throw DriverFailure.permanent({
          reason: 'FakeFailure',
          message: failure,
          resource: `fake ${key}`,
        });
      }
      existing.drifted = false;
      existing.applyCallsLeft = Math.max(0, existing.applyCallsLeft - 1);
      if (existing.applyCallsLeft > 0) {
        return { status: 'InProgress', message: 'creating' };
      }
      return {
        status: 'Ready',
        outputs: {
          id: key,
          url: `http://${resource.name}.example.test`,
          echo: JSON.stringify(resource.parameters),
        },
      };
    });
  }

  async observe(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverObserveResult> {
    return this.tracked<DriverObserveResult>('observe', resource, ctx, key => {
      const existing = this.resources.get(key);
      if (!existing) {
        return {
          status: 'InProgress',
          exists: false,
          reason: 'Missing',
          message: 'gone',
        };
      }
      if (existing.drifted) {
        return {
          status: 'InProgress',
          reason: 'Drift',
          message: 'quota was edited',
        };
      }
      return {
        status: 'Ready',
        exists: true,
        details: { observedBy: this.id },
      };
    });
  }

  async destroy(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverDestroyResult> {
    return this.tracked<DriverDestroyResult>('destroy', resource, ctx, key => {
      this.destroyParameters.set(key, resource.parameters);
      const existing = this.resources.get(key);
      if (!existing) return { status: 'Destroyed' };
      if (!existing.destroying) {
        existing.destroying = true;
        this.deletes++;
      }
      existing.destroyCallsLeft--;
      if (existing.destroyCallsLeft > 0) return { status: 'InProgress' };
      this.resources.delete(key);
      return { status: 'Destroyed' };
    });
  }
}
