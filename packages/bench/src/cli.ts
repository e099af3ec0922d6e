/* eslint-disable no-console */
import { existsSync } from 'node:fs';
import { chromiumPath } from './cardRender';
import {
  BENCHMARKS,
  BenchmarkName,
  runBenchmarks,
  writeDocs,
  writeReport,
} from './run';

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(
      `Usage: yarn bench [--smoke] [--write-docs] [--skip-large] [--only ${BENCHMARKS.join(
        ',',
      )}]`,
    );
    return;
  }
  const onlyIndex = args.indexOf('--only');
  const only =
    onlyIndex >= 0
      ? (args[onlyIndex + 1] ?? '').split(',').filter(Boolean)
      : undefined;
  for (const name of only ?? []) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) {
      throw new Error(
        `unknown benchmark ${name}; known: ${BENCHMARKS.join(', ')}`,
      );
    }
  }
  // The frontend benchmark comes last; find a missing browser before
  // half an hour of the others, not after.
  if ((!only || only.includes('frontend')) && !existsSync(chromiumPath())) {
    throw new Error(
      `the frontend benchmark needs Chromium at ${chromiumPath()}: install Debian's chromium or set CHROMIUM`,
    );
  }
  const report = await runBenchmarks({
    smoke: args.includes('--smoke'),
    skipLarge: args.includes('--skip-large'),
    only: only as BenchmarkName[] | undefined,
    log: line => console.log(line),
  });
  const { md, json } = writeReport(report);
  console.log(`Report: ${md}\n        ${json}`);
  const failed = Object.keys(report.errors);
  if (args.includes('--write-docs')) {
    // docs/benchmarks.md holds one complete run; a partial one keeps the last.
    console.log(
      failed.length
        ? `Not updating docs/benchmarks.md: ${failed.join(', ')} failed`
        : `Updated ${await writeDocs(report)}`,
    );
  }
  if (failed.length) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
