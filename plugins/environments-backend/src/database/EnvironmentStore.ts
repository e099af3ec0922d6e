import {
  Environment,
  EnvironmentEvent,
  EnvironmentSpec,
  EnvironmentStatus,
  EnvironmentSummary,
  ListEnvironmentsQuery,
} from '@envkit/plugin-environments-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { EnvironmentFilter } from '../permissions/rules';

/** A new environment as the API records it, before any reconcile. */
export interface NewEnvironment {
  id: string;
  spec: EnvironmentSpec;
  status: EnvironmentStatus;
  createdBy: string;
  /**
   * The caller's `Idempotency-Key`: a second create with the same key by the
   * same caller returns the first environment instead of making another.
   */
  idempotencyKey?: string;
  /** A digest of the create request the key is first used for. */
  requestFingerprint?: string;
  /**
   * Values of the template's `secret` inputs. Kept apart from `spec` (which
   * lists only their names in `secretInputs`) and read only by the engine.
   */
  secretInputs?: EnvironmentSpec['inputs'];
}

/** What an `Idempotency-Key` was first used for. */
export interface EarlierCreate {
  environment: Environment;
  /** Absent for environments created before fingerprints were kept. */
  requestFingerprint?: string;
}

/** Filters and paging of {@link EnvironmentStore.listEnvironments}. */
export interface ListEnvironmentsOptions extends ListEnvironmentsQuery {
  component?: string;
  /** Include destroyed environments; left out by default. */
  includeDestroyed?: boolean;
  /** A permission policy's conditions, applied in the query. */
  filter?: PermissionCriteria<EnvironmentFilter>;
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

/** An environment handed to one reconciler until its lease runs out. */
export interface LeasedEnvironment {
  environment: Environment;
  leaseOwner: string;
  /** Values of its secret inputs, for the driver calls only. */
  secretInputs: EnvironmentSpec['inputs'];
}

/**
 * Persistence of environments and their timelines. The API writes desired
 * state (`spec`, bumping `generation`); the lifecycle engine writes observed
 * state (`status`) while it holds the environment's lease.
 */
export interface EnvironmentStore {
  /**
   * Records a new environment; a live environment with the same name is a
   * ConflictError. With an idempotency key already used by the same caller,
   * returns that environment and `created: false`.
   */
  createEnvironment(
    environment: NewEnvironment,
  ): Promise<{ environment: Environment; created: boolean }>;

  getEnvironment(id: string): Promise<Environment | undefined>;

  /**
   * Newest first, a page at a time, in the list view. `totalCount` is exact
   * up to `MAX_EXACT_COUNT` (`totalCountExact` says whether it is).
   */
  listEnvironments(options?: ListEnvironmentsOptions): Promise<{
    items: EnvironmentSummary[];
    totalCount: number;
    totalCountExact: boolean;
    nextCursor?: string;
  }>;

  /** Whether a live (not destroyed) environment has `name`. */
  isNameInUse(name: string): Promise<boolean>;

  /** Counts the live (not destroyed) environments of an owner made from a template. */
  countActiveEnvironments(options: {
    owner: string;
    templateRef?: string;
  }): Promise<number>;

  /** The environment `createdBy` first made with `idempotencyKey`, if any. */
  findEarlierCreate(
    createdBy: string,
    idempotencyKey: string,
  ): Promise<EarlierCreate | undefined>;

  /**
   * Changes the desired state and bumps `generation`, so the engine acts on
   * it. Returns the updated environment. `update` sees the current spec (it
   * may run again after a lost race); returning `undefined` leaves the
   * environment as it is, generation included. `secretInputs`, when given,
   * replace the stored secret values in the same write.
   */
  updateSpec(
    id: string,
    update: (spec: EnvironmentSpec) => EnvironmentSpec | undefined,
    options?: { secretInputs?: EnvironmentSpec['inputs'] },
  ): Promise<Environment>;

  /** The stored values of an environment's secret inputs (empty if none). */
  getSecretInputs(id: string): Promise<EnvironmentSpec['inputs']>;

  /**
   * Writes observed state. Refused (returns false) when `leaseOwner` no
   * longer holds the lease, so a replica that lost its lease cannot overwrite
   * what the new holder observed.
   */
  updateStatus(
    id: string,
    status: EnvironmentStatus,
    options: { leaseOwner: string },
  ): Promise<boolean>;

  appendEvents(id: string, events: EnvironmentEvent[]): Promise<void>;

  /** The newest events first; with `before`, those older than that event id. */
  listEvents(
    id: string,
    options?: { limit?: number; before?: string },
  ): Promise<EnvironmentEvent[]>;

  /**
   * Leases up to `limit` environments that need work (spec changed, not yet
   * settled, expired, or due for a status check) and whose lease is free or
   * has run out. Safe to call from several replicas at once.
   */
  leaseEnvironmentsDue(options: {
    leaseOwner: string;
    leaseDurationMs: number;
    limit: number;
    now?: Date;
  }): Promise<LeasedEnvironment[]>;

  /**
   * Claims a notice: true for exactly one caller per (environment, kind,
   * key), however many replicas ask at once; false once it was claimed.
   */
  claimNotice(notice: {
    environmentId: string;
    kind: string;
    key: string;
  }): Promise<boolean>;

  /** Of `environmentIds`, the notice keys of `kind` already claimed, as `id/key`. */
  claimedNotices(environmentIds: string[], kind: string): Promise<Set<string>>;

  /**
   * Live environments that expire after `now` and no later than `until`,
   * soonest first, at most `limit` (notices before expiry).
   */
  listExpiring(options: {
    now: Date;
    until: Date;
    limit: number;
  }): Promise<EnvironmentSummary[]>;

  /**
   * Gives a lease back and says when the environment next needs a look.
   * `generation` is the spec generation the holder worked from: a spec
   * change that landed meanwhile (a destroy, say) keeps the environment due
   * at once, whatever `nextReconcileAt` says.
   */
  releaseLease(
    id: string,
    options: {
      leaseOwner: string;
      nextReconcileAt: Date | undefined;
      generation: number;
    },
  ): Promise<void>;
}
