import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './environments';
import type { SweepCase, SweepParameters } from './statusSweep';
import type { TimeToReadyParameters, TimeToReadyResult } from './timeToReady';
import { SEED_MINUTES } from './timeToReady';
import type { ApiScaleParameters, ApiScaleResult } from './apiScale';
import type { FrontendResult } from './frontend';
import type { CardRenderParameters } from './cardRender';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  mode: 'full' | 'smoke';
  machine: Record<string, unknown>;
  versions: Record<string, string>;
  parameters: {
    statusSweep?: SweepParameters;
    timeToReady?: TimeToReadyParameters;
    apiScale?: ApiScaleParameters;
    cardRender?: CardRenderParameters;
  };
  results: {
    statusSweep?: SweepCase[];
    timeToReady?: TimeToReadyResult[];
    apiScale?: ApiScaleResult[];
    frontend?: FrontendResult;
  };
  /** Benchmarks that threw, with the message. */
  errors: Record<string, string>;
}

function version(pkg: string): string {
  try {
    return JSON.parse(
      readFileSync(
        require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] }),
        'utf8',
      ),
    ).version;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    // not a git checkout
  }
  return {
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    commit,
  };
}

export function versions(): Record<string, string> {
  const root = JSON.parse(
    readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'),
  );
  return {
    envkit: root.version,
    '@backstage/backend-defaults': version('@backstage/backend-defaults'),
    '@backstage/plugin-catalog-backend': version(
      '@backstage/plugin-catalog-backend',
    ),
    '@backstage/cli': version('@backstage/cli'),
    knex: version('knex'),
    'better-sqlite3': version('better-sqlite3'),
    pg: version('pg'),
    autocannon: version('autocannon'),
    'playwright-core': version('playwright-core'),
  };
}

const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);

function callsText(calls: Record<string, Record<string, number>>): string {
  return Object.entries(calls)
    .flatMap(([service, actions]) =>
      Object.entries(actions).map(([a, n]) => `${service} ${a} ${n}`),
    )
    .join('<br>');
}

function throttledText(t: Record<string, number>): string {
  const entries = Object.entries(t);
  return entries.length ? entries.map(([s, n]) => `${s} ${n}`).join(', ') : '0';
}

/** The report as Markdown (the body of docs/benchmarks.md's results). */
export function toMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  const p = report.parameters;
  lines.push(
    `Run of ${report.startedAt} (${report.mode}), ${fmt(
      report.durationSeconds / 60,
    )} minutes in all.`,
    '',
    '| Machine | |',
    '| --- | --- |',
    ...Object.entries(report.machine).map(([k, v]) => `| ${k} | ${v} |`),
    ...Object.entries(report.versions).map(([k, v]) => `| ${k} | ${v} |`),
    '',
  );
  const sweep = report.results.statusSweep;
  if (sweep && p.statusSweep) {
    lines.push(
      '### Status sweep',
      '',
      `Sandbox latency ${p.statusSweep.latencyMs} ms per call on every service; rate limits ECS ${p.statusSweep.rateLimits.ecs} rps, CloudFormation ${p.statusSweep.rateLimits.cloudformation} rps (token buckets of one second, excess calls answered with the service's throttling error). One pass = every environment observed once.`,
      '',
      '| Environments | N | Poller | Wall time (s) | Calls | Calls by action | Throttled | Observed / healthy |',
      '| --- | ---: | --- | ---: | ---: | --- | --- | --- |',
    );
    for (const c of sweep) {
      const rows: [string, SweepCase['engine']][] = [
        ['engine, first pass (no latency/limits, cold cache)', c.cold],
        ['engine (shipped defaults)', c.engine],
      ];
      if (c.naive) rows.push(['naive per-environment poller', c.naive]);
      for (const [label, r] of rows) {
        lines.push(
          `| ${c.kind} | ${c.n} | ${label} | ${fmt(r.wallMs / 1000)} | ${
            r.totalCalls
          } | ${callsText(r.calls)} | ${throttledText(r.throttled)} | ${
            r.observed
          } / ${r.healthy} |`,
        );
      }
    }
    lines.push(
      '',
      '| Environments | N | Calls naive ÷ engine | Wall time naive ÷ engine |',
      '| --- | ---: | ---: | ---: |',
      ...sweep
        .filter(c => c.ratio)
        .map(
          c =>
            `| ${c.kind} | ${c.n} | ${fmt(c.ratio?.calls, 2)} | ${fmt(
              c.ratio?.wallTime,
              2,
            )} |`,
        ),
      '',
    );
  }
  const ttr = report.results.timeToReady;
  if (ttr && p.timeToReady) {
    lines.push(
      '### Time to ready',
      '',
      `Profile \`${p.timeToReady.profile}\`, clock ×${p.timeToReady.clockMultiplier}; simulated minutes = real time × ${p.timeToReady.clockMultiplier}. The seed design took about ${SEED_MINUTES} minutes.`,
      '',
      '| Environment | What | Outcome | Simulated minutes | ÷ baseline | ÷ seed (7 min) |',
      '| --- | --- | --- | ---: | ---: | ---: |',
      ...ttr.map(
        r =>
          `| ${r.environment} | ${r.description} | ${r.phase} | ${fmt(
            r.simulatedMinutes,
            2,
          )} | ${fmt(r.ratioToBaseline, 2)} | ${fmt(r.ratioToSeed, 2)} |`,
      ),
      '',
    );
  }
  const api = report.results.apiScale;
  if (api && p.apiScale) {
    lines.push(
      '### API at scale',
      '',
      `${p.apiScale.environments} environments and ${p.apiScale.entities} catalog entities; autocannon, ${p.apiScale.connections} connections for ${p.apiScale.durationSeconds} s per endpoint. Latencies in ms.`,
      '',
      '| Database | Request | Requests | Errors | p50 | p95 | p99 | req/s |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...api.flatMap(db =>
        db.endpoints.map(
          e =>
            `| ${db.database} | ${e.name} | ${e.requests} | ${e.errors} | ${fmt(
              e.p50,
            )} | ${fmt(e.p95)} | ${fmt(e.p99)} | ${fmt(e.rps, 0)} |`,
        ),
      ),
      '',
    );
  }
  const fe = report.results.frontend;
  if (fe) {
    lines.push(
      '### Frontend',
      '',
      '| Measure | Value |',
      '| --- | ---: |',
      ...Object.entries(fe.measures).map(([k, v]) => `| ${k} | ${v} |`),
      '',
      fe.notes,
      '',
    );
  }
  const errors = Object.entries(report.errors);
  if (errors.length) {
    lines.push(
      '### Benchmarks that did not finish',
      '',
      ...errors.map(([k, v]) => `- **${k}**: ${v.replace(/\n/g, ' ')}`),
      '',
    );
  }
  return lines.join('\n');
}
