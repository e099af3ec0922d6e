import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that passed through the proxy. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  startedAt: number;
  finishedAt: number;
  status: number;
}

/** An answer the proxy gives instead of forwarding. */
export interface InjectedResponse {
  status: number;
  body: unknown;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  /** Decides per request whether to answer instead of forwarding. */
  inject?: (method: string, path: string) => InjectedResponse | undefined;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of the sandbox that records when each
 * request started and finished, and can answer some requests itself (to
 * play an API server that refuses a call, which the sandbox cannot).
 */
export async function startRecordingProxy(
  target: string,
): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const proxy: RecordingProxy = {
    url: '',
    requests: [],
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const startedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://proxy.local');
    const record = (status: number) =>
      proxy.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        startedAt,
        finishedAt: performance.now(),
        status,
      });
    const injected = proxy.inject?.(req.method ?? 'GET', url.pathname);
    if (injected) {
      req.resume();
      req.on('end', () => {
        res.writeHead(injected.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(injected.body));
        record(injected.status);
      });
      return;
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => record(answer.statusCode ?? 502));
      },
    );
    forward.on('error', error => {
      res.writeHead(502);
      res.end(String(error));
      record(502);
    });
    req.pipe(forward);
  });
  proxy.close = () =>
    new Promise(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/** `verb resource.group` of a Kubernetes API request, e.g. `patch rolebindings.rbac.authorization.k8s.io`. */
export function permissionOf(
  request: Pick<RecordedRequest, 'method' | 'path'>,
): {
  verb: string;
  resource: string;
  group: string;
  /** The object's name, for calls on one object. */
  name?: string;
} {
  const parts = request.path.split('/').filter(Boolean);
  const [group, rest] =
    parts[0] === 'api' ? ['', parts.slice(2)] : [parts[1], parts.slice(3)];
  let resourceParts = rest;
  if (rest[0] === 'namespaces' && rest.length > 2)
    resourceParts = rest.slice(2);
  const [main, name, subresource] = resourceParts;
  // RBAC names a subresource `serviceaccounts/token`.
  const resource = subresource ? `${main}/${subresource}` : main;
  const verbs: Record<string, string> = {
    GET: name ? 'get' : 'list',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: name ? 'delete' : 'deletecollection',
  };
  return {
    verb: verbs[request.method] ?? request.method.toLowerCase(),
    resource,
    group,
    ...(name ? { name: decodeURIComponent(name) } : {}),
  };
}
