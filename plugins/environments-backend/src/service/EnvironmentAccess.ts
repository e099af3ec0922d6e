import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  DEFAULT_PAGE_SIZE,
  Environment,
  EnvironmentEvent,
  environmentReadPermission,
  ListEnvironmentsResponse,
} from '@envkit/plugin-environments-common';
import { CompleteEnvironmentDriver } from '@envkit/plugin-environments-node';
import {
  EnvironmentStore,
  ListEnvironmentsOptions,
} from '../database/EnvironmentStore';
import { EnvironmentFilter } from '../permissions/rules';
import { TemplateResolver } from './TemplateResolver';
import { Caller, callerOf } from './callers';
import { hasExpired } from '../lifetime';

/** What the environment operations are built from. */
export interface EnvironmentOperationsOptions {
  store: EnvironmentStore;
  templates: TemplateResolver;
  /** Read with the caller's credentials, e.g. to check a `component` ref. */
  catalog: CatalogService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  rules: PermissionRuleset<Environment, EnvironmentFilter, 'environment'>;
  drivers: () => ReadonlyMap<string, CompleteEnvironmentDriver>;
  logger: LoggerService;
  clock?: () => Date;
  /**
   * How long a request waits for approval when its template names no
   * time (`environments.approvals.expiresAfter`); P2D by default.
   */
  approvalExpiresAfter?: string;
  /** Monthly budgets per owner (`environments.budgets`). */
  budgets?: MonthlyBudgets;
}

/** Monthly budgets in USD, per owner. */
export interface MonthlyBudgets {
  /** Every owner's, unless `owners` names theirs. */
  perOwner?: number;
  owners?: Record<string, number>;
}

/**
 * Who may see and touch which environment: the permission checks every
 * operation shares, and the reads that only need them.
 */
export class EnvironmentAccess {
  private readonly authorizeEnvironment: (
    decision: PolicyDecision,
    environment: Environment,
  ) => boolean;
  private readonly toFilter: ReturnType<
    typeof createConditionTransformer<EnvironmentFilter>
  >;

  constructor(private readonly options: EnvironmentOperationsOptions) {
    this.authorizeEnvironment = createConditionAuthorizer(options.rules);
    this.toFilter = createConditionTransformer(options.rules);
  }

  now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.options.store.getEnvironment(id);
    if (!environment) {
      throw new NotFoundError(`No environment with id '${id}'`);
    }
    await this.require(
      environmentReadPermission,
      environment,
      credentials,
      'read',
    );
    return environment;
  }

  async list(
    query: ListEnvironmentsOptions,
    credentials: BackstageCredentials,
  ): Promise<ListEnvironmentsResponse> {
    const visible = await this.listable(environmentReadPermission, credentials);
    if (!visible) {
      return { items: [], totalCount: 0, totalCountExact: true };
    }
    return this.options.store.listEnvironments({ ...query, ...visible });
  }

  /** One page of the timeline, newest first; `cursor` continues a listing. */
  async events(
    id: string,
    credentials: BackstageCredentials,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: EnvironmentEvent[]; nextCursor?: string }> {
    await this.get(id, credentials);
    if (page.cursor !== undefined && !/^\d{1,15}$/.test(page.cursor)) {
      throw new InputError('cursor: is not a nextCursor of this listing');
    }
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    // One more than asked tells whether an older page follows.
    const rows = await this.options.store.listEvents(id, {
      limit: limit + 1,
      before: page.cursor,
    });
    const items = rows.slice(0, limit);
    return rows.length > limit
      ? { items, nextCursor: items[items.length - 1].id }
      : { items };
  }

  /**
   * The environment a change is about: readable by the caller, the change
   * allowed by `permission`, and not on its way out.
   */
  async loadForChange(
    id: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'environment'>,
    action: string,
  ): Promise<Environment> {
    const environment = await this.get(id, credentials);
    await this.require(permission, environment, credentials, action);
    // Destroying and Destroyed are final whatever started them: an explicit
    // destroy, or a lifetime that ran out (the engine may not have begun yet).
    const { spec, status } = environment;
    const expired = hasExpired(spec, this.now());
    if (
      spec.deletionRequestedAt ||
      expired ||
      status.phase === 'Destroying' ||
      status.phase === 'Destroyed'
    ) {
      throw new ConflictError(
        `Cannot ${action} environment '${spec.name}': ${
          expired && !spec.deletionRequestedAt
            ? `it expired at ${spec.expiresAt} and is being destroyed`
            : 'it is being destroyed'
        }`,
      );
    }
    if (status.phase === 'AwaitingApproval' || status.phase === 'Rejected') {
      throw new ConflictError(
        `Cannot ${action} environment '${spec.name}': it ${
          status.phase === 'Rejected'
            ? 'was not approved'
            : 'is waiting for approval'
        }`,
      );
    }
    return environment;
  }

  /** Appends one Normal event to the environment's timeline. */
  async recordEvent(id: string, reason: string, message: string) {
    await this.options.store.appendEvents(id, [
      { at: this.now().toISOString(), type: 'Normal', reason, message },
    ]);
  }

  /** Who asks for a change; see {@link Caller}. */
  caller(credentials: BackstageCredentials): Promise<Caller> {
    return callerOf(credentials, this.options.userInfo);
  }

  /**
   * The caller's decision on `permission` for environments in general (it
   * may be conditional, on which ones).
   */
  async decision(
    permission: ResourcePermission<'environment'>,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  /**
   * What of a listing `permission` lets the caller see: undefined when
   * nothing, else the store's `filter` (none when it allows every one).
   */
  async listable(
    permission: ResourcePermission<'environment'>,
    credentials: BackstageCredentials,
  ): Promise<Pick<ListEnvironmentsOptions, 'filter'> | undefined> {
    const decision = await this.decision(permission, credentials);
    if (decision.result === AuthorizeResult.DENY) return undefined;
    return decision.result === AuthorizeResult.CONDITIONAL
      ? { filter: this.toFilter(decision.conditions) }
      : {};
  }

  async require(
    permission: ResourcePermission<'environment'>,
    environment: Environment,
    credentials: BackstageCredentials,
    action: string,
  ) {
    const decision = await this.decision(permission, credentials);
    if (!this.decide(decision, environment)) {
      throw new NotAllowedError(
        `You may not ${action} environment '${environment.spec.name}'`,
      );
    }
  }

  private decide(decision: PolicyDecision, environment: Environment): boolean {
    if (decision.result === AuthorizeResult.ALLOW) return true;
    if (decision.result === AuthorizeResult.DENY) return false;
    return this.authorizeEnvironment(decision, environment);
  }
}
