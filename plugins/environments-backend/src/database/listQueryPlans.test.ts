import { TestDatabases } from '@backstage/backend-test-utils';
import {
  EnvironmentSpec,
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
  const explained: Array<{ sql: string; plan: string }> = [];
  for (const { sql, bindings } of queries) {
    // knex.raw takes `?` placeholders; the pg driver was sent `$1`, `$2`…
    const text = pg ? sql.replace(/\$\d+/g, '?') : sql;
    const explain = pg ? `EXPLAIN ${text}` : `EXPLAIN QUERY PLAN ${text}`;
    const result = await knex.raw(explain, bindings as any[]);
    const lines = pg
      ? result.rows.map((r: Record<string, string>) => r['QUERY PLAN'])
      : result.map((r: { detail: string }) => r.detail);
    explained.push({ sql, plan: lines.join('\n') });
  }
  // The bounded count first, then the page.
  expect(explained.map(e => /count\(/i.test(e.sql))).toEqual([true, false]);
  return { count: explained[0], page: explained[1] };
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

        // The total is counted up to a bound, whatever the table holds.
        expect(count.sql).toMatch(/limit (\?|\$\d+)/i);
        // The page is read through an index in the order it is returned:
        // no full scan, and no sort of the matching rows.
        expect(page.plan).toMatch(/index/i);
        expect(page.plan).not.toMatch(FULL_SCAN);
        expect(page.plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
        expect(page.plan).not.toMatch(/Sort/);
      },
    );

    it('pages what an owner rule allows through an index', async () => {
      const { knex, store } = await databaseStore(databases, databaseId);
      await seed(knex);

      // The example policy's decision for a member of two groups.
      const claims = [
        'user:default/omar',
        'group:default/team-1',
        'group:default/team-2',
      ];
      const { count, page } = await plansOf(knex, () =>
        store.listEnvironments({
          limit: 20,
          filter: {
            anyOf: [
              { key: 'owner', values: claims },
              { key: 'createdBy', values: claims },
            ],
          },
        }),
      );

      // Through an index, never a read of the table: PostgreSQL combines
      // the owner and creator indexes (sorting only what the caller may
      // see); SQLite walks the creation-order index until the page is full.
      expect(count.sql).toMatch(/limit (\?|\$\d+)/i);
      expect(page.plan).toMatch(/index/i);
      expect(page.plan).not.toMatch(FULL_SCAN);
    });
  },
);
