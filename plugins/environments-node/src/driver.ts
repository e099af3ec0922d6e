import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  CostEstimate,
  EnvironmentKubeconfig,
} from '@envkit/plugin-environments-common';

/**
 * The environment a driver call acts for.
 *
 * @public
 */
export interface DriverEnvironment {
  id: string;
  name: string;
  /** Entity ref of the owner. */
  owner: string;
  /** Entity ref of the component the environment serves, if any. */
  component?: string;
  /** The spec generation the engine is acting on. */
  generation: number;
  /** EnvironmentTemplate entity ref and the pinned version. */
  templateRef: string;
  templateVersion: string;
  /**
   * When the owner last asked for a redeploy (ISO 8601), if ever. A driver
   * starts a new rollout of the resource's workloads whenever this changes
   * (a new ECS deployment, a restart stamp on a pod template), so a moving
   * image tag is pulled again; it must keep serving meanwhile.
   */
  redeployRequestedAt?: string;
  /**
   * Outside its schedule's awake windows: a driver scales the resource's
   * workloads to zero (ECS desired count, Deployment replicas) and back to
   * what the parameters ask for once this is false again. What is billed
   * regardless (load balancers, storage) stays.
   */
  asleep?: boolean;
  /**
   * When the current sleep or wake began (ISO 8601); the idempotency tokens
   * include it, so each sleep and each wake is an operation of its own.
   */
  sleepStateSince?: string;
}

/**
 * The resource of an environment a driver call is about, with its parameters
 * already interpolated (every `${{ … }}` replaced).
 *
 * @public
 */
export interface DriverResource {
  /** The resource name from the template, a DNS-1123 label. */
  name: string;
  /** The driver id, equal to the driver's own `id`. */
  driver: string;
  /** Resolved parameters. */
  parameters: Record<string, unknown>;
  /**
   * Dot-separated paths inside `parameters` (e.g. `DbPassword`,
   * `workload.secretEnv.DB_PASSWORD`) whose values hold a `secret: true`
   * input. A driver must never echo these values in messages, outputs,
   * details or plans, and must hand them to the cloud as secrets
   * (CloudFormation `NoEcho` parameters, Kubernetes Secrets). Absent when
   * there are none.
   */
  secretParameters?: string[];
}

/**
 * Everything a driver call may use besides the resource itself.
 *
 * @public
 */
export interface DriverContext {
  environment: DriverEnvironment;
  logger: LoggerService;
  /**
   * A token derived only from (environment id, generation, resource,
   * operation): the same call retried returns the same token, so it can be
   * passed as CloudFormation's `ClientRequestToken` or similar. At most 64
   * characters of `[a-zA-Z0-9-]`, starting with a letter.
   */
  token(operation: string): string;
  /** Aborted when the engine gives up on the call (shutdown, lease lost). */
  signal: AbortSignal;
}

/**
 * One problem {@link EnvironmentDriver.validate} found in a resource.
 *
 * @public
 */
export interface DriverValidationProblem {
  /** Path inside the resource parameters, e.g. `parameters.template`. */
  path: string;
  message: string;
}

/**
 * One change {@link EnvironmentDriver.plan} expects {@link EnvironmentDriver.apply}
 * to make.
 *
 * @public
 */
export interface DriverPlannedAction {
  action: 'create' | 'update' | 'delete' | 'none';
  /** What is acted on, e.g. `AWS::CloudFormation::Stack envkit-dev-net-1a2b3c4d`. */
  target: string;
  description?: string;
}

/** Result of {@link EnvironmentDriver.plan}. @public */
export interface DriverPlan {
  actions: DriverPlannedAction[];
}

/**
 * One priced line of {@link DriverEstimate}: a line of the contract's
 * `CostEstimate` without its `resource`, which the engine adds.
 *
 * @public
 */
export type DriverCostLine = Omit<CostEstimate['lines'][number], 'resource'>;

/**
 * Where a driver's prices come from: one of the contract's
 * `CostEstimate.priceLists`, passed through as given.
 *
 * @public
 */
export type DriverPriceList = CostEstimate['priceLists'][number];

/** Result of {@link EnvironmentDriver.estimate}: a monthly cost. @public */
export interface DriverEstimate {
  currency: 'USD';
  lines: DriverCostLine[];
  priceList: DriverPriceList;
}

/**
 * Result of {@link EnvironmentDriver.apply}: `InProgress` means call again
 * later. Results carry progress only; a driver reports failure by throwing a
 * {@link DriverFailure}.
 *
 * @public
 */
export interface DriverApplyResult {
  status: 'InProgress' | 'Ready';
  /** Values later resources and the template's outputs may read. */
  outputs?: Record<string, string>;
  message?: string;
  /** Machine-readable CamelCase code of the progress, e.g. `WorkloadNotReady`. */
  reason?: string;
}

/** Result of {@link EnvironmentDriver.observe}. @public */
export interface DriverObserveResult extends DriverApplyResult {
  /**
   * `false` when the resource does not exist (never created, or deleted
   * behind the engine's back).
   */
  exists?: boolean;
  /** Driver-specific observations shown to the owner, e.g. task counts. */
  details?: Record<string, unknown>;
}

/** Result of {@link EnvironmentDriver.destroy}. @public */
export interface DriverDestroyResult {
  status: 'InProgress' | 'Destroyed';
  message?: string;
  reason?: string;
}

/**
 * What {@link EnvironmentDriver.access} is asked for: a way into one
 * resource of a running environment.
 *
 * @public
 */
export interface DriverAccessRequest {
  environment: DriverEnvironment;
  /** The resource as last reconciled: its name and the outputs it reported. */
  resource: { name: string; driver: string; outputs: Record<string, string> };
  /**
   * Lifetime asked for, in seconds; the driver applies its default when
   * absent and lowers it to its configured maximum.
   */
  expirationSeconds?: number;
}

/**
 * Credentials into a resource, from {@link EnvironmentDriver.access}: what
 * `GET /environments/{id}/kubeconfig` answers, so the type is the contract's.
 * It holds a secret (the token inside `kubeconfig`): the caller hands it to
 * the person who asked and must never log, store or audit it.
 *
 * @public
 */
export type DriverAccessGrant = EnvironmentKubeconfig;

/**
 * A provisioning back end. The lifecycle engine drives each resource of an
 * environment through the driver registered under the resource's `driver` id:
 * validate, plan, apply (repeatedly until not `InProgress`), observe, and
 * finally destroy.
 *
 * @remarks
 * Every method must be idempotent and safe to call again at any moment,
 * including after a crash halfway through a previous call: the engine is
 * level-triggered and retries. Use deterministic physical names (see the
 * naming helpers of `@envkit/plugin-environments-common`), pass
 * `ctx.token(...)` wherever the cloud API takes an idempotency token, and
 * treat "not found" as done when destroying. Failures are thrown as
 * {@link DriverFailure} (retryable, permanent or needing attention); any
 * other thrown error counts as retryable.
 *
 * `apply`, `observe` and `destroy` are required of every real driver; they
 * are optional in the type only so that registration stubs (`{ id }`) in
 * tests keep compiling. The backend should refuse incomplete drivers with
 * {@link assertEnvironmentDriver}. `validate` and `plan` are optional: no
 * `validate` means nothing to check, no `plan` means the plan is unknown.
 *
 * @public
 */
export interface EnvironmentDriver {
  /** The id templates name in `resources[].driver`, e.g. `aws-cloudformation`. */
  readonly id: string;

  /**
   * Checks the resource's parameters without touching the cloud. Returns the
   * problems found (empty when valid).
   */
  validate?(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverValidationProblem[]>;

  /** Describes what `apply` would change, without changing anything. */
  plan?(resource: DriverResource, ctx: DriverContext): Promise<DriverPlan>;

  /**
   * What the resource would cost a month if applied with these parameters,
   * from the driver's price list; no cloud call. Parameters that come from
   * upstream outputs not known yet hold placeholders, so an estimate must
   * not depend on them.
   */
  estimate?(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverEstimate>;

  /**
   * Moves the resource toward its parameters: creates it, updates it, or
   * reports progress of an earlier call. Idempotent.
   */
  apply?(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverApplyResult>;

  /** Reports the resource's current state without changing it. */
  observe?(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverObserveResult>;

  /**
   * Deletes the resource, or reports progress of an earlier call. A resource
   * that does not exist is `Destroyed`. Idempotent.
   */
  destroy?(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverDestroyResult>;

  /**
   * Optional capability: short-lived credentials for people to use the
   * resource themselves (a kubeconfig for a namespace). Drivers without it
   * offer no access. Called only for resources whose environment is Ready;
   * throws `ConflictError` (from `@backstage/errors`) when the resource
   * cannot be reached now, and never logs the credentials it returns.
   */
  access?(
    request: DriverAccessRequest,
    ctx: Pick<DriverContext, 'logger' | 'signal'>,
  ): Promise<DriverAccessGrant>;
}

/**
 * An {@link EnvironmentDriver} with every required method present.
 *
 * @public
 */
export type CompleteEnvironmentDriver = EnvironmentDriver &
  Required<Pick<EnvironmentDriver, 'apply' | 'observe' | 'destroy'>>;

/**
 * Throws an `InputError` naming the driver and what is missing unless
 * `driver` has a DNS-label id and `apply`, `observe` and `destroy` methods.
 *
 * @public
 */
export function assertEnvironmentDriver(
  driver: EnvironmentDriver,
): asserts driver is CompleteEnvironmentDriver {
  const id = (driver as { id?: unknown })?.id;
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > 63 ||
    !/^[a-z][a-z0-9-]*$/.test(id) ||
    id.endsWith('-')
  ) {
    throw new InputError(
      `An environment driver id must be lowercase letters, digits and '-', like 'aws-cloudformation'; got ${JSON.stringify(
        id,
      )}`,
    );
  }
  const missing = (['apply', 'observe', 'destroy'] as const).filter(
    method => typeof driver[method] !== 'function',
  );
  if (missing.length) {
    throw new InputError(
      `Environment driver '${id}' does not implement ${missing.join(', ')}`,
    );
  }
}
