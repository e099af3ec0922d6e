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

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('20261123090000_environments creates the tables, links events to their environment, and rolls back', async () => {
    const knex = await databases.init(databaseId);
    await expect(knex.schema.hasTable('environments')).resolves.toBe(false);
    await migrateUpOnce(knex);

    const now = new Date();
    await knex('environments').insert({
      id: 'env-1',
      name: 'demo',
      active_name: 'demo',
      owner: 'group:default/a',
      template_ref: 'environmenttemplate:default/t',
      template_version: '1.0.0',
      phase: 'Pending',
      generation: 1,
      spec: '{}',
      status: '{}',
      created_by: 'user:default/u',
      created_at: now,
      updated_at: now,
    });
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
});
