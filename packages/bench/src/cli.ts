/* eslint-disable no-console */
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
      `Usage: yarn bench [--smoke] [--write-docs] [--only ${BENCHMARKS.join(
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
  const report = await runBenchmarks({
    smoke: args.includes('--smoke'),
    only: only as BenchmarkName[] | undefined,
    log: line => console.log(line),
  });
  const { md, json } = writeReport(report);
  console.log(`Report: ${md}\n        ${json}`);
  if (args.includes('--write-docs'))
    console.log(`Updated ${writeDocs(report)}`);
  if (Object.keys(report.errors).length) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
