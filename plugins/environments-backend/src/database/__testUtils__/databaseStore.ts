import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseEnvironmentStore } from '../DatabaseEnvironmentStore';

/** A migrated store on a fresh test database, and the knex client under it. */
export async function databaseStore(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
) {
  const knex = await databases.init(databaseId);
  const store = await DatabaseEnvironmentStore.create({
    database: { getClient: async () => knex },
  });
  return { knex, store };
}
