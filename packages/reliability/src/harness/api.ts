/*
 * A small client of the environments REST API, with a token fetched from
 * the guest sign-in of whichever backend replica is asked.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Environment } from '@envkit/plugin-environments-common';
import type { BackendProcess } from './backendProcess';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export async function call<T = any>(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const res = await fetch(`${baseUrl}/api/environments${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/**
 * The environments API of an in-process test backend at `baseUrl`, called
 * as `user` with mock credentials. Every response body is also pushed to
 * `seen`, for suites that search all they were shown.
 */
export function userApi(baseUrl: string, user: string, seen: unknown[] = []) {
  const token = mockCredentials.user.token(user);
  const request = async (method: string, path: string, body?: unknown) => {
    const response = await call(baseUrl, token, method, path, body);
    seen.push(response.body);
    return response;
  };
  return {
    call: request,
    /**
     * Polls the environment until `until` holds and answers it; each phase
     * it passes through is appended to `phases`, once for each
     * run of polls that saw it.
     */
    async watch(
      id: string,
      until: (env: any) => boolean,
      phases: string[] = [],
    ): Promise<any> {
      for (let i = 0; i < 1200; i++) {
        const { body } = await request('GET', `/environments/${id}`);
        const phase = body.status?.phase;
        if (phases.at(-1) !== phase) phases.push(phase);
        if (until(body)) return body;
        await new Promise(resolve => setTimeout(resolve, 250));
      }
      throw new Error(
        `environment ${id} never got there; saw ${phases.join(' → ')}`,
      );
    },
  };
}

/** Reads an environment through whichever replica is alive. */
export class EnvironmentsClient {
  private tokens = new Map<BackendProcess, string>();

  constructor(private readonly backends: () => BackendProcess[]) {}

  /** A guest token for `backend`, fetched once until `forget`. */
  async token(backend: BackendProcess) {
    let token = this.tokens.get(backend);
    if (!token) {
      token = await backend.guestToken();
      this.tokens.set(backend, token);
    }
    return token;
  }

  forget(backend: BackendProcess) {
    this.tokens.delete(backend);
  }

  async on<T = any>(
    backend: BackendProcess,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>> {
    return call<T>(
      backend.url,
      await this.token(backend),
      method,
      path,
      body,
      headers,
    );
  }

  async any<T = any>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResponse<T>> {
    let lastError: unknown;
    for (const backend of this.backends()) {
      try {
        return await this.on<T>(backend, method, path, body);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError ?? new Error('no backend is running');
  }

  async get(id: string): Promise<Environment> {
    const res = await this.any<Environment>('GET', `/environments/${id}`);
    if (res.status !== 200) {
      throw new Error(`GET environment ${id}: ${res.status}`);
    }
    return res.body;
  }

  async all(phase?: string): Promise<Environment[]> {
    const res = await this.any<{ items: Environment[] }>(
      'GET',
      `/environments?limit=1000${phase ? `&phase=${phase}` : ''}`,
    );
    if (res.status !== 200) throw new Error(`list: ${res.status}`);
    return res.body.items;
  }
}

/** Prints a compact table of figures to the test output. */
export function printFigures(
  title: string,
  rows: Record<string, string | number | boolean>,
) {
  const width = Math.max(...Object.keys(rows).map(k => k.length));
  const lines = Object.entries(rows).map(
    ([key, value]) => `  ${key.padEnd(width)}  ${value}`,
  );
  // eslint-disable-next-line no-console
  console.log(`${title}\n${lines.join('\n')}`);
}
