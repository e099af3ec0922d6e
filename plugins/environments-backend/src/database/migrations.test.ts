import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@envkit/plugin-environments-backend',
  'migrations',
);

async function migrateUpOnce(knex: Knex) {
  await knex.migrate.up({ directory: migrationsDir });
}

async function migrateDownOnce(knex: Knex) {
  await knex.migrate.down({ directory: migrationsDir });
}

/** Migrates up to and including `name`, later migrations left pending. */
async function migrateUpTo(knex: Knex, name: string) {
  for (;;) {
    const [completed] = await knex.migrate.list({ directory: migrationsDir });
    if (completed.some((m: { name: string }) => m.name === name)) return;
    await migrateUpOnce(knex);
  }
}

/** The names of the indexes on `environments`. */
async function environmentIndexes(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const result = await knex.raw(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'environments'`,
    );
    return result.rows.map((r: { indexname: string }) => r.indexname);
  }
  const rows = await knex.raw(
    `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'environments'`,
  );
  return rows.map((r: { name: string }) => r.name);
}

/** Migrates one step down: `column` is gone, the row matching `row` kept. */
async function downDropsColumn(
  knex: Knex,
  column: string,
  row: Record<string, string>,
) {
  await migrateDownOnce(knex);
  await expect(knex.schema.hasColumn('environments', column)).resolves.toBe(
    false,
  );
  await expect(knex('environments').where(row)).resolves.toHaveLength(1);
}

/**
 * An `environments` row in the columns of the first migration, named
 * `name`; `overrides` replace any of them.
 */
function firstSchemaRow(
  id: string,
  name: string,
  overrides: Record<string, unknown> = {},
) {
  const now = new Date();
  return {
    id,
    name,
    active_name: name,
    owner: 'group:default/a',
    template_ref: 'environmenttemplate:default/t',
    template_version: '1.0.0',
    phase: 'Ready',
    generation: 1,
    spec: '{}',
    status: '{}',
    created_by: 'user:default/u',
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('20261123090000_environments creates the tables, links events to their environment, and rolls back', async () => {
    const knex = await databases.init(databaseId);
    await expect(knex.schema.hasTable('environments')).resolves.toBe(false);
    await migrateUpOnce(knex);

    const now = new Date();
    await knex('environments').insert(
      firstSchemaRow('env-1', 'demo', { phase: 'Pending' }),
    );
    await knex('environment_events').insert({
      environment_id: 'env-1',
      at: now,
      type: 'Normal',
      reason: 'Created',
      message: 'hello',
    });
    const events = await knex('environment_events').where({
      environment_id: 'env-1',
    });
    expect(events).toHaveLength(1);

    // 20261123110000_create_keys adds the idempotency key column.
    await migrateUpOnce(knex);
    await knex('environments')
      .where({ id: 'env-1' })
      .update({ create_key: '["user:default/u","k"]' });
    await expect(
      knex('environments').where({ create_key: '["user:default/u","k"]' }),
    ).resolves.toHaveLength(1);
    // 20261130170000_create_request_fingerprints keeps what the key was for.
    await migrateUpOnce(knex);
    await knex('environments')
      .where({ id: 'env-1' })
      .update({ create_request: 'a'.repeat(64) });
    await downDropsColumn(knex, 'create_request', {
      create_key: '["user:default/u","k"]',
    });

    await downDropsColumn(knex, 'create_key', { id: 'env-1' });

    await migrateDownOnce(knex);
    await expect(knex.schema.hasTable('environments')).resolves.toBe(false);
    await expect(knex.schema.hasTable('environment_events')).resolves.toBe(
      false,
    );
    await knex.destroy();
  });

  it('20261130190000_secret_inputs and 20261130200000_list_view add their columns and fill the list view of existing rows', async () => {
    const knex = await databases.init(databaseId);
    for (let i = 0; i < 3; i++) await migrateUpOnce(knex);
    await knex('environments').insert(
      firstSchemaRow('env-old', 'older', {
        generation: 2,
        spec: JSON.stringify({
          name: 'older',
          templateRef: 'environmenttemplate:default/t',
          templateVersion: '1.0.0',
          templateSnapshot: { type: 'ecs', resources: [] },
          inputs: { image: 'nginx' },
          owner: 'group:default/a',
          generation: 2,
        }),
        status: JSON.stringify({
          phase: 'Ready',
          observedGeneration: 2,
          outputs: { endpoint: 'http://older.example' },
          conditions: [],
          resources: [],
        }),
      }),
    );

    await migrateUpOnce(knex);
    await expect(
      knex.schema.hasColumn('environments', 'secret_inputs'),
    ).resolves.toBe(true);
    await migrateUpOnce(knex);
    const row = await knex('environments').where({ id: 'env-old' }).first();
    expect(JSON.parse(row.spec_summary)).toMatchObject({
      name: 'older',
      templateType: 'ecs',
      owner: 'group:default/a',
      generation: 2,
    });
    expect(JSON.parse(row.status_summary)).toEqual({
      phase: 'Ready',
      observedGeneration: 2,
      outputs: { endpoint: 'http://older.example' },
    });

    await downDropsColumn(knex, 'spec_summary', { id: 'env-old' });
    await downDropsColumn(knex, 'secret_inputs', { id: 'env-old' });
    await knex.destroy();
  });

  it('20261130230000_notices_sent keeps one claim per notice, goes with its environment, and rolls back', async () => {
    const knex = await databases.init(databaseId);
    await migrateUpTo(knex, '20261130230000_notices_sent.js');
    const now = new Date();
    await knex('environments').insert(firstSchemaRow('env-n', 'noticed'));
    const claim = {
      environment_id: 'env-n',
      kind: 'expiring',
      notice_key: 'PT60M@2026-12-01T00:00:00.000Z',
      sent_at: now,
    };
    await knex('environment_notices_sent').insert(claim);
    // The primary key is the claim: a second insert of it lands nowhere.
    await knex('environment_notices_sent').insert(claim).onConflict().ignore();
    await expect(knex('environment_notices_sent')).resolves.toHaveLength(1);
    await knex('environment_notices_sent').insert({
      ...claim,
      notice_key: 'PT1440M@2026-12-01T00:00:00.000Z',
    });
    await knex('environments').where({ id: 'env-n' }).delete();
    await expect(knex('environment_notices_sent')).resolves.toHaveLength(0);

    await migrateDownOnce(knex);
    await expect(
      knex.schema.hasTable('environment_notices_sent'),
    ).resolves.toBe(false);
    await knex.destroy();
  });

  it('20261201030000_list_covering_indexes puts the phase in the list indexes of the filter columns, and rolls back', async () => {
    const knex = await databases.init(databaseId);
    await migrateUpTo(knex, '20261201030000_list_covering_indexes.js');
    const covering = [
      'environments_owner_list_idx',
      'environments_created_by_list_idx',
      'environments_template_list_idx',
      'environments_component_list_idx',
    ];
    const replaced = [
      'environments_owner_created_idx',
      'environments_created_by_created_idx',
      'environments_template_created_idx',
      'environments_component_created_idx',
    ];
    const after = await environmentIndexes(knex);
    expect(after).toEqual(expect.arrayContaining(covering));
    expect(after.filter(name => replaced.includes(name))).toEqual([]);

    await migrateDownOnce(knex);
    const before = await environmentIndexes(knex);
    expect(before).toEqual(expect.arrayContaining(replaced));
    expect(before.filter(name => covering.includes(name))).toEqual([]);
    await knex.destroy();
  });
});
