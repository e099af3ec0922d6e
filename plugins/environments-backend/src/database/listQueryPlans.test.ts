import { TestDatabases } from '@backstage/backend-test-utils';
import {
  EnvironmentSpec,
  MAX_EXACT_COUNT,
  pendingEnvironmentStatus,
  summarizeSpec,
  summarizeStatus,
} from '@envkit/plugin-environments-common';
import { Knex } from 'knex';
import { databaseStore } from './__testUtils__/databaseStore';

// The list queries must be served by an index in the order they return
// rows: no full scan, no sort of the whole table. Checked on the plans
// both databases choose for a table of a few thousand rows, not by timing.

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ROWS = 4_000;
const OWNERS = 40;

/** Rows straight into the table: a few thousand creates would be slow. */
async function seed(knex: Knex) {
  const started = Date.now() - ROWS * 1000;
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const spec: EnvironmentSpec = {
      name: `env-${i}`,
      templateRef: `environmenttemplate:default/t-${i % 5}`,
      templateVersion: '1.0.0',
      templateSnapshot: {} as EnvironmentSpec['templateSnapshot'],
      inputs: {},
      owner: `group:default/team-${i % OWNERS}`,
      component: `component:default/c-${i % 100}`,
      generation: 1,
    };
    const status = {
      ...pendingEnvironmentStatus(),
      phase: i % 10 === 0 ? ('Destroyed' as const) : ('Ready' as const),
    };
    const at = new Date(started + i * 1000);
    return {
      id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      name: spec.name,
      active_name: status.phase === 'Destroyed' ? null : spec.name,
      owner: spec.owner,
      template_ref: spec.templateRef,
      template_version: spec.templateVersion,
      component: spec.component,
      phase: status.phase,
      generation: 1,
      observed_generation: 1,
      spec: JSON.stringify(spec),
      status: JSON.stringify(status),
      spec_summary: JSON.stringify(summarizeSpec(spec)),
      status_summary: JSON.stringify(summarizeStatus(status)),
      created_by: 'user:default/lena',
      created_at: at,
      updated_at: at,
    };
  });
  await knex.batchInsert('environments', rows, 200);
  if (knex.client.config.client === 'pg') {
    await knex.raw('ANALYZE environments');
  } else {
    await knex.raw('ANALYZE');
  }
}

/** Each SELECT on `environments` that `run` issues, with its plan as text. */
async function plansOf(knex: Knex, run: () => Promise<unknown>) {
  const queries: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  const listener = (q: { sql: string; bindings?: readonly unknown[] }) => {
    if (/^select/i.test(q.sql) && q.sql.includes('environments')) {
      queries.push({ sql: q.sql, bindings: q.bindings ?? [] });
    }
  };
  knex.on('query', listener);
  try {
    await run();
  } finally {
    knex.off('query', listener);
  }
  const pg = knex.client.config.client === 'pg';
  const explained: Array<{ sql: string; plan: string; sortsTable: boolean }> =
    [];
  for (const { sql, bindings } of queries) {
    // knex.raw takes `?` placeholders; the pg driver was sent `$1`, `$2`…
    if (pg) {
      const result = await knex.raw(
        `EXPLAIN (FORMAT JSON) ${sql.replace(/\$\d+/g, '?')}`,
        bindings as any[],
      );
      const root: PgPlanNode = result.rows[0]['QUERY PLAN'][0].Plan;
      explained.push({
        sql,
        plan: pgPlanLines(root).join('\n'),
        sortsTable: pgSortsTable(root),
      });
    } else {
      const rows: SqlitePlanRow[] = await knex.raw(
        `EXPLAIN QUERY PLAN ${sql}`,
        bindings as any[],
      );
      explained.push({
        sql,
        plan: rows.map(r => r.detail).join('\n'),
        sortsTable: sqliteSortsTable(rows),
      });
    }
  }
  // The bounded count first, then the page.
  expect(explained.map(e => /count\(/i.test(e.sql))).toEqual([true, false]);
  return { count: explained[0], page: explained[1] };
}

interface SqlitePlanRow {
  id: number;
  parent: number;
  detail: string;
}

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PgPlanNode[];
}

/**
 * Whether SQLite sorts rows as they come out of the table: an ORDER BY
 * temp B-tree beside a read of `environments` at the same level of the plan
 * (under a MULTI-INDEX OR too). Sorting what subqueries return, each cut at
 * a page, is not that: a CO-ROUTINE or SUBQUERY starts another level.
 */
function sqliteSortsTable(rows: SqlitePlanRow[]): boolean {
  const readsTable = (row: SqlitePlanRow): boolean =>
    /^(SCAN|SEARCH) environments\b/.test(row.detail) ||
    (!/^(CO-ROUTINE|MATERIALIZE|SUBQUERY|CORRELATED)/.test(row.detail) &&
      rows.filter(child => child.parent === row.id).some(readsTable));
  return rows.some(
    sort =>
      /TEMP B-TREE FOR ORDER BY/.test(sort.detail) &&
      rows.some(
        sibling =>
          sibling !== sort &&
          sibling.parent === sort.parent &&
          readsTable(sibling),
      ),
  );
}

/**
 * Whether PostgreSQL sorts rows read from `environments` with no Limit
 * between the Sort and the read: a sort of every matching row.
 */
function pgSortsTable(node: PgPlanNode, sorting = false): boolean {
  if (sorting && node['Relation Name'] === 'environments') return true;
  const below =
    node['Node Type'] === 'Limit'
      ? false
      : sorting || node['Node Type'] === 'Sort';
  return (node.Plans ?? []).some(child => pgSortsTable(child, below));
}

function pgPlanLines(node: PgPlanNode, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${node['Node Type']}${
    node['Index Name'] ? ` using ${node['Index Name']}` : ''
  }${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}`;
  return [
    line,
    ...(node.Plans ?? []).flatMap(child => pgPlanLines(child, depth + 1)),
  ];
}

/** A full read of the table: SQLite's bare `SCAN environments`, PostgreSQL's `Seq Scan`. */
const FULL_SCAN = /^\s*(SCAN environments$|.*Seq Scan on environments)/m;

describe.each(databases.eachSupportedId())(
  'list query plans on %p',
  databaseId => {
    it.each([
      ['every environment', {}],
      ['one owner', { owner: 'group:default/team-7' }],
      ['one template', { template: 'environmenttemplate:default/t-3' }],
      ['one component', { component: 'component:default/c-42' }],
      ['one phase', { phase: 'Ready' as const }],
    ])(
      'pages %s with an index, never scanning or sorting the table',
      async (_, options) => {
        const { knex, store } = await databaseStore(databases, databaseId);
        await seed(knex);

        const { count, page } = await plansOf(knex, () =>
          store.listEnvironments({ ...options, limit: 20 }),
        );
        // Past the bound the total is a lower bound, and says so.
        const { totalCount, totalCountExact } = await store.listEnvironments({
          ...options,
          limit: 20,
        });
        expect(totalCountExact).toBe(totalCount < MAX_EXACT_COUNT);

        // The total is counted up to a bound, whatever the table holds.
        expect(count.sql).toMatch(/limit (\?|\$\d+)/i);
        // The page is read through an index in the order it is returned:
        // no full scan, and no sort of the matching rows.
        expect(page.plan).toMatch(/index/i);
        expect(page.plan).not.toMatch(FULL_SCAN);
        expect(page.plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
        expect(page.plan).not.toMatch(/Sort/);
        expect(page.sortsTable).toBe(false);
      },
    );

    it('reads the next page from where the cursor points', async () => {
      const { knex, store } = await databaseStore(databases, databaseId);
      await seed(knex);
      const { nextCursor } = await store.listEnvironments({ limit: 20 });

      const { page } = await plansOf(knex, () =>
        store.listEnvironments({ limit: 20, cursor: nextCursor }),
      );

      expect(page.plan).toMatch(/index/i);
      expect(page.plan).not.toMatch(FULL_SCAN);
      expect(page.sortsTable).toBe(false);
    });

    it('pages what an owner rule allows through an index', async () => {
      const { knex, store } = await databaseStore(databases, databaseId);
      await seed(knex);

      // The example policy's decision for a member of two groups.
      const claims = [
        'user:default/omar',
        'group:default/team-1',
        'group:default/team-2',
      ];
      let listed: Awaited<ReturnType<typeof store.listEnvironments>>;
      const { count, page } = await plansOf(knex, async () => {
        listed = await store.listEnvironments({
          limit: 20,
          filter: {
            anyOf: [
              { key: 'owner', values: claims },
              { key: 'createdBy', values: claims },
            ],
          },
        });
      });
      // team-1 and team-2 own 200 of the rows, none of them destroyed.
      expect(listed!.totalCount).toBe(200);
      expect(listed!.totalCountExact).toBe(true);

      // One index range per claim and column, each read in list order and
      // cut at the page; only those few rows are merged and sorted, never
      // every environment the caller may see.
      expect(count.sql).toMatch(/limit (\?|\$\d+)/i);
      expect(count.plan).not.toMatch(FULL_SCAN);
      expect(count.sortsTable).toBe(false);
      expect(page.plan).toMatch(/environments_owner_list_idx/);
      expect(page.plan).toMatch(/environments_created_by_list_idx/);
      expect(page.plan).not.toMatch(FULL_SCAN);
      expect(page.sortsTable).toBe(false);
    });
  },
);
