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

/** One row of a Markdown table. */
const tableRow = (cells: unknown[]) => `| ${cells.map(String).join(' | ')} |`;

/**
 * The list's req/s over the catalog's by-query in the same run, on the
 * list's row; only where the catalog holds as many entities as there are
 * environments.
 */
function catalogRatio(
  run: ApiScaleResult,
  endpoint: ApiScaleResult['endpoints'][number],
): string {
  if (!endpoint.name.startsWith('GET /api/environments/environments?'))
    return '';
  if (run.entities !== run.environments) return '';
  const catalog = run.endpoints.find(e => e.name.includes('by-query'));
  return catalog?.rps ? fmt(endpoint.rps / catalog.rps, 2) : '';
}

/**
 * A Markdown table under its header; columns named in `numeric` hold
 * numbers and are right-aligned.
 */
function table(
  columns: string[],
  numeric: string[],
  rows: unknown[][],
): string[] {
  return [
    tableRow(columns),
    tableRow(columns.map(c => (numeric.includes(c) ? '---:' : '---'))),
    ...rows.map(tableRow),
  ];
}

/** A benchmark's section: heading, an optional intro paragraph, its tables. */
function section(
  heading: string,
  intro: string | undefined,
  body: string[],
): string[] {
  return [
    heading,
    '',
    ...(intro === undefined ? [] : [intro, '']),
    ...body,
    '',
  ];
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
    const passes = sweep.flatMap(c => {
      const rows: [string, SweepCase['engine']][] = [
        ['engine, first pass (no latency/limits, cold cache)', c.cold],
        ['engine (shipped defaults)', c.engine],
      ];
      if (c.due)
        rows.push(['engine, every settled check due (recheck)', c.due]);
      if (c.naive) rows.push(['naive per-environment poller', c.naive]);
      return rows.map(([label, r]) => [
        c.kind,
        c.n,
        label,
        fmt(r.wallMs / 1000),
        r.totalCalls,
        callsText(r.calls),
        throttledText(r.throttled),
        `${r.observed} / ${r.healthy}`,
        r.rssMb ? `${r.rssMb.before} → ${r.rssMb.peak}` : '',
      ]);
    });
    lines.push(
      ...section(
        '### Status sweep',
        `Sandbox latency ${p.statusSweep.latencyMs} ms per call on every service; rate limits ECS ${p.statusSweep.rateLimits.ecs} rps, CloudFormation ${p.statusSweep.rateLimits.cloudformation} rps (token buckets of one second, excess calls answered with the service's throttling error). One pass = every environment observed once.`,
        [
          ...table(
            [
              'Environments',
              'N',
              'Poller',
              'Wall time (s)',
              'Calls',
              'Calls by action',
              'Throttled',
              'Observed / healthy',
              'RSS before → peak (MB)',
            ],
            ['N', 'Wall time (s)', 'Calls'],
            passes,
          ),
          '',
          ...table(
            [
              'Environments',
              'N',
              'API floor (DescribeServices ÷ 10 per cluster + ListStacks pages)',
              'Engine calls, every check due',
              '÷ floor',
              'Engine calls, shipped defaults',
            ],
            ['N', 'Engine calls, every check due', '÷ floor'],
            sweep
              .filter(c => c.floor && c.due)
              .map(c => [
                c.kind,
                c.n,
                c.floor,
                c.due!.totalCalls,
                fmt(c.due!.totalCalls / c.floor!, 2),
                c.engine.totalCalls,
              ]),
          ),
          '',
          ...table(
            [
              'Environments',
              'N',
              'Calls naive ÷ engine',
              'Wall time naive ÷ engine',
            ],
            ['N', 'Calls naive ÷ engine', 'Wall time naive ÷ engine'],
            sweep
              .filter(c => c.ratio)
              .map(c => [
                c.kind,
                c.n,
                fmt(c.ratio?.calls, 2),
                fmt(c.ratio?.wallTime, 2),
              ]),
          ),
        ],
      ),
    );
  }
  const ttr = report.results.timeToReady;
  if (ttr && p.timeToReady) {
    const minutes = ['Simulated minutes', '÷ baseline', '÷ seed (7 min)'];
    lines.push(
      ...section(
        '### Time to ready',
        `Profile \`${p.timeToReady.profile}\`, clock ×${p.timeToReady.clockMultiplier}; simulated minutes = real time × ${p.timeToReady.clockMultiplier}. The seed design took about ${SEED_MINUTES} minutes.`,
        table(
          ['Environment', 'What', 'Outcome', ...minutes],
          minutes,
          ttr.map(r => [
            r.environment,
            r.description,
            r.phase,
            fmt(r.simulatedMinutes, 2),
            fmt(r.ratioToBaseline, 2),
            fmt(r.ratioToSeed, 2),
          ]),
        ),
      ),
      ...section(
        '#### Critical paths',
        'Per environment on CloudFormation: the chain of resources that decided its time, each with its simulated creation minutes, from its stacks\' events — the last resource to finish, back through whatever finished last before each one started. "Waiting" is the time on the chain outside any resource (CloudFormation\'s stack steps, the engine starting the next stack). "÷ slowest" is the time to Ready over the slowest single resource: 1.10 or less means everything else ran beside it.',
        table(
          [
            'Environment',
            'Critical path (simulated minutes)',
            'Slowest single resource (min)',
            '÷ slowest',
          ],
          ['Slowest single resource (min)', '÷ slowest'],
          ttr
            .filter(r => r.criticalPath)
            .map(r => [
              r.environment,
              r.criticalPath!,
              r.slowestResource
                ? `${r.slowestResource.name} ${fmt(
                    r.slowestResource.minutes,
                    2,
                  )}`
                : '',
              fmt(r.ratioToSlowestResource, 2),
            ]),
        ),
      ),
    );
  }
  const api = report.results.apiScale;
  if (api && p.apiScale) {
    const figures = ['Requests', 'Errors', 'p50', 'p95', 'p99', 'req/s'];
    lines.push(
      ...section(
        '### API at scale',
        [
          `Autocannon, ${p.apiScale.connections} connections for ${
            p.apiScale.durationSeconds
          } s per endpoint, in the bench process while the backend runs in a child process. Latencies in ms. "÷ catalog" is the list's throughput over the catalog's \`entities/by-query\` in the same run, where the catalog holds as many entities as there are environments.${
            p.apiScale.catalogOnPostgres
              ? " The catalog is on PostgreSQL in every run (on SQLite it ingests about ten times slower), the environments plugin on the run's database."
              : ''
          }`,
          '',
          ...api.map(
            db =>
              `- ${db.database}, ${db.environments}: seeded in ${
                db.seedSeconds
              } s, backend up in ${
                db.backendStartSeconds
              } s, catalog ingested in ${db.catalogIngestSeconds} s${
                db.settleSeconds === undefined
                  ? ''
                  : `, backend idle ${db.settleSeconds} s later`
              }; load average ${db.loadAverage} as the measurements began.`,
          ),
        ].join('\n'),
        table(
          [
            'Database',
            'Environments',
            'Catalog entities',
            'Request',
            ...figures,
            '÷ catalog',
          ],
          ['Environments', 'Catalog entities', ...figures, '÷ catalog'],
          api.flatMap(db =>
            db.endpoints.map(e => [
              db.database,
              db.environments ?? p.apiScale!.environments,
              db.entities,
              e.name,
              e.requests,
              e.errors,
              fmt(e.p50),
              fmt(e.p95),
              fmt(e.p99),
              fmt(e.rps, 0),
              catalogRatio(db, e),
            ]),
          ),
        ),
      ),
    );
  }
  const fe = report.results.frontend;
  if (fe) {
    lines.push(
      ...section(
        '### Frontend',
        undefined,
        table(['Measure', 'Value'], ['Value'], Object.entries(fe.measures)),
      ),
      fe.notes,
      '',
    );
  }
  const errors = Object.entries(report.errors);
  if (errors.length) {
    lines.push(
      ...section(
        '### Benchmarks that did not finish',
        undefined,
        errors.map(([k, v]) => `- **${k}**: ${v.replace(/\n/g, ' ')}`),
      ),
    );
  }
  return lines.join('\n');
}
