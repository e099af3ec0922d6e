/**
 * The harness the reliability suites run on, for other packages' tests that
 * need the example app as `./envkit start` runs it: the example backend as a
 * child process on a cloud sandbox, and an in-process API backend.
 */
export {
  BackendProcess,
  freePort,
  makeSecrets,
  REPO_ROOT,
  sqliteBackend,
} from './harness/backendProcess';
export type {
  BackendOptions,
  BackendSecrets,
  DatabaseChoice,
} from './harness/backendProcess';
export { useSandboxBackend } from './harness/sandboxBackend';
export type { SandboxBackend } from './harness/sandboxBackend';
export { LogSink } from './harness/logs';
export type { LogLine } from './harness/logs';
export { startApiBackend, userOf } from './harness/inProcess';
export type { AuditRecord } from './harness/inProcess';
