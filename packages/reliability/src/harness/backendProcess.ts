/*
 * Starts the example backend (packages/backend) as a child process against a
 * cloud sandbox, so suites can SIGKILL it and start it again. The backend is
 * run from its TypeScript sources through Backstage's node transform, the
 * same way `yarn start` does minus the watcher.
 */
import { sleep } from '@envkit/plugin-environments-node/testUtils';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import yaml from 'yaml';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { sandboxClusterConfig } from '@envkit/cloud-sandbox';
import { LogSink } from './logs';

const PACKAGE_DIR = resolvePackagePath('@envkit/reliability');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');
const BACKEND_DIR = path.join(REPO_ROOT, 'packages/backend');
const FIXTURES = path.join(PACKAGE_DIR, 'fixtures');

/** Credentials the backend is configured with; none may reach a log line. */
export interface BackendSecrets {
  awsAccessKeyId: string;
  awsSecretAccessKey: string;
  kubernetesToken: string;
}

export function makeSecrets(): BackendSecrets {
  const hex = () => randomBytes(12).toString('hex');
  return {
    awsAccessKeyId: `AKIARELY${hex().toUpperCase().slice(0, 12)}`,
    awsSecretAccessKey: `relysecret${hex()}${hex()}`,
    // The value app-config.sandbox.yaml uses, suffixed so it is unique.
    kubernetesToken: `sandbox-token-${hex()}`,
  };
}

/**
 * The backend's `backend.database`, as Backstage reads it: SQLite files in a
 * directory, or PostgreSQL with a prefix of the backend's own.
 */
export type DatabaseChoice =
  | { client: 'better-sqlite3'; connection: { directory: string } }
  | { client: 'pg'; connection: string; prefix: string };

export interface BackendOptions {
  name: string;
  port: number;
  sandboxUrl: string;
  database: DatabaseChoice;
  secrets: BackendSecrets;
  logs: LogSink;
  observeIntervalSeconds?: number;
  /** More file locations, for suites that need software templates. */
  extraLocations?: { target: string; rules: { allow: string[] }[] }[];
  /**
   * More config, loaded after everything else in a file of its own, so
   * Backstage merges it key by key (e.g. `backend.auth` next to the
   * harness's `backend.listen`).
   */
  extraConfig?: Record<string, unknown>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
}

function overrideConfig(options: BackendOptions) {
  const { port, sandboxUrl, database, secrets } = options;
  const allow = (kinds: string[]) => [{ allow: kinds }];
  return {
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database,
    },
    // The full list replaces app-config.yaml's: the example org, the example
    // ECS template and this package's templates (no per-owner limit).
    catalog: {
      locations: [
        {
          type: 'file',
          target: path.join(REPO_ROOT, 'examples/org.yaml'),
          rules: allow(['User', 'Group']),
        },
        {
          type: 'file',
          target: path.join(
            REPO_ROOT,
            'examples/templates/ecs-web-service.yaml',
          ),
          rules: allow(['EnvironmentTemplate']),
        },
        {
          type: 'file',
          target: path.join(FIXTURES, 'templates.yaml'),
          rules: allow(['EnvironmentTemplate']),
        },
        ...(options.extraLocations ?? []).map(l => ({ type: 'file', ...l })),
      ],
      providers: {
        envkit: {
          templates: {
            schedule: { frequency: { minutes: 30 }, timeout: { minutes: 1 } },
          },
        },
      },
    },
    environments: {
      engine: {
        intervalSeconds: 1,
        observeIntervalSeconds: options.observeIntervalSeconds ?? 30,
      },
      aws: { endpoint: sandboxUrl, defaultRegion: 'us-east-1' },
      kubernetes: {
        clusters: [
          sandboxClusterConfig(
            { url: sandboxUrl },
            { serviceAccountToken: secrets.kubernetesToken },
          ),
        ],
      },
    },
    aws: {
      mainAccount: {
        accessKeyId: secrets.awsAccessKeyId,
        secretAccessKey: secrets.awsSecretAccessKey,
      },
    },
  };
}

export class BackendProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  readonly url: string;
  private readonly configPaths: string[];
  starts = 0;
  /** Milliseconds each start took until templates were served. */
  readonly startDurations: number[] = [];

  constructor(readonly options: BackendOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envkit-rel-cfg-'));
    const write = (file: string, config: unknown) => {
      fs.writeFileSync(path.join(dir, file), yaml.stringify(config));
      return path.join(dir, file);
    };
    this.configPaths = [write(`${options.name}.yaml`, overrideConfig(options))];
    if (options.extraConfig) {
      this.configPaths.push(
        write(`${options.name}.extra.yaml`, options.extraConfig),
      );
    }
  }

  get pid() {
    return this.child?.pid;
  }

  /** Starts the process and waits until it serves the given templates. */
  async start(
    waitForTemplates: string[] = [],
    timeoutMs = 120_000,
  ): Promise<void> {
    const started = Date.now();
    this.starts += 1;
    const label = `${this.options.name}#${this.starts}`;
    const child = spawn(
      process.execPath,
      [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        'src/index.ts',
        '--config',
        '../../app-config.yaml',
        '--config',
        '../../app-config.sandbox.yaml',
        ...this.configPaths.flatMap(file => ['--config', file]),
      ],
      {
        cwd: BACKEND_DIR,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          FORCE_COLOR: '0',
          NO_COLOR: '1',
          // Never inherit a test runner's AWS settings.
          AWS_ACCESS_KEY_ID: undefined,
          AWS_SECRET_ACCESS_KEY: undefined,
          AWS_ENDPOINT_URL: undefined,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.options.logs.attach(label, child.stdout!);
    this.options.logs.attach(label, child.stderr!);
    this.exited = new Promise(resolve => child.once('exit', () => resolve()));

    let ready = false;
    while (!ready) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `backend ${label} exited during start-up (${
            child.exitCode ?? child.signalCode
          }); last log lines:\n${this.options.logs.tail(20).join('\n')}`,
        );
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`backend ${label} did not start in ${timeoutMs} ms`);
      }
      try {
        const health = await fetch(`${this.url}/api/environments/health`);
        if (health.ok) {
          if (waitForTemplates.length === 0) {
            ready = true;
          } else {
            const token = await this.guestToken();
            const res = await fetch(`${this.url}/api/environments/templates`, {
              headers: { Authorization: `Bearer ${token}` },
            });
            if (res.ok) {
              const body = (await res.json()) as {
                items: { ref: string; valid: boolean }[];
              };
              ready = waitForTemplates.every(ref =>
                body.items.some(t => t.ref === ref && t.valid),
              );
            }
          }
        }
      } catch {
        // not listening yet
      }
      if (!ready) await sleep(300);
    }
    this.startDurations.push(Date.now() - started);
  }

  /** A Backstage token for user:default/guest (team-storefront). */
  async guestToken(): Promise<string> {
    const res = await fetch(`${this.url}/api/auth/guest/refresh`, {
      method: 'POST',
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (!res.ok) throw new Error(`guest sign-in: ${res.status}`);
    const body = (await res.json()) as {
      backstageIdentity: { token: string };
    };
    this.options.logs.addSecret(body.backstageIdentity.token);
    return body.backstageIdentity.token;
  }

  /** SIGKILL, no shutdown hooks: what a crashed node or OOM kill does. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM with a SIGKILL fallback, for the end of a suite. */
  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * A backend on SQLite files under `dir`, logging to `dir/backend.log`, with
 * fresh credentials that the log sink watches for.
 */
export async function sqliteBackend(
  dir: string,
  options: Omit<BackendOptions, 'port' | 'database' | 'secrets' | 'logs'>,
): Promise<{ backend: BackendProcess; logs: LogSink }> {
  const logs = new LogSink(path.join(dir, 'backend.log'));
  const secrets = makeSecrets();
  Object.values(secrets).forEach(s => logs.addSecret(s));
  const backend = new BackendProcess({
    ...options,
    port: await freePort(),
    database: {
      client: 'better-sqlite3',
      connection: { directory: path.join(dir, 'sqlite') },
    },
    secrets,
    logs,
  });
  return { backend, logs };
}
