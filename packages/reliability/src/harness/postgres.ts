/*
 * PostgreSQL for the replica suite: the connection CI gives every store
 * test, and clean-up of the databases a backend made under a prefix.
 */
import { Client } from 'pg';

export function postgresConnection(): string {
  return (
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    'postgresql://postgres@127.0.0.1:5432'
  );
}

export async function dropDatabases(prefix: string): Promise<string[]> {
  const client = new Client({ connectionString: postgresConnection() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [datname],
      );
      await client.query(`DROP DATABASE IF EXISTS "${datname}"`);
    }
    return rows.map(r => r.datname);
  } finally {
    await client.end();
  }
}
