/*
 * The setup the child-process suites share: a cloud sandbox and an example
 * backend on SQLite files in a fresh temp directory, started before the
 * suite and stopped after it, so each suite states only its options.
 */
import { startSandbox, Sandbox, SandboxOptions } from '@envkit/cloud-sandbox';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BackendOptions,
  BackendProcess,
  sqliteBackend,
} from './backendProcess';
import { LogSink } from './logs';

export interface SandboxBackend {
  readonly sandbox: Sandbox;
  readonly backend: BackendProcess;
  readonly logs: LogSink;
}

/**
 * Registers `beforeAll`/`afterAll` in the calling `describe`; the getters
 * are valid from `beforeAll` on. `name` names the backend and its temp dir.
 */
export function useSandboxBackend(
  name: string,
  options: {
    sandbox?: SandboxOptions;
    backend?: Omit<
      BackendOptions,
      'name' | 'sandboxUrl' | 'port' | 'database' | 'secrets' | 'logs'
    >;
  } = {},
): SandboxBackend {
  let sandbox: Sandbox | undefined;
  let backend: BackendProcess | undefined;
  let logs: LogSink | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `envkit-rel-${name}-`));
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error(`useSandboxBackend('${name}') read before beforeAll`);
    }
    return value;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, ...options.sandbox });
    ({ backend, logs } = await sqliteBackend(dir, {
      ...options.backend,
      name,
      sandboxUrl: sandbox.url,
    }));
  });

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
    logs?.close();
  });

  return {
    get sandbox() {
      return started(sandbox);
    },
    get backend() {
      return started(backend);
    },
    get logs() {
      return started(logs);
    },
  };
}
