import type { LoggerService } from '@backstage/backend-plugin-api';
import { KubernetesNamespaceDriver } from '@envkit/plugin-environments-backend-module-kubernetes';
import { SANDBOX_AWS_KEYS, sandboxClusterConfig } from '@envkit/cloud-sandbox';
import knexFactory, { Knex } from 'knex';

/** A logger that keeps quiet but counts warnings and errors. */
export function quietLogger(counts = { warn: 0, error: 0 }): LoggerService & {
  counts: { warn: number; error: number };
} {
  const logger = {
    counts,
    error: () => {
      counts.error += 1;
    },
    warn: () => {
      counts.warn += 1;
    },
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

export const sdkConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: SANDBOX_AWS_KEYS,
});

/** The sandbox as the one Kubernetes cluster, as the driver's config lists clusters. */
export const sandboxCluster = (sandbox: { url: string }) =>
  sandboxClusterConfig(sandbox);

/** The namespace driver against the sandbox's Kubernetes API. */
export function sandboxKubernetesDriver(
  sandbox: { url: string },
  logger: LoggerService,
) {
  return new KubernetesNamespaceDriver({
    logger,
    clusters: [sandboxCluster(sandbox)],
  });
}

/** An in-memory SQLite database, as the plugin's DatabaseService would hand out. */
export function memoryDatabase(): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
}

/** Runs `fn` over `items` with at most `concurrency` calls at once. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(concurrency, items.length) },
    async () => {
      for (;;) {
        const index = next++;
        if (index >= items.length) return;
        results[index] = await fn(items[index], index);
      }
    },
  );
  await Promise.all(workers);
  return results;
}

/** Nearest-rank percentile of `values` (need not be sorted). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const round = (value: number, digits = 1) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value;

/** Sums a sandbox call snapshot: `{ service: { action: n } }` → total. */
export function totalCalls(calls: Record<string, Record<string, number>>) {
  let total = 0;
  for (const actions of Object.values(calls)) {
    for (const n of Object.values(actions)) total += n;
  }
  return total;
}
