/*
 * The catalog follows the environment: the example app (a real backend
 * process, its catalog and the Envkit catalog module) is asked for an
 * environment's entity while the engine moves it through its phases. The
 * entity's `envkit.io/phase` label must show each phase the API reports
 * within a few seconds, and the entity must go once the environment is
 * Destroyed — not on the catalog's next scheduled read.
 */
import { waitFor } from '@envkit/plugin-environments-node/testUtils';
import { EnvironmentsClient, printFigures } from './harness/api';
import { useSandboxBackend } from './harness/sandboxBackend';

const TEMPLATE = 'environmenttemplate:default/reliability-stack';
// The bound the issue sets for "within seconds"; the figures print what was
// measured.
const WITHIN_MS = 10_000;

jest.setTimeout(4 * 60_000);

describe('the catalog entity follows the environment', () => {
  const harness = useSandboxBackend('catalog-follows', {
    // The realistic profile slowed so each phase lasts long enough to see;
    // the provider's scheduled read is pushed out of the way, so only a
    // prompt update can meet the bound.
    sandbox: { profile: 'realistic', clockMultiplier: 20 },
    backend: {
      extraConfig: {
        catalog: {
          providers: {
            envkit: {
              environments: {
                schedule: {
                  frequency: { minutes: 10 },
                  timeout: { minutes: 1 },
                },
              },
            },
          },
        },
      },
    },
  });

  it('shows each phase on the entity within seconds, and drops it once Destroyed', async () => {
    const { backend } = harness;
    await backend.start([TEMPLATE]);
    const client = new EnvironmentsClient(() => [backend]);
    const token = await client.token(backend);

    const entityPhase = async (name: string) => {
      const res = await fetch(
        `${backend.url}/api/catalog/entities/by-name/resource/default/${name}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      if (res.status === 404) return 'absent';
      if (!res.ok) throw new Error(`catalog answered ${res.status}`);
      const entity = (await res.json()) as {
        metadata: { labels?: Record<string, string> };
      };
      return entity.metadata.labels?.['envkit.io/phase'] ?? 'unlabelled';
    };

    const created = await client.on(backend, 'POST', '/environments', {
      name: 'follows-catalog',
      templateRef: TEMPLATE,
    });
    expect(created.status).toBe(202);
    const id: string = created.body.id;

    // Follows API phase changes and, for each, how long the entity took.
    const lags: Record<string, number> = {};
    const follow = async (phase: string, expected = phase) => {
      await waitFor(
        `the API to say ${phase}`,
        async () => {
          const res = await client.on(backend, 'GET', `/environments/${id}`);
          return res.body?.status?.phase === phase ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 50 },
      );
      const seen = Date.now();
      await waitFor(
        `the entity to say ${expected}`,
        async () =>
          (await entityPhase('follows-catalog')) === expected
            ? true
            : undefined,
        { timeoutMs: WITHIN_MS, intervalMs: 100 },
      );
      lags[`${phase} → entity ${expected}`] = Date.now() - seen;
    };

    await follow('Provisioning');
    await follow('Ready');
    const destroyed = await client.on(backend, 'DELETE', `/environments/${id}`);
    expect(destroyed.status).toBe(202);
    await follow('Destroying');
    await follow('Destroyed', 'absent');

    printFigures(
      'catalog entity lag after each phase change',
      Object.fromEntries(
        Object.entries(lags).map(([change, ms]) => [change, `${ms} ms`]),
      ),
    );
  });
});
