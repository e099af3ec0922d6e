import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  DEFAULT_PAGE_SIZE,
  Environment,
  EnvironmentEvent,
  EnvironmentSpec,
  EnvironmentStatus,
  EnvironmentSummary,
  MAX_EXACT_COUNT,
  MAX_PAGE_SIZE,
  summarizeSpec,
  summarizeStatus,
} from '@envkit/plugin-environments-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { EnvironmentFilter } from '../permissions/rules';
import {
  EarlierCreate,
  EnvironmentStore,
  LeasedEnvironment,
  ListEnvironmentsOptions,
  NewEnvironment,
} from './EnvironmentStore';

const migrationsDir = resolvePackagePath(
  '@envkit/plugin-environments-backend',
  'migrations',
);

const ENVIRONMENTS = 'environments';
const EVENTS = 'environment_events';
const NOTICES = 'environment_notices_sent';

const FILTER_COLUMNS: Record<EnvironmentFilter['key'], string> = {
  owner: 'owner',
  createdBy: 'created_by',
  templateRef: 'template_ref',
};

// Turns a permission policy's criteria into a WHERE clause, so a conditional
// decision filters in the database instead of after a full read.
function applyFilter(
  query: Knex.QueryBuilder,
  criteria: PermissionCriteria<EnvironmentFilter>,
): void {
  if ('allOf' in criteria) {
    query.where(q => {
      for (const c of criteria.allOf) q.andWhere(sub => applyFilter(sub, c));
    });
  } else if ('anyOf' in criteria) {
    query.where(q => {
      for (const c of criteria.anyOf) q.orWhere(sub => applyFilter(sub, c));
    });
  } else if ('not' in criteria) {
    query.whereNot(q => applyFilter(q, criteria.not));
  } else {
    query.whereIn(FILTER_COLUMNS[criteria.key], criteria.values);
  }
}

/** The most index ranges {@link equalityBranches} splits a condition into. */
const MAX_BRANCHES = 32;

/**
 * A policy condition that is an OR of column-in-values tests (the owner
 * rule) as one (column, value) pair per value; undefined for any other
 * shape.
 */
function equalityBranches(
  criteria: PermissionCriteria<EnvironmentFilter>,
): Array<[string, string]> | undefined {
  let leaves: EnvironmentFilter[];
  if ('key' in criteria) {
    leaves = [criteria];
  } else if ('anyOf' in criteria && criteria.anyOf.every(c => 'key' in c)) {
    leaves = criteria.anyOf as EnvironmentFilter[];
  } else {
    return undefined;
  }
  const pairs = new Map<string, [string, string]>();
  for (const leaf of leaves) {
    for (const value of leaf.values) {
      const column = FILTER_COLUMNS[leaf.key];
      pairs.set(JSON.stringify([column, value]), [column, value]);
    }
  }
  // Past a few dozen ranges one pass over the creation order is cheaper,
  // and SQLite caps a compound SELECT at 500 parts.
  return pairs.size <= MAX_BRANCHES ? [...pairs.values()] : undefined;
}

/** The columns of a list item: the summaries, never the full spec. */
const LIST_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'created_by',
  'spec_summary',
  'status_summary',
];

interface EnvironmentRow {
  id: string;
  name: string;
  active_name: string | null;
  owner: string;
  template_ref: string;
  template_version: string;
  component: string | null;
  phase: string;
  generation: number;
  observed_generation: number;
  spec: string;
  status: string;
  created_by: string;
  created_at: Date | string | number;
  updated_at: Date | string | number;
  expires_at: Date | string | number | null;
  next_reconcile_at: Date | string | number | null;
  lease_owner: string | null;
  lease_expires_at: Date | string | number | null;
  create_key: string | null;
  create_request?: string | null;
  secret_inputs?: string | null;
  spec_summary?: string | null;
  status_summary?: string | null;
}

interface EventRow {
  id: string | number;
  environment_id: string;
  at: Date | string | number;
  type: string;
  reason: string;
  message: string;
  resource: string | null;
}

// SQLite hands timestamps back as numbers or strings, PostgreSQL as Dates.
// Keys are scoped to the caller: two users may pick the same key.
function createKeyOf(createdBy: string, idempotencyKey: string): string {
  return JSON.stringify([createdBy, idempotencyKey]);
}

function secretColumn(
  values: EnvironmentSpec['inputs'] | undefined,
): string | null {
  return values && Object.keys(values).length ? JSON.stringify(values) : null;
}

function parseSecretColumn(
  column: string | null | undefined,
): EnvironmentSpec['inputs'] {
  return column ? JSON.parse(column) : {};
}

function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}

/** A list item from a row read with {@link LIST_COLUMNS}. */
function toSummary(row: EnvironmentRow): EnvironmentSummary {
  return {
    id: row.id,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    createdBy: row.created_by,
    spec: JSON.parse(row.spec_summary!),
    status: JSON.parse(row.status_summary!),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const message = String((error as Error)?.message ?? '');
  const code = (error as { code?: string })?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /unique constraint/i.test(message)
  );
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.getTime(), id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): [Date, string] {
  try {
    const [ms, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (typeof ms === 'number' && typeof id === 'string') {
      return [new Date(ms), id];
    }
  } catch {
    // fall through
  }
  throw new InputError('cursor: not a cursor this API handed out');
}

/** The knex implementation of {@link EnvironmentStore} (SQLite, PostgreSQL). */
export class DatabaseEnvironmentStore implements EnvironmentStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseEnvironmentStore> {
    const client = await options.database.getClient();
    const skip =
      options.skipMigrations ?? options.database.migrations?.skip ?? false;
    if (!skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseEnvironmentStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async createEnvironment(
    input: NewEnvironment,
  ): Promise<{ environment: Environment; created: boolean }> {
    const now = new Date();
    const { spec, status } = input;
    const createKey = input.idempotencyKey
      ? createKeyOf(input.createdBy, input.idempotencyKey)
      : null;
    const earlier = async () =>
      input.idempotencyKey
        ? (await this.findEarlierCreate(input.createdBy, input.idempotencyKey))
            ?.environment
        : undefined;
    const existing = await earlier();
    if (existing) return { environment: existing, created: false };
    try {
      await this.db<EnvironmentRow>(ENVIRONMENTS).insert({
        id: input.id,
        name: spec.name,
        active_name: spec.name,
        owner: spec.owner,
        template_ref: spec.templateRef,
        template_version: spec.templateVersion,
        component: spec.component ?? null,
        phase: status.phase,
        generation: spec.generation,
        observed_generation: status.observedGeneration,
        spec: JSON.stringify(spec),
        status: JSON.stringify(status),
        spec_summary: JSON.stringify(summarizeSpec(spec)),
        status_summary: JSON.stringify(summarizeStatus(status)),
        created_by: input.createdBy,
        created_at: now,
        updated_at: now,
        expires_at: spec.expiresAt ? new Date(spec.expiresAt) : null,
        next_reconcile_at: now,
        lease_owner: null,
        lease_expires_at: null,
        create_key: createKey,
        create_request: input.requestFingerprint ?? null,
        secret_inputs: secretColumn(input.secretInputs),
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        // A concurrent retry with the same key won the race.
        const raced = await earlier();
        if (raced) return { environment: raced, created: false };
        throw new ConflictError(
          `An environment named '${spec.name}' already exists; pick another name or destroy it first`,
        );
      }
      throw error;
    }
    return {
      environment: (await this.getEnvironment(input.id))!,
      created: true,
    };
  }

  async findEarlierCreate(
    createdBy: string,
    idempotencyKey: string,
  ): Promise<EarlierCreate | undefined> {
    const row = await this.db<EnvironmentRow>(ENVIRONMENTS)
      .where({ create_key: createKeyOf(createdBy, idempotencyKey) })
      .first();
    if (!row) return undefined;
    return {
      environment: this.toEnvironment(row),
      requestFingerprint: row.create_request ?? undefined,
    };
  }

  async getEnvironment(id: string): Promise<Environment | undefined> {
    const row = await this.db<EnvironmentRow>(ENVIRONMENTS)
      .where({ id })
      .first();
    return row ? this.toEnvironment(row) : undefined;
  }

  async listEnvironments(options: ListEnvironmentsOptions = {}): Promise<{
    items: EnvironmentSummary[];
    totalCount: number;
    totalCountExact: boolean;
    nextCursor?: string;
  }> {
    // What every row of the list matches, whichever way it is read.
    const matching = () => {
      const query = this.db<EnvironmentRow>(ENVIRONMENTS);
      if (options.owner) query.where('owner', options.owner);
      if (options.template) query.where('template_ref', options.template);
      if (options.component) query.where('component', options.component);
      if (options.phase) {
        query.where('phase', options.phase);
      } else if (!options.includeDestroyed) {
        query.whereNot('phase', 'Destroyed');
      }
      return query;
    };
    // An owner rule (owner or creator among the caller's claims) is read as
    // one index range per claim and column, each in list order and cut at
    // the page, then merged: an OR over two columns would otherwise sort
    // every matching row. Other policy conditions become a WHERE clause.
    const branches = options.filter && equalityBranches(options.filter);
    if (branches?.length === 0) {
      // A rule over no claims at all: nothing to read.
      return { items: [], totalCount: 0, totalCountExact: true };
    }
    const reads = branches
      ? branches.map(
          ([column, value]) =>
            () =>
              matching().where(column, value),
        )
      : [
          () => {
            const query = matching();
            if (options.filter) applyFilter(query, options.filter);
            return query;
          },
        ];
    const merged = (parts: Knex.QueryBuilder[], alias: string) =>
      parts.length === 1
        ? parts[0].as(alias)
        : this.db
            .select('*')
            .from(parts[0].as(`${alias}0`))
            .union(
              parts
                .slice(1)
                .map((part, i) =>
                  this.db.select('*').from(part.as(`${alias}${i + 1}`)),
                ),
            )
            .as(alias);

    // Counted up to a bound: a count of every matching row would read the
    // whole table on each page. Past the bound the total is a lower bound
    // and `totalCountExact` says so.
    const [{ count }] = await this.db
      .from(
        merged(
          reads.map(read =>
            read()
              .select(branches ? 'id' : this.db.raw('1'))
              .limit(MAX_EXACT_COUNT + 1),
          ),
          'matching',
        ),
      )
      .count<{ count: string | number }[]>({ count: '*' });
    const total = Number(count);

    // Keyset pagination, newest first: stable while environments are added.
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const limit = Math.min(options.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    // Both descending: the (…, created_at, id) indexes read backwards give
    // this order, so no database sorts the matching rows.
    const newestFirst = [
      { column: 'created_at', order: 'desc' as const },
      { column: 'id', order: 'desc' as const },
    ];
    const pageOf = (query: Knex.QueryBuilder) => {
      if (after) {
        query.where(q =>
          q
            .where('created_at', '<', after[0])
            .orWhere(q2 =>
              q2
                .where('created_at', '=', after[0])
                .andWhere('id', '<', after[1]),
            ),
        );
      }
      return query
        .select(LIST_COLUMNS)
        .orderBy(newestFirst)
        .limit(limit + 1);
    };
    const rows: EnvironmentRow[] = branches
      ? await this.db
          .select(LIST_COLUMNS)
          .from(
            merged(
              reads.map(read => pageOf(read())),
              'visible',
            ),
          )
          .orderBy(newestFirst)
          .limit(limit + 1)
      : await pageOf(reads[0]());
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toSummary),
      totalCount: Math.min(total, MAX_EXACT_COUNT),
      totalCountExact: total <= MAX_EXACT_COUNT,
      ...(rows.length > limit && last
        ? { nextCursor: encodeCursor(new Date(last.created_at), last.id) }
        : {}),
    };
  }

  async isNameInUse(name: string): Promise<boolean> {
    const row = await this.db<EnvironmentRow>(ENVIRONMENTS)
      .where({ active_name: name })
      .first('id');
    return row !== undefined;
  }

  async countActiveEnvironments(options: {
    owner: string;
    templateRef?: string;
  }): Promise<number> {
    const query = this.db<EnvironmentRow>(ENVIRONMENTS)
      .where('owner', options.owner)
      .whereNotNull('active_name');
    if (options.templateRef) query.where('template_ref', options.templateRef);
    const [{ count }] = await query.count<{ count: string | number }[]>({
      count: '*',
    });
    return Number(count);
  }

  async updateSpec(
    id: string,
    update: (spec: EnvironmentSpec) => EnvironmentSpec | undefined,
    options: { secretInputs?: EnvironmentSpec['inputs'] } = {},
  ): Promise<Environment> {
    // Optimistic concurrency: the write only lands if nobody bumped the
    // generation since we read it; on a lost race, read again and retry.
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.db<EnvironmentRow>(ENVIRONMENTS)
        .where({ id })
        .first();
      if (!row) {
        throw new NotFoundError(`No environment with id '${id}'`);
      }
      const current = JSON.parse(row.spec) as EnvironmentSpec;
      const changed = update(current);
      if (!changed) {
        return (await this.getEnvironment(id))!;
      }
      const next = { ...changed, generation: row.generation + 1 };
      const updated = await this.updateRow(
        { id, generation: row.generation },
        {
          spec: JSON.stringify(next),
          spec_summary: JSON.stringify(summarizeSpec(next)),
          generation: next.generation,
          template_version: next.templateVersion,
          expires_at: next.expiresAt ? new Date(next.expiresAt) : null,
          next_reconcile_at: new Date(),
          ...(options.secretInputs
            ? { secret_inputs: secretColumn(options.secretInputs) }
            : {}),
        },
      );
      if (updated) {
        return (await this.getEnvironment(id))!;
      }
    }
    throw new ConflictError(
      `Environment '${id}' is being changed by someone else; try again`,
    );
  }

  async updateStatus(
    id: string,
    status: EnvironmentStatus,
    options: { leaseOwner: string },
  ): Promise<boolean> {
    return this.updateRow(
      { id, lease_owner: options.leaseOwner },
      {
        status: JSON.stringify(status),
        status_summary: JSON.stringify(summarizeStatus(status)),
        phase: status.phase,
        observed_generation: status.observedGeneration,
        // A destroyed or rejected environment frees its name for reuse.
        ...(status.phase === 'Destroyed' || status.phase === 'Rejected'
          ? { active_name: null }
          : {}),
      },
    );
  }

  /**
   * A compare-and-set write of what the API or the engine changed, stamped
   * `updated_at`: true when the row still matched `where`.
   */
  private async updateRow(
    where: Partial<EnvironmentRow>,
    values: Partial<EnvironmentRow>,
  ): Promise<boolean> {
    const updated = await this.db<EnvironmentRow>(ENVIRONMENTS)
      .where(where)
      .update({ ...values, updated_at: new Date() });
    return updated === 1;
  }

  async appendEvents(id: string, events: EnvironmentEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db<EventRow>(EVENTS).insert(
      events.map(event => ({
        environment_id: id,
        at: new Date(event.at),
        type: event.type,
        reason: event.reason,
        message: event.message,
        resource: event.resource ?? null,
      })),
    );
  }

  async listEvents(
    id: string,
    options: { limit?: number; before?: string } = {},
  ): Promise<EnvironmentEvent[]> {
    const query = this.db<EventRow>(EVENTS).where({ environment_id: id });
    if (options.before !== undefined) {
      query.where('id', '<', Number(options.before));
    }
    const rows = await query
      .orderBy('id', 'desc')
      // One past the largest page: the caller asks for one more than it
      // shows to learn whether an older page follows.
      .limit(Math.min(options.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE + 1));
    return rows.map(row => ({
      id: String(row.id),
      at: toIso(row.at),
      type: row.type === 'Warning' ? 'Warning' : 'Normal',
      reason: row.reason,
      message: row.message,
      ...(row.resource ? { resource: row.resource } : {}),
    }));
  }

  async leaseEnvironmentsDue(options: {
    leaseOwner: string;
    leaseDurationMs: number;
    limit: number;
    now?: Date;
  }): Promise<LeasedEnvironment[]> {
    const now = options.now ?? new Date();
    const leaseFree = (q: Knex.QueryBuilder) =>
      q.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', now);
    const candidates = await this.db<EnvironmentRow>(ENVIRONMENTS)
      .select('id')
      // Both final: nothing left to do.
      .whereNotIn('phase', ['Destroyed', 'Rejected'])
      // Due by schedule (spec changes schedule at once, and retries back
      // off), or expired and not yet being destroyed.
      .where(q =>
        q
          .where('next_reconcile_at', '<=', now)
          .orWhere(q2 =>
            q2.where('expires_at', '<=', now).whereNot('phase', 'Destroying'),
          ),
      )
      .where(leaseFree)
      .orderBy('next_reconcile_at', 'asc')
      .limit(options.limit);

    const leaseExpiresAt = new Date(now.getTime() + options.leaseDurationMs);
    const leased: LeasedEnvironment[] = [];
    for (const { id } of candidates) {
      // Compare-and-set per row: of several replicas racing for the same
      // environment exactly one update matches.
      const won = await this.db<EnvironmentRow>(ENVIRONMENTS)
        .where({ id })
        .where(leaseFree)
        .update({
          lease_owner: options.leaseOwner,
          lease_expires_at: leaseExpiresAt,
        });
      if (won === 1) {
        const row = await this.db<EnvironmentRow>(ENVIRONMENTS)
          .where({ id })
          .first();
        if (row) {
          leased.push({
            environment: this.toEnvironment(row),
            leaseOwner: options.leaseOwner,
            secretInputs: parseSecretColumn(row.secret_inputs),
          });
        }
      }
    }
    return leased;
  }

  async claimNotice(notice: {
    environmentId: string;
    kind: string;
    key: string;
  }): Promise<boolean> {
    try {
      await this.db(NOTICES).insert({
        environment_id: notice.environmentId,
        kind: notice.kind,
        notice_key: notice.key.slice(0, 255),
        sent_at: new Date(),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async claimedNotices(
    environmentIds: string[],
    kind: string,
  ): Promise<Set<string>> {
    if (environmentIds.length === 0) return new Set();
    const rows = await this.db<{ environment_id: string; notice_key: string }>(
      NOTICES,
    )
      .whereIn('environment_id', environmentIds)
      .where('kind', kind)
      .select('environment_id', 'notice_key');
    return new Set(rows.map(r => `${r.environment_id}/${r.notice_key}`));
  }

  async listExpiring(options: {
    now: Date;
    until: Date;
    limit: number;
  }): Promise<EnvironmentSummary[]> {
    const rows: EnvironmentRow[] = await this.db<EnvironmentRow>(ENVIRONMENTS)
      .whereNotIn('phase', ['Destroying', 'Destroyed', 'Rejected'])
      .where('expires_at', '>', options.now)
      .where('expires_at', '<=', options.until)
      .orderBy('expires_at', 'asc')
      .limit(options.limit)
      .select(LIST_COLUMNS);
    return rows.map(toSummary);
  }

  async getSecretInputs(id: string): Promise<EnvironmentSpec['inputs']> {
    const row = await this.db<EnvironmentRow>(ENVIRONMENTS)
      .where({ id })
      .select('secret_inputs')
      .first();
    return parseSecretColumn(row?.secret_inputs);
  }

  async releaseLease(
    id: string,
    options: {
      leaseOwner: string;
      nextReconcileAt: Date | undefined;
      generation: number;
    },
  ): Promise<void> {
    await this.db<EnvironmentRow>(ENVIRONMENTS)
      .where({ id, lease_owner: options.leaseOwner })
      .update({
        lease_owner: null,
        lease_expires_at: null,
        next_reconcile_at: options.nextReconcileAt ?? null,
      });
    // updateSpec made the environment due at once when it bumped the
    // generation; if that happened while the lease was held, the write above
    // may just have pushed it back to the holder's own schedule. Whichever of
    // the two writes lands last, the environment ends up due now.
    await this.db<EnvironmentRow>(ENVIRONMENTS)
      .where({ id })
      .where('generation', '>', options.generation)
      .update({ next_reconcile_at: new Date() });
  }

  private toEnvironment(row: EnvironmentRow): Environment {
    return {
      id: row.id,
      spec: JSON.parse(row.spec),
      status: JSON.parse(row.status),
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
      createdBy: row.created_by,
    };
  }
}
