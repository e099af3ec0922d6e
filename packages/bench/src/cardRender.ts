/*
 * Time to first card render: the environment overview card in headless
 * Chromium. `src/cardPage` (a Backstage test app with the plugin's card on
 * an environment entity) is bundled for production with esbuild, served
 * from loopback next to canned answers of the environments API, and loaded
 * in a fresh browser context (empty cache) per run. A MutationObserver
 * installed before any script records when the card's live status region
 * first reads "Phase: …", in milliseconds since navigation start.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type {
  Environment,
  EnvironmentEvent,
} from '@envkit/plugin-environments-common';
import { BENCH_ROOT, ecsTemplate, pendingEnvironment } from './environments';
import { sleep } from '@envkit/plugin-environments-node/testUtils';

export interface CardRenderParameters {
  /** Cold page loads measured (each in a fresh context). */
  runs: number;
  /** Delay of every API answer, standing in for the backend. */
  apiLatencyMs: number;
}

export const defaultCardRenderParameters: CardRenderParameters = {
  runs: 20,
  apiLatencyMs: 50,
};

export interface CardRenderResult {
  runs: number;
  apiLatencyMs: number;
  /** ms from navigation start to the card showing the phase, per run. */
  firstCardMs: number[];
  /** ms from navigation start to the first contentful paint, per run. */
  firstContentfulPaintMs: number[];
  /** JavaScript the page loads up to the first card render, bytes. */
  scriptBytes: number;
  chromium: string;
}

/** The browser the card-render benchmark drives: `CHROMIUM`, else Debian's. */
export function chromiumPath(): string {
  return process.env.CHROMIUM ?? '/usr/bin/chromium';
}

const ENVIRONMENT_ID = '7d4c2a8e-5b1f-4f0e-9a63-bench0000001';

function sampleEnvironment(): Environment {
  const now = Date.now();
  const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();
  const { spec } = pendingEnvironment({
    name: 'storefront-pr-7',
    templateRef: 'environmenttemplate:default/ecs-web-service',
    template: {
      ...ecsTemplate([]),
      guardrails: { ttl: { default: 'PT8H', max: 'P3D' } },
    },
    inputs: { imageLocation: 'public.ecr.aws/nginx/nginx:1.27' },
    owner: 'group:default/team-storefront',
  });
  return {
    id: ENVIRONMENT_ID,
    createdAt: iso(-3_600_000),
    updatedAt: iso(-3_000_000),
    createdBy: 'user:default/guest',
    spec: {
      ...spec,
      component: 'component:default/storefront-web',
      expiresAt: iso(7 * 3_600_000),
    },
    status: {
      phase: 'Ready',
      conditions: [],
      observedGeneration: 1,
      outputs: {
        endpoint: 'storefront-pr-7-alb-123456.us-east-1.elb.amazonaws.com',
        clusterName: 'envkit-storefront-pr-7',
        serviceName: 'storefront-pr-7',
      },
      resources: ['network', 'service'].map(name => ({
        name,
        driver: 'aws-cloudformation',
        phase: 'Ready' as const,
        outputs: {},
        updatedAt: iso(-3_000_000),
      })),
    },
  };
}

function sampleEvents(): EnvironmentEvent[] {
  return Array.from({ length: 20 }, (_, i) => ({
    id: String(20 - i),
    at: new Date(Date.now() - i * 60_000).toISOString(),
    type: 'Normal' as const,
    reason: i === 0 ? 'Ready' : 'Progress',
    message:
      i === 0 ? 'All resources are ready' : `Resource step ${20 - i} done`,
    resource: i === 0 ? undefined : ['service', 'network'][i % 2],
  }));
}

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'storefront-pr-7',
    namespace: 'default',
    annotations: { 'envkit.io/environment-id': ENVIRONMENT_ID },
  },
  spec: { type: 'environment', owner: 'group:default/team-storefront' },
};

const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>Envkit card benchmark</title></head>
<body><div id="root"></div>
<script>window.envkitBenchEntity = ${JSON.stringify(entity)};</script>
<script type="module" src="/index.js"></script>
</body></html>`;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/** Bundles the card page for production into `dir`. */
async function bundle(dir: string) {
  await build({
    entryPoints: [join(BENCH_ROOT, 'src', 'cardPage', 'index.tsx')],
    outdir: dir,
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: {
      'process.env.NODE_ENV': '"production"',
      global: 'globalThis',
    },
    loader: {
      '.svg': 'file',
      '.png': 'file',
      '.woff2': 'file',
      '.woff': 'file',
      '.ttf': 'file',
    },
    logLevel: 'silent',
  });
}

function serve(dir: string, apiLatencyMs: number): Promise<Server> {
  const api: Record<string, () => unknown> = {
    [`/api/environments/environments/${ENVIRONMENT_ID}`]: sampleEnvironment,
    [`/api/environments/environments/${ENVIRONMENT_ID}/events`]: () => ({
      items: sampleEvents(),
    }),
    '/api/environments/templates/default/ecs-web-service': () => ({
      ref: 'environmenttemplate:default/ecs-web-service',
      valid: true,
      entity: {
        apiVersion: 'envkit.io/v1alpha1',
        kind: 'EnvironmentTemplate',
        metadata: { name: 'ecs-web-service', title: 'ECS web service' },
        spec: { type: 'ecs', version: '1.0.0' },
      },
    }),
  };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://bench').pathname;
    const answer = api[path];
    if (answer) {
      if (apiLatencyMs > 0) await sleep(apiLatencyMs);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer()));
      return;
    }
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(html);
      return;
    }
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type':
        CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

/** Records, before any page script runs, when the card first shows a phase. */
function observeFirstCard() {
  const w = window as any;
  const check = () => {
    if (w.envkitFirstCard !== undefined) return;
    const status = document.querySelector('[role="status"]');
    if (status?.textContent?.includes('Phase:')) {
      w.envkitFirstCard = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
  });
}

export async function runCardRender(
  parameters: CardRenderParameters,
  log: (line: string) => void = () => {},
): Promise<CardRenderResult> {
  const dir = mkdtempSync(join(tmpdir(), 'envkit-bench-card-'));
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  let server: Server | undefined;
  try {
    await bundle(dir);
    server = await serve(dir, parameters.apiLatencyMs);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const firstCardMs: number[] = [];
    const firstContentfulPaintMs: number[] = [];
    let scriptBytes = 0;
    for (let run = 0; run < parameters.runs; run++) {
      const context = await browser.newContext({
        viewport: { width: 1200, height: 900 },
      });
      try {
        const page = await context.newPage();
        await page.addInitScript(observeFirstCard);
        await page.goto(url);
        await page.waitForFunction(
          () => (window as any).envkitFirstCard !== undefined,
          undefined,
          { timeout: 60_000 },
        );
        const figures = await page.evaluate(() => ({
          firstCard: (window as any).envkitFirstCard as number,
          fcp:
            performance.getEntriesByName('first-contentful-paint')[0]
              ?.startTime ?? NaN,
          scripts: performance
            .getEntriesByType('resource')
            .filter(e => e.name.endsWith('.js'))
            .reduce(
              (sum, e) =>
                sum + (e as PerformanceResourceTiming).encodedBodySize,
              0,
            ),
        }));
        firstCardMs.push(figures.firstCard);
        firstContentfulPaintMs.push(figures.fcp);
        scriptBytes = figures.scripts;
      } finally {
        await context.close();
      }
    }
    log(`card render: ${firstCardMs.map(ms => ms.toFixed(0)).join(', ')} ms`);
    return {
      runs: parameters.runs,
      apiLatencyMs: parameters.apiLatencyMs,
      firstCardMs,
      firstContentfulPaintMs,
      scriptBytes,
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
    const started = server;
    if (started) await new Promise(resolve => started.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
