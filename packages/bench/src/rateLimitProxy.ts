import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox, ServiceName } from '@envkit/cloud-sandbox';

/**
 * The cloud sandbox has latency and throttling faults but no request-rate
 * limit. This proxy adds one: a token bucket per service (refilled at
 * `rps`, holding at most `burst` tokens). A request that finds its bucket
 * empty is not refused by the proxy itself; the proxy arms the sandbox's own
 * one-shot throttle fault for that service and forwards the request, so the
 * sandbox answers with the service's real throttling error and counts the
 * call in its counters like any other.
 */
export interface RateLimitProxy {
  url: string;
  /** Requests the proxy turned into throttling errors, per service. */
  throttled: Record<string, number>;
  setLimits(limits: Partial<Record<ServiceName, number>>): void;
  stop(): Promise<void>;
}

interface Bucket {
  rps: number;
  tokens: number;
  at: number;
}

/** Reads the service from the SigV4 credential scope, as the sandbox does. */
export function serviceOf(
  authorization: string | undefined,
): ServiceName | undefined {
  const match = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(
    authorization ?? '',
  );
  if (match) return match[1] as ServiceName;
  return authorization?.startsWith('Bearer') ? 'kubernetes' : undefined;
}

export async function startRateLimitProxy(
  sandbox: Sandbox,
): Promise<RateLimitProxy> {
  const buckets = new Map<string, Bucket>();
  const throttled: Record<string, number> = {};
  const target = new URL(sandbox.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  const take = (service: string): boolean => {
    const bucket = buckets.get(service);
    if (!bucket) return true;
    const now = Date.now();
    bucket.tokens = Math.min(
      bucket.rps,
      bucket.tokens + ((now - bucket.at) / 1000) * bucket.rps,
    );
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    return false;
  };

  const server = http.createServer((req, res) => {
    const service = serviceOf(req.headers.authorization);
    if (service && !take(service)) {
      throttled[service] = (throttled[service] ?? 0) + 1;
      sandbox.controls.throttle({ service, count: 1 });
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      response => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', error => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    throttled,
    setLimits(limits) {
      buckets.clear();
      for (const [service, rps] of Object.entries(limits)) {
        if (rps && rps > 0) {
          // A bucket holds one second's worth of calls: short bursts pass.
          buckets.set(service, { rps, tokens: rps, at: Date.now() });
        }
      }
      for (const key of Object.keys(throttled)) delete throttled[key];
    },
    stop: () =>
      new Promise<void>(resolve => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
