/**
 * Test helpers: running the real `aws` and `kubectl` binaries against a
 * sandbox, JSON calls of its HTTP API, and polling for eventually-true
 * conditions.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InventoryEntry } from '../controls';
import type { ServiceName } from '../faults';
import type { Sandbox } from '../sandbox';

export { aws, kubectl, DUMMY_AWS_ENV } from '../realClients';
export type { CommandResult } from '../realClients';

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

/** What {@link callSandbox} answers: the status, headers and parsed body. */
export interface SandboxAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * A request to the sandbox's HTTP API (Kubernetes paths, `/_sandbox`
 * controls) that answers JSON. `body` is sent as JSON, or as it is when it
 * is already text (for other content types); `token` is sent as a bearer
 * token.
 */
export async function callSandbox(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  options: { contentType?: string; token?: string } = {},
): Promise<SandboxAnswer> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      accept: 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body:
      body === undefined || typeof body === 'string'
        ? body
        : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: await response.json(),
  };
}

/** GET with an explicit Host header (fetch does not allow setting one). */
export async function getWithHost(
  url: string,
  host: string,
): Promise<{ status: number; body: string }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: { host } }, resolve);
    req.on('error', reject);
    req.end();
  });
  return { status: res.statusCode ?? 0, body: await text(res) };
}

/**
 * A stack's inventory entry once no operation runs on it, or `undefined`
 * once it is gone (the CLI's waiters poll slowly).
 */
export async function settledStack(
  sandbox: Sandbox,
  stackName: string,
): Promise<InventoryEntry | undefined> {
  const { stack } = await eventually(() => {
    const found = sandbox.controls
      .inventory()
      .find(s => s.stackName === stackName);
    return (
      (!found || !found.status.endsWith('_IN_PROGRESS')) && { stack: found }
    );
  });
  return stack;
}
