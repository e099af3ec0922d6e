/*
 * Throttling: the sandbox throttles half of all CloudFormation, ECS and
 * Kubernetes calls for a window while environments are created, observed
 * and destroyed. No environment may fail, and the logs must show retries
 * with backoff, not a flood of errors.
 */
import { sleep, waitFor } from '@envkit/plugin-environments-node/testUtils';
import { EnvironmentsClient, printFigures } from './harness/api';
import { levelOf } from './harness/logs';
import { useSandboxBackend } from './harness/sandboxBackend';

const ECS = 'environmenttemplate:default/reliability-ecs';
const NAMESPACE = 'environmenttemplate:default/reliability-namespace';
/**
 * The issue asks for two minutes; the default CI run uses 60 s to keep all
 * suites within the 10-minute budget. RELIABILITY_THROTTLE_SECONDS=120 runs
 * the full window.
 */
const WINDOW_SECONDS = Number(process.env.RELIABILITY_THROTTLE_SECONDS ?? 60);
const K8S_WINDOW_SECONDS = Number(
  process.env.RELIABILITY_K8S_THROTTLE_SECONDS ?? 20,
);
const CREATE_EVERY_MS = 4000;

jest.setTimeout((WINDOW_SECONDS + K8S_WINDOW_SECONDS + 240) * 1000);

function totalCalls(calls: Record<string, Record<string, number>>) {
  const out: Record<string, number> = {};
  for (const [service, actions] of Object.entries(calls)) {
    out[service] = Object.values(actions).reduce((a, b) => a + b, 0);
  }
  return out;
}

describe('throttling', () => {
  const harness = useSandboxBackend('throttle', {
    sandbox: { profile: 'fast' },
    backend: {
      // Ready environments are observed every 2 s, so the window also
      // covers status checks, not only creates.
      observeIntervalSeconds: 2,
    },
  });

  async function throttledWindow(
    services: ('cloudformation' | 'ecs' | 'kubernetes')[],
    templates: string[],
    seconds: number,
    prefix: string,
  ) {
    const { sandbox, backend, logs } = harness;
    const client = new EnvironmentsClient(() => [backend]);
    const { controls } = sandbox;
    const linesBefore = logs.lines.length;
    controls.resetCalls();

    for (const service of services) {
      controls.throttle({ service, percent: 50 });
    }
    const windowStart = Date.now();
    const created: { id: string; template: string }[] = [];
    const destroyed: string[] = [];
    let i = 0;
    while (Date.now() - windowStart < seconds * 1000) {
      const template = templates[i % templates.length];
      const res = await client.on(backend, 'POST', '/environments', {
        name: `${prefix}-${String(i).padStart(2, '0')}`,
        templateRef: template,
        inputs: template === ECS ? { imageLocation: 'nginx:1.27' } : {},
      });
      expect(res.status).toBe(202);
      created.push({ id: res.body.id, template });
      // Destroy every fourth environment a little later, inside the window.
      if (i % 4 === 3) {
        const victim = created[i - 2].id;
        const del = await client.on(
          backend,
          'DELETE',
          `/environments/${victim}`,
        );
        expect(del.status).toBe(202);
        destroyed.push(victim);
      }
      i += 1;
      await sleep(CREATE_EVERY_MS);
    }
    const windowCalls = totalCalls(controls.calls());
    controls.clearFaults();
    const windowEnd = Date.now();

    const settled = await waitFor(
      'every environment settled',
      async () => {
        const all = await Promise.all(created.map(c => client.get(c.id)));
        // Settled: every environment in an end phase (Failed counts, so a
        // failure is reported with the others instead of timing out).
        const done = all.every(e =>
          destroyed.includes(e.id)
            ? ['Destroyed', 'Failed'].includes(e.status.phase)
            : ['Ready', 'Failed'].includes(e.status.phase),
        );
        return done ? all : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const settledSeconds = (Date.now() - windowEnd) / 1000;

    const lines = logs.lines.slice(linesBefore);
    const errors = lines.filter(l => levelOf(l.text) === 'error');
    const warnings = lines.filter(l => levelOf(l.text) === 'warn');
    const retryLines = lines.filter(l =>
      /throttl|rate exceeded|retry|backoff|back off|TooManyRequests/i.test(
        l.text,
      ),
    );
    const phases: Record<string, number> = {};
    for (const e of settled)
      phases[e.status.phase] = (phases[e.status.phase] ?? 0) + 1;
    const leaks = logs.leaks();

    printFigures(
      `throttling: 50% of ${services.join('+')} calls for ${seconds} s`,
      {
        'environments created in the window': created.length,
        'destroyed in the window': destroyed.length,
        'end phases': JSON.stringify(phases),
        Failed: phases.Failed ?? 0,
        'calls during the window (cfn/ecs/k8s)': `${
          windowCalls.cloudformation ?? 0
        }/${windowCalls.ecs ?? 0}/${windowCalls.kubernetes ?? 0}`,
        'settled after window (s)': settledSeconds.toFixed(1),
        'log lines in the window': lines.length,
        'error-level lines': errors.length,
        'warn-level lines': warnings.length,
        'lines mentioning throttling/retry/backoff': retryLines.length,
        'secret leaks in logs': leaks.length,
      },
    );
    for (const e of settled.filter(x => x.status.phase === 'Failed')) {
      // eslint-disable-next-line no-console
      console.log(
        `FAILED ${e.spec.name} (${e.spec.templateRef}): ${JSON.stringify(
          e.status.lastError,
        )}`,
      );
    }
    if (errors.length) {
      // eslint-disable-next-line no-console
      console.log(
        errors
          .slice(0, 5)
          .map(l => l.text.slice(0, 300))
          .join('\n'),
      );
    }

    return { phases, created, destroyed, errors, leaks };
  }

  it(`keeps every environment healthy while 50% of AWS calls are throttled for ${WINDOW_SECONDS} s`, async () => {
    await harness.backend.start([ECS, NAMESPACE]);
    const { phases, created, destroyed, errors, leaks } = await throttledWindow(
      ['cloudformation', 'ecs'],
      [ECS],
      WINDOW_SECONDS,
      'aws',
    );
    expect(phases.Failed ?? 0).toBe(0);
    expect(phases.Ready).toBe(created.length - destroyed.length);
    expect(phases.Destroyed).toBe(destroyed.length);
    // Backoff, not a flood: no error-level line at all while throttled.
    expect(errors.length).toBe(0);
    expect(leaks.map(l => `${l.what}: ${l.line.text.slice(0, 200)}`)).toEqual(
      [],
    );
  });

  // Finding F1 (fixed): the engine used to retry a throttled apply every
  // sweep instead of backing off, so namespace environments failed after
  // 8 attempts in about 8 seconds.
  it(`reports what 50% Kubernetes throttling for ${K8S_WINDOW_SECONDS} s does to namespace environments`, async () => {
    const { phases, errors, leaks } = await throttledWindow(
      ['kubernetes'],
      [NAMESPACE],
      K8S_WINDOW_SECONDS,
      'k8s',
    );
    expect(phases.Failed ?? 0).toBe(0);
    expect(errors.length).toBe(0);
    expect(leaks.map(l => `${l.what}: ${l.line.text.slice(0, 200)}`)).toEqual(
      [],
    );
  });
});
