import { mockServices } from '@backstage/backend-test-utils';
import {
  summarizeEnvironment,
  type Environment,
  type EnvironmentPhase,
  type EnvironmentSummary,
} from '@envkit/plugin-environments-common';
import { EnvironmentEntityProvider } from './EnvironmentEntityProvider';
import { DefaultEnvironmentsService } from '@envkit/plugin-environments-node';
import { EnvironmentsListClient } from './EnvironmentsListClient';

function environment(
  id: string,
  name: string,
  phase: EnvironmentPhase,
  extra: { component?: string; endpoint?: string; owner?: string } = {},
): EnvironmentSummary {
  // As GET /environments lists it.
  return summarizeEnvironment({
    id,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    createdBy: 'user:default/alice',
    spec: {
      name,
      templateRef: 'environmenttemplate:default/ecs-web-service',
      templateVersion: '1.0.0',
      templateSnapshot: {
        type: 'ecs',
      } as Environment['spec']['templateSnapshot'],
      inputs: {},
      owner: extra.owner ?? 'user:default/alice',
      component: extra.component,
      generation: 1,
    },
    status: {
      phase,
      conditions: [],
      resources: [],
      outputs: extra.endpoint ? { endpoint: extra.endpoint } : {},
      observedGeneration: 1,
    },
  });
}

/** A fake GET /environments serving `pages` one after the other by cursor. */
function fakeApi(pages: EnvironmentSummary[][]) {
  const calls: Array<{ url: string; authorization?: string }> = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    calls.push({
      url: request.url,
      authorization: request.headers.get('authorization') ?? undefined,
    });
    const cursor = new URL(request.url).searchParams.get('cursor');
    const index = cursor ? Number(cursor) : 0;
    const nextCursor = index + 1 < pages.length ? String(index + 1) : undefined;
    return new Response(
      JSON.stringify({ items: pages[index], totalCount: 0, nextCursor }),
      { status: 200, headers: { 'Content-Type': 'application/json' } },
    );
  };
  return { fetchFn: fetchFn as typeof fetch, calls };
}

function setup(pages: EnvironmentSummary[][]) {
  const api = fakeApi(pages);
  const provider = new EnvironmentEntityProvider({
    environments: new EnvironmentsListClient({
      environments: new DefaultEnvironmentsService({
        discovery: mockServices.discovery(),
        auth: mockServices.auth({ pluginId: 'catalog' }),
        fetch: api.fetchFn,
      }),
      auth: mockServices.auth({ pluginId: 'catalog' }),
    }),
    logger: mockServices.logger.mock(),
  });
  const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
  return { provider, connection, api };
}

describe('EnvironmentEntityProvider', () => {
  it('publishes each environment as a Resource owned by its owner and depended on by its component', async () => {
    const { provider, connection, api } = setup([
      [
        environment('e1', 'storefront-pr-1', 'Ready', {
          component: 'component:default/storefront-web',
          endpoint: 'http://alb-1.sandbox.local',
          owner: 'group:default/team-storefront',
        }),
      ],
    ]);
    await provider.connect(connection);

    await provider.refresh();

    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [
        {
          locationKey: 'envkit:environments',
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Resource',
            metadata: {
              name: 'storefront-pr-1',
              namespace: 'default',
              title: 'storefront-pr-1',
              description:
                'Environment from environmenttemplate:default/ecs-web-service@1.0.0, Ready',
              annotations: {
                'backstage.io/managed-by-location': 'envkit:environments',
                'backstage.io/managed-by-origin-location':
                  'envkit:environments',
                'envkit.io/environment-id': 'e1',
                'envkit.io/template':
                  'environmenttemplate:default/ecs-web-service',
                // With spec.owner, decides who may read the entity.
                'envkit.io/created-by': 'user:default/alice',
              },
              labels: { 'envkit.io/phase': 'Ready' },
              tags: ['envkit', 'ecs'],
              links: [
                {
                  url: 'http://alb-1.sandbox.local',
                  title: 'Endpoint',
                  icon: 'dashboard',
                },
              ],
            },
            spec: {
              type: 'environment',
              owner: 'group:default/team-storefront',
              dependencyOf: ['component:default/storefront-web'],
            },
          },
        },
      ],
    });
    // Read with the catalog's own service token, not a user's.
    expect(api.calls[0].authorization).toMatch(/plugin:catalog/);
  });

  it('removes destroyed and rejected environments and reads every page', async () => {
    const { provider, connection } = setup([
      [
        environment('e1', 'alive', 'Provisioning'),
        environment('e2', 'gone', 'Destroyed'),
        environment('e4', 'refused', 'Rejected'),
      ],
      [environment('e3', 'later', 'Destroying', { endpoint: 'not a url!' })],
    ]);
    await provider.connect(connection);

    await provider.refresh();

    const [{ entities }] = connection.applyMutation.mock.calls[0];
    expect(entities.map((e: any) => e.entity.metadata.name)).toEqual([
      'alive',
      'later',
    ]);
    expect(entities[0].entity.spec.dependencyOf).toBeUndefined();
    expect(entities[1].entity.metadata.links).toBeUndefined();
  });

  it('refreshes on its schedule and keeps going when the API is down', async () => {
    const logger = mockServices.logger.mock();
    const taskRunner = { run: jest.fn() };
    const provider = new EnvironmentEntityProvider({
      environments: {
        listAll: jest.fn().mockRejectedValue(new Error('ECONNREFUSED')),
        get: jest.fn(),
      },
      logger,
      taskRunner,
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };

    await provider.connect(connection);
    const [{ id, fn }] = taskRunner.run.mock.calls[0];
    await fn();

    expect(id).toBe('EnvironmentEntityProvider:refresh');
    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not refresh environment entities: ECONNREFUSED',
    );
  });

  it('applies announced changes at once: the new phase, and a Destroyed environment removed', async () => {
    const current: Record<string, EnvironmentSummary> = {
      'env-1': environment('env-1', 'checkout-dev', 'Ready', {
        endpoint: 'checkout.example.test',
      }),
      'env-2': environment('env-2', 'old-dev', 'Destroyed'),
    };
    const subscribe = jest.fn();
    const provider = new EnvironmentEntityProvider({
      environments: {
        listAll: jest.fn(),
        get: async id => current[id],
      },
      logger: mockServices.logger.mock(),
      events: { subscribe, publish: jest.fn() },
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    const [{ topics, onEvent }] = subscribe.mock.calls[0];
    expect(topics).toEqual(['envkit.environment-changed']);

    // Two changes in the same moment, and one for an id that is gone: one
    // delta carries what exists.
    await Promise.all([
      onEvent({
        topic: 'envkit.environment-changed',
        eventPayload: { environmentId: 'env-1', phase: 'Ready' },
      }),
      onEvent({
        topic: 'envkit.environment-changed',
        eventPayload: { environmentId: 'env-2', phase: 'Destroyed' },
      }),
      onEvent({
        topic: 'envkit.environment-changed',
        eventPayload: { environmentId: 'gone', phase: 'Ready' },
      }),
    ]);
    await provider.changedOne('gone');

    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    const [mutation] = connection.applyMutation.mock.calls[0];
    expect(mutation.type).toBe('delta');
    expect(
      mutation.added.map((a: any) => [
        a.entity.metadata.name,
        a.entity.metadata.labels['envkit.io/phase'],
        a.entity.metadata.links?.[0]?.url,
      ]),
    ).toEqual([['checkout-dev', 'Ready', 'http://checkout.example.test']]);
    expect(mutation.removed).toEqual([
      {
        entityRef: 'resource:default/old-dev',
        locationKey: 'envkit:environments',
      },
    ]);
  });
});
