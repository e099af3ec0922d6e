import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './environments';
import {
  CardRenderParameters,
  CardRenderResult,
  runCardRender,
} from './cardRender';
import { percentile } from './util';

export interface FrontendResult {
  measures: Record<string, string | number>;
  cardRender: CardRenderResult;
  notes: string;
}

/** Bytes of a production (minified) bundle of `entry`, raw and gzip. */
async function bundleSize(entry: string, external: string[] | 'packages') {
  const result = await build({
    ...(external === 'packages'
      ? { packages: 'external' as const }
      : { external }),
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const code = Buffer.concat(
    result.outputFiles.map(f => Buffer.from(f.contents)),
  );
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/**
 * Frontend: the production size of the environments frontend plugin. Two
 * figures: the plugin's own code (every package import left external, as
 * the app shares React, MUI and Backstage with other plugins), and the
 * plugin with everything except React, MUI and `@backstage/*` bundled in
 * (what it adds to an app that already has Backstage).
 */
export async function runFrontend(
  parameters: CardRenderParameters,
  log: (line: string) => void = () => {},
): Promise<FrontendResult> {
  const pluginDir = join(REPO_ROOT, 'plugins', 'environments');
  const measures: Record<string, string | number> = {};
  for (const [entry, label] of [
    ['src/alpha.tsx', '/alpha (new frontend system)'],
    ['src/index.ts', 'root export (legacy system)'],
  ] as const) {
    const own = await bundleSize(join(pluginDir, entry), 'packages');
    const withDeps = await bundleSize(join(pluginDir, entry), [
      'react',
      'react-dom',
      'react/*',
      'react-router',
      'react-router-dom',
      '@material-ui/*',
      '@mui/*',
      '@backstage/*',
    ]);
    measures[`${label}: own code, minified (KiB)`] = (own.raw / 1024).toFixed(
      1,
    );
    measures[`${label}: own code, gzip (KiB)`] = (own.gzip / 1024).toFixed(1);
    measures[`${label}: with non-shared deps, gzip (KiB)`] = (
      withDeps.gzip / 1024
    ).toFixed(1);
  }
  const cardRender = await runCardRender(parameters, log);
  const ms = (values: number[], p: number) => percentile(values, p).toFixed(0);
  measures['time to first card render, p50 (ms)'] = ms(
    cardRender.firstCardMs,
    50,
  );
  measures['time to first card render, p95 (ms)'] = ms(
    cardRender.firstCardMs,
    95,
  );
  measures['first contentful paint, p50 (ms)'] = ms(
    cardRender.firstContentfulPaintMs,
    50,
  );
  measures['card page JavaScript loaded, uncompressed (KiB)'] = (
    cardRender.scriptBytes / 1024
  ).toFixed(0);
  return {
    measures,
    cardRender,
    notes: [
      'Sizes: bundled with esbuild (minified, ESM, production defines) from the plugin sources; "own code" leaves every package import external, "with non-shared deps" bundles everything except React, React Router, Material UI and @backstage/* packages.',
      `Card render: the environment overview card on an environment entity, in a Backstage test app (src/cardPage) bundled for production with esbuild (code splitting, so the card's lazy chunk loads on demand), served from loopback with API answers delayed ${cardRender.apiLatencyMs} ms, in headless Chromium ${cardRender.chromium}; ${cardRender.runs} cold loads, each in a fresh browser context. Time is from navigation start until the card's status region first reads "Phase: …" (a MutationObserver installed before any page script). The JavaScript figure is the whole test page (React, Material UI, the Backstage test app shell and the plugin), not the plugin alone.`,
    ].join(' '),
  };
}
