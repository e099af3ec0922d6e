import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  sandboxAwsCredentials,
  startSandbox,
  type Sandbox,
} from '@envkit/cloud-sandbox';
import { ecsClusterName, stackName } from '@envkit/plugin-environments-common';
import { waitFor } from '@envkit/plugin-environments-node/testUtils';
import type { CompleteEnvironmentDriver } from '@envkit/plugin-environments-node';
import {
  AwsRateLimiter,
  CloudFormationDriver,
} from '@envkit/plugin-environments-backend-module-aws';
import type { Knex } from 'knex';
// Deep imports: the backend package exports only its plugin, so the bench
// reaches into its sources for the engine and store (see README).
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { LifecycleEngine } from '../../../plugins/environments-backend/src/engine/LifecycleEngine';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { DatabaseEnvironmentStore } from '../../../plugins/environments-backend/src/database/DatabaseEnvironmentStore';
import {
  benchTemplate,
  ecsSweepTemplate,
  exampleTemplateSpec,
  markReady,
  pendingEnvironment,
  SeedEnvironment,
} from './environments';
import { seedNamespaceCopies } from './namespaceCopies';
import { startRateLimitProxy, type RateLimitProxy } from './rateLimitProxy';
import {
  mapLimit,
  memoryDatabase,
  quietLogger,
  round,
  sandboxKubernetesDriver,
  sdkConfig,
  totalCalls,
} from './util';

export interface SweepParameters {
  sizes: number[];
  latencyMs: number;
  rateLimits: { ecs: number; cloudformation: number };
  /** Further namespace-only sizes, for the sweep's memory at scale. */
  namespaceSizes?: number[];
  /**
   * Past this many namespace environments the engine provisions one and the
   * rest are copies of it (see namespaceCopies.ts); 1,000 when not given.
   */
  copyNamespacesPast?: number;
}

export const defaultSweepParameters: SweepParameters = {
  sizes: [100, 1000],
  latencyMs: 50,
  rateLimits: { ecs: 20, cloudformation: 5 },
  namespaceSizes: [10_000],
};

export interface PassResult {
  poller: 'engine' | 'naive';
  wallMs: number;
  /** Sandbox call counters for the pass: service → action → calls. */
  calls: Record<string, Record<string, number>>;
  totalCalls: number;
  /** Calls the rate-limit proxy answered with a throttling error. */
  throttled: Record<string, number>;
  /** Environments observed in the pass. */
  observed: number;
  /** Environments still Ready afterwards (engine) / seen healthy (naive). */
  healthy: number;
  /** Engine sweeps the pass took (batch of 20 each). */
  sweeps?: number;
  /** Warnings the engine and drivers logged (retries, errors). */
  warnings?: number;
  /** Resident set size of the bench process before the pass and at its peak, MB. */
  rssMb?: { before: number; peak: number };
}

export interface SweepCase {
  kind: 'ecs-shared-cluster' | 'ecs-cluster-per-environment' | 'namespace';
  n: number;
  /** First pass of a fresh driver, without latency or limits (cold caches). */
  cold: PassResult;
  engine: PassResult;
  /**
   * ECS: the engine again with every stack's service recheck due (what a
   * sweep costs when no settled check can be skipped).
   */
  due?: PassResult;
  /**
   * ECS: the API floor of one pass, DescribeServices ten a call per cluster
   * plus the ListStacks pages.
   */
  floor?: number;
  naive?: PassResult;
  /** naive / engine. */
  ratio?: { calls: number; wallTime: number };
  seedMs: number;
}

const SHARED_CLUSTER = 'envkit-bench-shared';

/** Status sweep: API calls and wall time of one observe pass over N environments. */
export async function runStatusSweep(
  parameters: SweepParameters = defaultSweepParameters,
  log: (line: string) => void = () => {},
): Promise<SweepCase[]> {
  const sandbox = await startSandbox({ port: 0, profile: 'fast' });
  const proxy = await startRateLimitProxy(sandbox);
  const cases: SweepCase[] = [];
  try {
    const runs = [
      ...parameters.sizes.flatMap(n =>
        (
          [
            'ecs-shared-cluster',
            'ecs-cluster-per-environment',
            'namespace',
          ] as const
        ).map(kind => ({ n, kind })),
      ),
      ...(parameters.namespaceSizes ?? []).map(n => ({
        n,
        kind: 'namespace' as const,
      })),
    ];
    for (const { n, kind } of runs) {
      log(`status sweep: ${kind}, N=${n}`);
      cases.push(await runCase(sandbox, proxy, kind, n, parameters));
      const last = cases[cases.length - 1];
      log(
        `  engine ${round(last.engine.wallMs / 1000)} s, ${
          last.engine.totalCalls
        } calls${
          last.naive
            ? `; naive ${round(last.naive.wallMs / 1000)} s, ${
                last.naive.totalCalls
              } calls`
            : ''
        }`,
      );
    }
  } finally {
    await proxy.stop();
    await sandbox.stop();
  }
  return cases;
}

async function runCase(
  sandbox: Sandbox,
  proxy: RateLimitProxy,
  kind: SweepCase['kind'],
  n: number,
  parameters: SweepParameters,
): Promise<SweepCase> {
  const { controls } = sandbox;
  controls.reset();
  controls.setProfile('fast', { clockMultiplier: 1 });
  proxy.setLimits({});
  const db = memoryDatabase();
  try {
    const store = await DatabaseEnvironmentStore.create({
      database: { getClient: async () => db } as any,
    });
    const seedStart = performance.now();
    const seeded =
      kind === 'namespace'
        ? await seedNamespaces(
            sandbox,
            store,
            db,
            n,
            parameters.copyNamespacesPast ?? 1000,
          )
        : await seedEcs(sandbox, store, n, kind === 'ecs-shared-cluster');
    const seedMs = performance.now() - seedStart;

    const counts = { warn: 0, error: 0 };
    const logger = quietLogger(counts);
    // The driver as the plugin builds it from app-config with no
    // rateLimit or statusBatchWindowMs settings: the shipped defaults.
    const cfn = new CloudFormationDriver({
      logger,
      credentialsManager: sandboxAwsCredentials,
      endpoint: proxy.url,
    });
    const k8s = sandboxKubernetesDriver(sandbox, logger);
    const drivers = new Map<string, CompleteEnvironmentDriver>([
      ['aws-cloudformation', cfn as CompleteEnvironmentDriver],
      ['kubernetes-namespace', k8s as CompleteEnvironmentDriver],
    ]);
    const engine = new LifecycleEngine({
      store,
      drivers,
      logger,
      replicaId: 'bench',
      // Shipped timings, except that an observed environment is not due
      // again within the pass.
      timings: { observeIntervalMs: 3_600_000 },
    });

    try {
      // Warm-up pass with the driver's client-side limit lifted: fills the
      // driver's per-stack cache of ECS services (one ListStackResources
      // per stack), as a backend that has been running a while has it.
      const internals = cfn as unknown as {
        limiter: AwsRateLimiter;
        batcher: { options: { limiter: AwsRateLimiter } };
      };
      // CloudFormation and ECS have a limiter each; both are lifted.
      const shippedCloudFormation = internals.limiter;
      const shippedEcs = internals.batcher.options.limiter;
      const lifted = new AwsRateLimiter({
        requestsPerSecond: 100_000,
        burst: 100_000,
      });
      internals.limiter = lifted;
      internals.batcher.options.limiter = lifted;
      const cold = await enginePass(sandbox, proxy, engine, db, counts);
      internals.limiter = shippedCloudFormation;
      internals.batcher.options.limiter = shippedEcs;
      // The measured pass pays for its own stack status snapshot, as every
      // sweep of a running backend does (its observe interval is longer than
      // the snapshot's lifetime).
      (
        cfn as unknown as {
          reader: { snapshot: { snapshots: Map<string, unknown> } };
        }
      ).reader.snapshot.snapshots.clear();
      // Likewise the namespace driver's shared cluster-wide lists.
      (
        k8s as unknown as { sweep: { listings: Map<string, unknown> } }
      ).sweep.listings.clear();
      controls.addLatency('cloudformation', parameters.latencyMs);
      controls.addLatency('ecs', parameters.latencyMs);
      controls.addLatency('kubernetes', parameters.latencyMs);
      proxy.setLimits(parameters.rateLimits);
      const engineResult = await enginePass(sandbox, proxy, engine, db, counts);
      let due: PassResult | undefined;
      if (kind !== 'namespace') {
        // The same pass once every settled check is due again.
        (
          cfn as unknown as { settled: { checks: Map<string, unknown> } }
        ).settled.checks.clear();
        (
          cfn as unknown as {
            reader: { snapshot: { snapshots: Map<string, unknown> } };
          }
        ).reader.snapshot.snapshots.clear();
        due = await enginePass(sandbox, proxy, engine, db, counts);
      }
      let naive: PassResult | undefined;
      if (kind !== 'namespace') {
        proxy.setLimits(parameters.rateLimits);
        naive = await naivePass(
          sandbox,
          proxy,
          seeded as SeededEcs[],
          parameters,
        );
      }
      return {
        kind,
        n,
        seedMs: round(seedMs, 0),
        cold,
        engine: engineResult,
        due,
        floor:
          kind === 'namespace'
            ? undefined
            : (kind === 'ecs-shared-cluster' ? Math.ceil(n / 10) : n) +
              Math.ceil((n + (kind === 'ecs-shared-cluster' ? 1 : 0)) / 100),
        naive,
        ratio: naive
          ? {
              calls: round(naive.totalCalls / engineResult.totalCalls, 2),
              wallTime: round(naive.wallMs / engineResult.wallMs, 2),
            }
          : undefined,
      };
    } finally {
      cfn.close();
    }
  } finally {
    controls.clearFaults();
    proxy.setLimits({});
    await db.destroy();
  }
}

/**
 * What every poller's pass reports alike: wall time since `start` and the
 * sandbox calls made since the counters were reset (a throttled call counts
 * as a call, as it does against the account's limit; `throttled` says how
 * many were).
 */
function passTotals(
  sandbox: Sandbox,
  proxy: RateLimitProxy,
  start: number,
): Pick<PassResult, 'wallMs' | 'calls' | 'totalCalls' | 'throttled'> {
  const wallMs = performance.now() - start;
  const calls = sandbox.controls.calls();
  return {
    wallMs: round(wallMs, 0),
    calls,
    totalCalls: totalCalls(calls),
    throttled: { ...proxy.throttled },
  };
}

/** One observe pass: every environment due now, engine sweeps back to back. */
async function enginePass(
  sandbox: Sandbox,
  proxy: RateLimitProxy,
  engine: LifecycleEngine,
  db: Knex,
  counts: { warn: number },
): Promise<PassResult> {
  await db('environments').update({ next_reconcile_at: new Date(0) });
  sandbox.controls.resetCalls();
  const warnBefore = counts.warn;
  // The sandbox runs in this process too; its share is in `before`.
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const start = performance.now();
  let sweeps = 0;
  let observed = 0;
  try {
    for (;;) {
      const worked = await engine.sweep();
      if (worked === 0) break;
      sweeps += 1;
      observed += worked;
    }
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const totals = passTotals(sandbox, proxy, start);
  const [{ ready }] = await db('environments')
    .where({ phase: 'Ready' })
    .count({ ready: '*' });
  return {
    poller: 'engine',
    ...totals,
    observed,
    healthy: Number(ready),
    sweeps,
    warnings: counts.warn - warnBefore,
    rssMb: {
      before: round(before / 2 ** 20, 0),
      peak: round(peak / 2 ** 20, 0),
    },
  };
}

interface SeededEcs {
  stackName: string;
}

async function seedEcs(
  sandbox: Sandbox,
  store: DatabaseEnvironmentStore,
  n: number,
  shared: boolean,
): Promise<SeededEcs[]> {
  const cfn = new CloudFormationClient(sdkConfig(sandbox.url));
  try {
    const body = benchTemplate('sweep-service.yaml');
    if (shared) {
      await cfn.send(
        new CreateStackCommand({
          StackName: 'envkit-bench-shared-cluster',
          TemplateBody: benchTemplate('shared-cluster.yaml'),
          Parameters: [
            { ParameterKey: 'ClusterName', ParameterValue: SHARED_CLUSTER },
          ],
        }),
      );
      await waitFor(
        'the shared cluster stack',
        () =>
          sandbox.controls
            .inventory()
            .some(s => s.status === 'CREATE_COMPLETE'),
        { timeoutMs: 30_000 },
      );
    }
    const template = ecsSweepTemplate();
    const envs = Array.from({ length: n }, (_, i) =>
      pendingEnvironment({
        name: `sweep-${i}`,
        template,
        templateRef: 'environmenttemplate:default/bench-ecs',
        inputs: {},
      }),
    );
    const seeded = await mapLimit(envs, 32, async (env, i) => {
      const name = stackName(env.spec.name, env.id, 'service');
      const cluster = shared
        ? SHARED_CLUSTER
        : ecsClusterName(env.spec.name, env.id);
      const service = `sweep-svc-${i}`;
      await cfn.send(
        new CreateStackCommand({
          StackName: name,
          TemplateBody: body,
          Parameters: [
            { ParameterKey: 'ServiceName', ParameterValue: service },
            { ParameterKey: 'ClusterName', ParameterValue: cluster },
            {
              ParameterKey: 'SharedCluster',
              ParameterValue: shared ? 'true' : 'false',
            },
          ],
          Tags: [{ Key: 'envkit:environment', Value: env.id }],
        }),
      );
      await store.createEnvironment(
        markReady(env, {
          service: { ClusterName: cluster, ServiceName: service },
        }),
      );
      return { stackName: name };
    });
    await waitFor(
      `${n} stacks to complete`,
      () =>
        sandbox.controls
          .inventory({ key: 'envkit:environment' })
          .filter(s => s.status === 'CREATE_COMPLETE').length === n,
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    return seeded;
  } finally {
    cfn.destroy();
  }
}

async function seedNamespaces(
  sandbox: Sandbox,
  store: DatabaseEnvironmentStore,
  db: Knex,
  n: number,
  copyPast: number,
): Promise<SeedEnvironment[]> {
  const template = exampleTemplateSpec('dev-namespace.yaml');
  const envs = Array.from({ length: n }, (_, i) =>
    pendingEnvironment({
      name: `sweep-ns-${i}`,
      template,
      templateRef: 'environmenttemplate:default/dev-namespace',
      inputs: {
        quotaSize: 'small',
        image: '',
        containerPort: 8080,
        podSecurity: 'baseline',
      },
    }),
  );
  // Past `copyPast` the engine provisions one and the rest are copies of it
  // (see namespaceCopies.ts).
  const copies = n > copyPast ? envs.splice(1) : [];
  for (const env of envs) await store.createEnvironment(env);
  // Provision them with the engine itself, in big batches and without
  // latency, so seeding stays quick.
  const logger = quietLogger();
  const engine = new LifecycleEngine({
    store,
    drivers: new Map([
      [
        'kubernetes-namespace',
        sandboxKubernetesDriver(sandbox, logger) as CompleteEnvironmentDriver,
      ],
    ]),
    logger,
    replicaId: 'bench-seed',
    timings: { batchSize: 200, progressIntervalMs: 0 },
  });
  await waitFor(
    `${n} namespace environments to be Ready`,
    async () => {
      await engine.sweep();
      const [{ ready }] = await db('environments')
        .where({ phase: 'Ready' })
        .count({ ready: '*' });
      return Number(ready) === envs.length;
    },
    { timeoutMs: 300_000, intervalMs: 0 },
  );
  if (copies.length) {
    await seedNamespaceCopies(sandbox, store, envs[0], copies);
  }
  return [...envs, ...copies];
}

/**
 * The baseline: a poller that knows nothing of batching or caching. Per
 * environment, DescribeStacks and then DescribeServices for the service the
 * stack outputs name. To be fair it gets a client-side token bucket per
 * service matching the account's limits, with backoff on throttling (the
 * driver's own AwsRateLimiter, one per service), 16 environments at a time.
 */
async function naivePass(
  sandbox: Sandbox,
  proxy: RateLimitProxy,
  seeded: SeededEcs[],
  parameters: SweepParameters,
): Promise<PassResult> {
  const config = { ...sdkConfig(proxy.url), maxAttempts: 1 };
  const cfn = new CloudFormationClient(config);
  const ecs = new ECSClient(config);
  const cfnLimit = new AwsRateLimiter({
    requestsPerSecond: parameters.rateLimits.cloudformation,
    burst: parameters.rateLimits.cloudformation,
  });
  const ecsLimit = new AwsRateLimiter({
    requestsPerSecond: parameters.rateLimits.ecs,
    burst: parameters.rateLimits.ecs,
  });
  sandbox.controls.resetCalls();
  const start = performance.now();
  let healthy = 0;
  try {
    await mapLimit(seeded, 16, async ({ stackName: name }) => {
      const stacks = await cfnLimit.run('cfn', () =>
        cfn.send(new DescribeStacksCommand({ StackName: name })),
      );
      const stack = stacks.Stacks?.[0];
      const out = Object.fromEntries(
        (stack?.Outputs ?? []).map(o => [o.OutputKey, o.OutputValue]),
      );
      const services = await ecsLimit.run('ecs', () =>
        ecs.send(
          new DescribeServicesCommand({
            cluster: out.ClusterName,
            services: [out.ServiceName ?? ''],
          }),
        ),
      );
      const service = services.services?.[0];
      if (
        stack?.StackStatus === 'CREATE_COMPLETE' &&
        service?.status === 'ACTIVE' &&
        service.runningCount === service.desiredCount
      ) {
        healthy += 1;
      }
    });
  } finally {
    cfn.destroy();
    ecs.destroy();
  }
  return {
    poller: 'naive',
    ...passTotals(sandbox, proxy, start),
    observed: seeded.length,
    healthy,
  };
}
