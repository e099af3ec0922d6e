/**
 * Envkit benchmarks against the cloud sandbox.
 *
 * @packageDocumentation
 */
export { runBenchmarks, writeReport, writeDocs, BENCHMARKS } from './run';
export { runStatusSweep } from './statusSweep';
export { runTimeToReady } from './timeToReady';
export { runApiScale } from './apiScale';
export { runFrontend } from './frontend';
export { startRateLimitProxy } from './rateLimitProxy';
