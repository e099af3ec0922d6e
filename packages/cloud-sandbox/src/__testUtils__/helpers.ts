/**
 * Test helpers: running the real `aws` and `kubectl` binaries against a
 * sandbox, and polling for eventually-true conditions.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../faults';
import type { Sandbox } from '../sandbox';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return new Promise(resolve => {
    execFile(
      file,
      args,
      { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Dummy credentials only: the sandbox never checks them. */
export const DUMMY_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDSANDBOX',
  AWS_SECRET_ACCESS_KEY: 'sandbox-secret',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
};

/** A fresh, empty home directory, so no user configuration leaks in. */
const freshHome = (tool: string) =>
  mkdtempSync(join(tmpdir(), `envkit-${tool}-home-`));

export function aws(sandbox: Sandbox, args: string[]): Promise<CommandResult> {
  const home = freshHome('aws');
  const global = ['--endpoint-url', sandbox.url, '--region', 'us-east-1'];
  return run('/usr/bin/aws', [...global, '--output', 'json', ...args], {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    ...DUMMY_AWS_ENV,
  });
}

export function kubectl(
  sandbox: Sandbox,
  args: string[],
  cacheDir?: string,
): Promise<CommandResult> {
  const home = freshHome('kubectl');
  const cache = cacheDir ?? join(home, 'cache');
  return run(
    '/usr/bin/kubectl',
    ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', cache, ...args],
    { PATH: process.env.PATH, HOME: home },
  );
}

/**
 * Throttles the next `count` calls of one action, with the call counts
 * reset so a test can see how many attempts the client made.
 */
export function throttleNext(
  sandbox: Sandbox,
  service: ServiceName,
  action: string,
  count: number,
): void {
  sandbox.controls.resetCalls();
  sandbox.controls.throttle({ service, action, count });
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms${
          last ? `: ${String(last)}` : ''
        }`,
      );
    }
    await sleep(intervalMs);
  }
}

/** GET with an explicit Host header (fetch does not allow setting one). */
export function getWithHost(
  url: string,
  host: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: { host } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
