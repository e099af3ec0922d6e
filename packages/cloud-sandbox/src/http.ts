import type {
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';

/** A parsed request as the service handlers see it. */
export interface SandboxRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  raw: IncomingMessage;
  res: ServerResponse;
}

export interface SandboxResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export function json(
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): SandboxResponse {
  return {
    status,
    contentType: 'application/json',
    body: JSON.stringify(body),
    headers,
  };
}

export function header(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Every response says it comes from the sandbox, so nobody mistakes it for a cloud. */
export const SANDBOX_HEADER = 'x-envkit-sandbox';
