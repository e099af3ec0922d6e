import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import prettier from 'prettier';
import { REPO_ROOT } from './environments';
import { runBenchmarks, smokeParameters, writeDocs } from './run';

async function postgresReachable(): Promise<boolean> {
  const db = knexFactory({
    client: 'pg',
    connection: { ...smokeParameters.apiScale.postgres, database: 'postgres' },
    acquireConnectionTimeout: 3000,
  });
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await db.destroy();
  }
}

// Exercises every benchmark at small sizes: the harness must work end to
// end. Nothing here asserts on timings.
describe('benchmarks (smoke)', () => {
  it('runs every benchmark and reports sound results', async () => {
    if (!(await postgresReachable())) {
      // Only SQLite then; CI starts PostgreSQL, so it runs both there.
      smokeParameters.apiScale.databases = ['sqlite'];
      smokeParameters.apiScale.catalogOnPostgres = false;
    }
    const report = await runBenchmarks({ smoke: true });
    expect(report.errors).toEqual({});

    const sweep = report.results.statusSweep!;
    expect(sweep.map(c => c.kind)).toEqual([
      'ecs-shared-cluster',
      'ecs-cluster-per-environment',
      'namespace',
      // The copied namespaces (namespaceCopies.ts).
      'namespace',
    ]);
    for (const c of sweep) {
      expect(c.engine.observed).toBe(c.n);
      expect(c.engine.healthy).toBe(c.n);
      expect(c.engine.totalCalls).toBeGreaterThan(0);
    }
    for (const c of sweep.filter(x => x.kind === 'namespace')) {
      // A namespace pass lists each kind once; provisioned and copied
      // environments alike need no read or repair of their own.
      expect(Object.keys(c.engine.calls.kubernetes).sort()).toEqual([
        'list limitranges',
        'list namespaces',
        'list networkpolicies',
        'list resourcequotas',
        'list rolebindings',
        'list serviceaccounts',
      ]);
    }
    for (const c of sweep.filter(x => x.kind !== 'namespace')) {
      // The engine reads settled stacks from one ListStacks snapshot and
      // batches ECS lookups, skipping those of stacks checked moments ago;
      // the naive poller pays per environment.
      expect(c.engine.calls.cloudformation.ListStacks).toBeGreaterThan(0);
      expect(c.engine.calls.ecs?.DescribeServices ?? 0).toBe(0);
      expect(c.due!.calls.ecs.DescribeServices).toBeGreaterThan(0);
      expect(c.due!.healthy).toBe(c.n);
      expect(c.floor).toBeGreaterThan(0);
      expect(c.naive!.calls.cloudformation.DescribeStacks).toBe(c.n);
      expect(c.naive!.healthy).toBe(c.n);
      expect(c.naive!.calls.ecs.DescribeServices).toBeGreaterThanOrEqual(c.n);
      expect(c.ratio!.calls).toBeGreaterThan(0);
    }

    const ttr = report.results.timeToReady!;
    expect(ttr.map(r => [r.environment, r.phase])).toEqual([
      ['platform-base', 'Ready'],
      ['shared-ecs', 'Ready'],
      ['shipped-ecs', 'Ready'],
      ['baseline-ecs', 'Ready'],
      ['full-stack', 'Ready'],
      ['namespace', 'Ready'],
    ]);
    // Each environment on CloudFormation is reported with its critical path
    // and its slowest single resource.
    for (const r of ttr.filter(x => x.environment !== 'namespace')) {
      expect(r.criticalPath).toMatch(/ → /);
      expect(r.slowestResource!.name).toMatch(/\//);
      expect(r.ratioToSlowestResource).toBeGreaterThanOrEqual(1);
    }

    for (const db of report.results.apiScale!) {
      expect(db.endpoints).toHaveLength(4);
      for (const e of db.endpoints) {
        expect(e.requests).toBeGreaterThan(0);
        expect(e.errors).toBe(0);
      }
    }

    const frontend = report.results.frontend!;
    expect(Object.keys(frontend.measures).length).toBeGreaterThan(0);
    // Every cold load reached the card in Chromium and was timed.
    const card = frontend.cardRender;
    expect(card.firstCardMs).toHaveLength(smokeParameters.cardRender.runs);
    for (const ms of card.firstCardMs) {
      expect(Number.isFinite(ms) && ms > 0).toBe(true);
    }
    expect(card.scriptBytes).toBeGreaterThan(0);

    // --write-docs: the run replaces only the results section, and the page
    // it leaves passes the repository's Prettier check.
    const docs = join(mkdtempSync(join(tmpdir(), 'envkit-bench-')), 'b.md');
    copyFileSync(join(REPO_ROOT, 'docs', 'benchmarks.md'), docs);
    const before = readFileSync(docs, 'utf8');
    await writeDocs(report, docs);
    const after = readFileSync(docs, 'utf8');
    const head = (t: string) =>
      t.slice(0, t.indexOf('<!-- bench:results:begin'));
    expect(head(after)).toBe(head(before));
    expect(after).toContain(`Run of ${report.startedAt} (smoke)`);
    const options = (await prettier.resolveConfig(docs)) ?? {};
    expect(prettier.check(after, { ...options, filepath: docs })).toBe(true);
    // A guard against a hang, not a timing: the smoke run takes about two
    // minutes alone and half again next to the rest of the suite.
  }, 420_000);
});
