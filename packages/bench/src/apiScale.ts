import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import knexFactory, { Knex } from 'knex';
import YAML from 'yaml';
import { startSandbox } from '@envkit/cloud-sandbox';
import { sleep, waitFor } from '@envkit/plugin-environments-node/testUtils';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { DatabaseEnvironmentStore } from '../../../plugins/environments-backend/src/database/DatabaseEnvironmentStore';
import {
  exampleTemplateSpec,
  markReady,
  pendingEnvironment,
  REPO_ROOT,
} from './environments';
import { mapLimit, sandboxCluster } from './util';

export interface ApiScaleParameters {
  environments: number;
  entities: number;
  databases: ('sqlite' | 'postgres')[];
  connections: number;
  durationSeconds: number;
  pageSize: number;
  postgres: { host: string; port: number; user: string };
  /**
   * The catalog on PostgreSQL in the SQLite runs too: it ingests about ten
   * times faster there, so the yardstick is loaded in minutes.
   */
  catalogOnPostgres: boolean;
  /**
   * Further runs at other sizes. Each holds `entities` catalog entities,
   * as many as environments when not given (so the catalog comparison is at
   * the same count).
   */
  largeRuns?: {
    database: 'sqlite' | 'postgres';
    environments: number;
    entities?: number;
  }[];
}

export const defaultApiScaleParameters: ApiScaleParameters = {
  environments: 10_000,
  entities: 10_000,
  databases: ['sqlite', 'postgres'],
  connections: 10,
  durationSeconds: 10,
  pageSize: 20,
  postgres: { host: '127.0.0.1', port: 5432, user: 'postgres' },
  catalogOnPostgres: true,
  // 100,000 environments beside the 10,000 components of the other runs:
  // what grows is the environments table; the list's 3× over the catalog is
  // compared at 10,000, where both hold as many.
  largeRuns: [
    { database: 'postgres', environments: 100_000, entities: 10_000 },
  ],
};

export interface EndpointResult {
  name: string;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
}

export interface ApiScaleResult {
  database: 'sqlite' | 'postgres';
  environments: number;
  entities: number;
  seedSeconds: number;
  catalogIngestSeconds: number;
  /** How long the backend took to go idle after the ingestion (at most 180 s). */
  settleSeconds?: number;
  backendStartSeconds: number;
  /** The machine's 1-minute load average as the measurements began. */
  loadAverage: number;
  endpoints: EndpointResult[];
}

const TEMPLATE_REF = 'environmenttemplate:default/bench-namespace';

/**
 * The schedule of the Envkit catalog provider's full read of the
 * environments: not before the run is over. The seeded environments are not
 * published to the catalog during the run: a fresh catalog would still be
 * taking in up to 100,000 of them while the load runs, where an
 * installation's catalog holds them already. Environments the create
 * requests make still arrive as deltas.
 */
const ENVIRONMENTS_READ_AFTER_RUN = {
  frequency: { hours: 2 },
  timeout: { minutes: 10 },
  initialDelay: { hours: 1 },
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The catalog file: an EnvironmentTemplate for creates and N components. */
function writeCatalogFiles(dir: string, entities: number) {
  const template = YAML.parse(
    require('node:fs').readFileSync(
      join(REPO_ROOT, 'examples', 'templates', 'dev-namespace.yaml'),
      'utf8',
    ),
  );
  template.metadata.name = 'bench-namespace';
  // No per-owner limit: the create benchmark makes many environments.
  delete template.spec.guardrails.maxEnvironmentsPerOwner;
  writeFileSync(join(dir, 'template.yaml'), YAML.stringify(template));
  const docs: string[] = [];
  for (let i = 0; i < entities; i++) {
    docs.push(
      YAML.stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: `bench-component-${i}`,
          description: `Benchmark component ${i}`,
          tags: ['bench'],
        },
        spec: {
          type: 'service',
          lifecycle: 'experimental',
          // Owners spread over 200 groups, as in an organisation: with one
          // owner, that group's relations grow with every component and
          // the catalog stitches it again each time (quadratic ingestion).
          owner: `group:default/bench-team-${i % 200}`,
        },
      }),
    );
  }
  writeFileSync(join(dir, 'components.yaml'), docs.join('---\n'));
}

export async function seedEnvironments(db: Knex, n: number) {
  const store = await DatabaseEnvironmentStore.create({
    database: { getClient: async () => db } as any,
  });
  const template = exampleTemplateSpec('dev-namespace.yaml');
  // A few inserts in flight: 100,000 one after another take many minutes.
  const ids = await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    8,
    async i => {
      const env = markReady(
        pendingEnvironment({
          name: `seed-${i}`,
          template,
          templateRef: TEMPLATE_REF,
          inputs: { quotaSize: 'small', image: '', containerPort: 8080 },
          // Owned by the caller: the example app's policy lets owners read.
          owner: 'user:default/guest',
        }),
      );
      await store.createEnvironment(env);
      return env.id;
    },
  );
  // Seeded environments are not due for reconciling during the run, so the
  // engine does not observe 10,000 environments while we measure the API.
  await db('environments').update({
    next_reconcile_at: new Date(Date.now() + 24 * 3600_000),
  });
  // A table that grew over months has statistics, and on PostgreSQL
  // autovacuum has cleared its dead row versions and marked its pages
  // all-visible. One filled a minute ago has none of that: PostgreSQL then
  // guesses a few hundred rows per owner and reads every row of the owner
  // to count to the bound (0.3 s at 100,000 instead of 6 ms), and, after
  // the update above left a dead version of every row, scans past them
  // instead of reading the list index alone (the count took 40-170 ms at
  // 100,000 instead of under 1 ms). Autovacuum would do the same within a
  // minute or two of such an update; the benchmark does not wait for it.
  const pg = (db.client.config as { client?: unknown }).client === 'pg';
  await db.raw(pg ? 'VACUUM ANALYZE' : 'ANALYZE');
  return ids;
}

/** CPU seconds a process has used so far (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/**
 * Waits until the process uses less than a tenth of a core over two
 * seconds, for at most `maxMs`; says whether it got there.
 */
export async function waitUntilIdle(pid: number, maxMs = 180_000) {
  const deadline = Date.now() + maxMs;
  let before = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(2000);
    const now = cpuSeconds(pid);
    if (now - before < 0.2) return true;
    before = now;
  }
  return false;
}

async function getJson(url: string, token?: string) {
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

function summarize(name: string, r: autocannon.Result): EndpointResult {
  return {
    name,
    requests: r.requests.total,
    errors: r.errors + r.non2xx,
    p50: r.latency.p50,
    p95: (r.latency as any).p95 ?? r.latency.p97_5,
    p99: r.latency.p99,
    rps: r.requests.average,
  };
}

/**
 * API at scale: the real example backend (packages/backend) in a child
 * process on SQLite or PostgreSQL, with N environments seeded in its plugin
 * database and N catalog entities from a generated location file, loaded
 * with autocannon.
 */
export async function runApiScale(
  parameters: ApiScaleParameters = defaultApiScaleParameters,
  log: (line: string) => void = () => {},
): Promise<ApiScaleResult[]> {
  const results: ApiScaleResult[] = [];
  for (const database of parameters.databases) {
    log(`api at scale: ${database}, ${parameters.environments} environments`);
    results.push(await runOne(database, parameters, log));
  }
  for (const large of parameters.largeRuns ?? []) {
    log(`api at scale: ${large.database}, ${large.environments} environments`);
    results.push(
      await runOne(
        large.database,
        {
          ...parameters,
          environments: large.environments,
          entities: large.entities ?? large.environments,
        },
        log,
      ),
    );
  }
  return results;
}

/**
 * Runs `fn` on the server's `postgres` database, where the run's own
 * databases are created and dropped, and closes the connection after.
 */
async function onPostgresAdmin<T>(
  pg: ApiScaleParameters['postgres'],
  fn: (admin: Knex) => Promise<T>,
): Promise<T> {
  const admin = knexFactory({
    client: 'pg',
    connection: { ...pg, database: 'postgres' },
  });
  try {
    return await fn(admin);
  } finally {
    await admin.destroy();
  }
}

async function runOne(
  database: 'sqlite' | 'postgres',
  parameters: ApiScaleParameters,
  log: (line: string) => void,
): Promise<ApiScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'envkit-bench-api-'));
  const prefix = `envkit_bench_${process.pid}_${Date.now()}_`;
  const sandbox = await startSandbox({ port: 0, profile: 'fast' });
  const port = await freePort();
  const pg = parameters.postgres;
  let backend: ChildProcess | undefined;
  let output = '';
  try {
    writeCatalogFiles(dir, parameters.entities);
    const pgConnection = { host: pg.host, port: pg.port, user: pg.user };
    const dbConfig =
      database === 'sqlite'
        ? {
            client: 'better-sqlite3',
            connection: { directory: dir },
            // The catalog ingests 10,000 entities about ten times faster on
            // PostgreSQL than on SQLite (minutes rather than most of an
            // hour here); the environments plugin stays on SQLite.
            ...(parameters.catalogOnPostgres
              ? {
                  plugin: {
                    catalog: {
                      client: 'pg',
                      connection: {
                        ...pgConnection,
                        database: `${prefix}catalog`,
                      },
                      // The backend would look for it through the SQLite
                      // base connection; it is made below instead.
                      ensureExists: false,
                    },
                  },
                }
              : {}),
          }
        : { client: 'pg', prefix, connection: pgConnection };
    const config = {
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: dbConfig,
      },
      environments: {
        aws: { endpoint: sandbox.url },
        kubernetes: {
          clusters: [sandboxCluster(sandbox)],
        },
      },
      catalog: {
        // Each entity is processed once when it arrives; re-processing the
        // whole catalog every couple of minutes (the default) would compete
        // with the load the benchmark measures.
        processingInterval: { minutes: 60 },
        providers: {
          envkit: { environments: { schedule: ENVIRONMENTS_READ_AFTER_RUN } },
        },
        locations: [
          {
            type: 'file',
            target: join(REPO_ROOT, 'examples', 'org.yaml'),
            rules: [{ allow: ['User', 'Group'] }],
          },
          { type: 'file', target: join(dir, 'components.yaml') },
          {
            type: 'file',
            target: join(dir, 'template.yaml'),
            rules: [{ allow: ['EnvironmentTemplate'] }],
          },
        ],
      },
    };
    const configPath = join(dir, 'app-config.bench.yaml');
    writeFileSync(configPath, YAML.stringify(config));

    // Seed the environments plugin's database before the backend starts.
    const seedStart = performance.now();
    let seedDb: Knex;
    if (database === 'sqlite') {
      if (parameters.catalogOnPostgres) {
        await onPostgresAdmin(pg, admin =>
          admin.raw(`CREATE DATABASE "${prefix}catalog"`),
        );
      }
      seedDb = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'environments.sqlite') },
        useNullAsDefault: true,
      });
    } else {
      await onPostgresAdmin(pg, admin =>
        admin.raw(`CREATE DATABASE "${prefix}environments"`),
      );
      seedDb = knexFactory({
        client: 'pg',
        connection: { ...pg, database: `${prefix}environments` },
      });
    }
    const ids = await seedEnvironments(seedDb, parameters.environments);
    await seedDb.destroy();
    const seedSeconds = (performance.now() - seedStart) / 1000;
    log(`  seeded ${ids.length} environments in ${seedSeconds.toFixed(1)} s`);

    const startedAt = performance.now();
    backend = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs', {
          paths: [REPO_ROOT],
        }),
        'src/index.ts',
        '--config',
        join(REPO_ROOT, 'app-config.yaml'),
        '--config',
        configPath,
      ],
      {
        cwd: join(REPO_ROOT, 'packages', 'backend'),
        env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    backend.stdout?.on('data', keep);
    backend.stderr?.on('data', keep);
    const base = `http://127.0.0.1:${port}`;
    const exited = () => backend?.exitCode !== null;
    await waitFor(
      'the backend to answer',
      async () => {
        if (exited()) throw new Error(`backend exited: ${output}`);
        try {
          await getJson(`${base}/api/environments/health`);
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const backendStartSeconds = (performance.now() - startedAt) / 1000;
    const refresh = await fetch(
      `${base}/api/auth/guest/refresh?env=development`,
      {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      },
    ).then(r => r.json());
    const token: string = refresh.backstageIdentity.token;

    const ingestStart = performance.now();
    await waitFor(
      `${parameters.entities} catalog components`,
      async () => {
        const page = await getJson(
          `${base}/api/catalog/entities/by-query?limit=1&filter=metadata.tags=bench`,
          token,
        ).catch(() => ({ totalItems: 0 }));
        const template = await fetch(
          `${base}/api/catalog/entities/by-name/environmenttemplate/default/bench-namespace`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        return page.totalItems >= parameters.entities && template.ok;
      },
      // Ten a second at the least, as on a machine shared with other work.
      {
        timeoutMs: Math.max(900_000, parameters.entities * 100),
        intervalMs: 1000,
      },
    );
    const catalogIngestSeconds = (performance.now() - ingestStart) / 1000;
    log(
      `  catalog holds the entities after ${catalogIngestSeconds.toFixed(1)} s`,
    );
    // The catalog goes on processing (relations, stitching) for a while
    // after every entity is readable; measure once the backend is idle.
    const settleStart = performance.now();
    const idle = await waitUntilIdle(backend.pid!);
    const settleSeconds = (performance.now() - settleStart) / 1000;
    log(
      `  backend ${idle ? 'idle' : 'still busy'} after ${settleSeconds.toFixed(
        1,
      )} s more`,
    );

    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };
    const common = {
      url: base,
      connections: parameters.connections,
      duration: parameters.durationSeconds,
      headers,
    };
    const endpoints: EndpointResult[] = [];
    const loadAverage = Number(loadavg()[0].toFixed(1));
    const run = async (name: string, options: Record<string, unknown>) => {
      const result = await cannon({
        ...common,
        ...options,
      } as autocannon.Options);
      const summary = summarize(name, result);
      endpoints.push(summary);
      // Everything the report shows, so an interrupted run still tells it.
      log(
        `  ${name}: p50 ${summary.p50} ms, p95 ${summary.p95} ms, p99 ${summary.p99} ms, ${summary.rps} req/s, ${summary.requests} requests, ${summary.errors} errors`,
      );
    };
    // Two seconds of the list first, not counted: the first requests of a
    // fresh backend pay for compiling its code paths and opening pools.
    await cannon({
      ...common,
      duration: Math.min(2, parameters.durationSeconds),
      url: `${base}/api/environments/environments?limit=${parameters.pageSize}`,
    } as autocannon.Options);
    await run(
      `GET /api/environments/environments?limit=${parameters.pageSize}`,
      {
        url: `${base}/api/environments/environments?limit=${parameters.pageSize}`,
      },
    );
    let next = 0;
    await run('GET /api/environments/environments/:id', {
      requests: [
        {
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            path: `/api/environments/environments/${ids[next++ % ids.length]}`,
          }),
        },
      ],
    });
    let created = 0;
    const runTag = Date.now().toString(36).slice(-4);
    await run('POST /api/environments/environments', {
      requests: [
        {
          method: 'POST',
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            method: 'POST',
            path: '/api/environments/environments',
            body: JSON.stringify({
              name: `load-${runTag}-${created++}`,
              templateRef: TEMPLATE_REF,
              inputs: {},
            }),
          }),
        },
      ],
    });
    await run(
      `GET /api/catalog/entities/by-query?limit=${parameters.pageSize}`,
      {
        url: `${base}/api/catalog/entities/by-query?limit=${parameters.pageSize}`,
      },
    );
    return {
      database,
      environments: parameters.environments,
      entities: parameters.entities,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      catalogIngestSeconds: Number(catalogIngestSeconds.toFixed(1)),
      settleSeconds: Number(settleSeconds.toFixed(1)),
      backendStartSeconds: Number(backendStartSeconds.toFixed(1)),
      loadAverage,
      endpoints,
    };
  } finally {
    if (backend && backend.exitCode === null) {
      const gone = new Promise(resolve => backend!.once('exit', resolve));
      backend.kill('SIGTERM');
      await Promise.race([gone, sleep(10_000)]);
      if (backend.exitCode === null) backend.kill('SIGKILL');
    }
    await sandbox.stop();
    if (database === 'postgres' || parameters.catalogOnPostgres) {
      await onPostgresAdmin(pg, async admin => {
        const rows = await admin.raw(
          `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'`,
        );
        for (const { datname } of rows.rows) {
          await admin.raw(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
        }
      });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
