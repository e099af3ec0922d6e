import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import prettier from 'prettier';
import { BENCH_ROOT, REPO_ROOT } from './environments';
import { BenchReport, machineInfo, toMarkdown, versions } from './report';
import {
  defaultSweepParameters,
  runStatusSweep,
  SweepParameters,
} from './statusSweep';
import {
  defaultTimeToReadyParameters,
  runTimeToReady,
  TimeToReadyParameters,
} from './timeToReady';
import {
  ApiScaleParameters,
  defaultApiScaleParameters,
  runApiScale,
} from './apiScale';
import { runFrontend } from './frontend';
import {
  CardRenderParameters,
  defaultCardRenderParameters,
} from './cardRender';

export const BENCHMARKS = [
  'status-sweep',
  'time-to-ready',
  'api-scale',
  'frontend',
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface RunOptions {
  smoke?: boolean;
  only?: BenchmarkName[];
  /** Leaves out the API runs past 10,000 environments (they take long). */
  skipLarge?: boolean;
  log?: (line: string) => void;
}

/** Small sizes that exercise every code path in a few minutes (CI). */
export const smokeParameters = {
  statusSweep: {
    sizes: [5],
    latencyMs: 5,
    rateLimits: { ecs: 200, cloudformation: 100 },
    // Three namespaces, two of them copies: the copies must look to the
    // driver exactly as what it provisions (healthy, no drift).
    namespaceSizes: [3],
    copyNamespacesPast: 1,
  } as SweepParameters,
  timeToReady: {
    profile: 'fast',
    clockMultiplier: 1,
    timeoutMs: 60_000,
  } as TimeToReadyParameters,
  apiScale: {
    ...defaultApiScaleParameters,
    environments: 50,
    entities: 50,
    durationSeconds: 1,
    connections: 2,
    largeRuns: [],
  } as ApiScaleParameters,
  cardRender: { runs: 2, apiLatencyMs: 0 } as CardRenderParameters,
};

/** Runs the benchmarks and returns the report; a failing one is recorded, not thrown. */
export async function runBenchmarks(
  options: RunOptions = {},
): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const only = new Set(options.only ?? BENCHMARKS);
  const started = new Date();
  const p: Required<BenchReport['parameters']> = options.smoke
    ? smokeParameters
    : {
        statusSweep: defaultSweepParameters,
        timeToReady: defaultTimeToReadyParameters,
        apiScale: options.skipLarge
          ? { ...defaultApiScaleParameters, largeRuns: [] }
          : defaultApiScaleParameters,
        cardRender: defaultCardRenderParameters,
      };
  const report: BenchReport = {
    startedAt: started.toISOString(),
    finishedAt: '',
    durationSeconds: 0,
    mode: options.smoke ? 'smoke' : 'full',
    machine: machineInfo(),
    versions: versions(),
    parameters: {},
    results: {},
    errors: {},
  };
  type BenchParameters = Required<BenchReport['parameters']>;
  type BenchResults = Required<BenchReport['results']>;
  /** Runs one benchmark with its parameters and records both in the report. */
  const attempt = async <
    P extends keyof BenchParameters,
    R extends keyof BenchResults,
  >(
    name: BenchmarkName,
    parameter: P,
    result: R,
    run: (
      parameters: BenchParameters[P],
      log: (line: string) => void,
    ) => Promise<BenchResults[R]>,
  ) => {
    if (!only.has(name)) return;
    const t0 = performance.now();
    log(`== ${name}`);
    try {
      report.parameters[parameter] = p[parameter];
      report.results[result] = await run(p[parameter], log);
    } catch (error) {
      report.errors[name] = String((error as Error)?.stack ?? error);
      log(`!! ${name} failed: ${(error as Error)?.message}`);
    }
    log(`== ${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await attempt('status-sweep', 'statusSweep', 'statusSweep', runStatusSweep);
  await attempt('time-to-ready', 'timeToReady', 'timeToReady', runTimeToReady);
  await attempt('api-scale', 'apiScale', 'apiScale', runApiScale);
  // The frontend benchmark is parameterised by its card-render part.
  await attempt('frontend', 'cardRender', 'frontend', runFrontend);
  const finished = new Date();
  report.finishedAt = finished.toISOString();
  report.durationSeconds = Math.round(
    (finished.getTime() - started.getTime()) / 1000,
  );
  return report;
}

/** Writes reports/<timestamp>.{md,json}; returns their paths. */
export function writeReport(
  report: BenchReport,
  directory = join(BENCH_ROOT, 'reports'),
) {
  mkdirSync(directory, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const md = join(directory, `${stamp}.md`);
  const json = join(directory, `${stamp}.json`);
  writeFileSync(md, `# Envkit benchmarks\n\n${toMarkdown(report)}\n`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return { md, json };
}

const BEGIN = '<!-- bench:results:begin -->';
const END = '<!-- bench:results:end -->';

/**
 * Replaces the results section of docs/benchmarks.md with this run, formatted
 * with the repository's Prettier config so `yarn prettier:check` stays green.
 */
export async function writeDocs(
  report: BenchReport,
  path = join(REPO_ROOT, 'docs', 'benchmarks.md'),
) {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`${path} lacks the ${BEGIN} / ${END} markers`);
  }
  const body = `${BEGIN}\n\n${toMarkdown(report)}\n${END}`;
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(
    path,
    prettier.format(
      text.slice(0, start) + body + text.slice(end + END.length),
      { ...options, filepath: path },
    ),
  );
  return path;
}
