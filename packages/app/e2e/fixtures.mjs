// Fixture answers for `--fixtures`: an environment in the catalog and the
// environments API, so the overview card can be shown in each phase before
// the scaffolder actions and drivers exist. Never used against real data.
const HOUR = 3600_000;

export const FIXTURE_ENTITY = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'storefront-pr-7',
    namespace: 'default',
    uid: 'fixture-uid',
    title: 'storefront-pr-7',
    annotations: { 'envkit.io/environment-id': 'env-fixture' },
    links: [{ url: 'http://storefront-pr-7.sandbox.local', title: 'Endpoint' }],
  },
  spec: {
    type: 'environment',
    owner: 'group:default/team-storefront',
    dependencyOf: ['component:default/storefront-web'],
  },
  relations: [],
};

function serviceResourcePhase(phase) {
  if (phase === 'Ready' || phase === 'Updating') return 'Ready';
  if (phase === 'Failed') return 'Failed';
  return 'InProgress';
}

export function fixtureEnvironment(phase) {
  const ready = phase === 'Ready' || phase === 'Updating';
  return {
    id: 'env-fixture',
    createdAt: new Date(Date.now() - 2 * HOUR).toISOString(),
    updatedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    createdBy: 'user:default/guest',
    spec: {
      name: 'storefront-pr-7',
      templateRef: 'environmenttemplate:default/ecs-web-service',
      templateVersion: '1.0.0',
      templateSnapshot: {
        type: 'ecs',
        version: '1.0.0',
        owner: 'group:default/platform',
        parameters: { properties: {} },
        resources: [],
        outputs: {},
        guardrails: { ttl: { default: 'PT8H', max: 'P3D' } },
      },
      inputs: { imageLocation: 'nginx:1.27', containerPort: 80 },
      owner: 'group:default/team-storefront',
      component: 'component:default/storefront-web',
      expiresAt: new Date(Date.now() + 6 * HOUR).toISOString(),
      generation: 1,
    },
    status: {
      phase,
      conditions: [],
      observedGeneration: 1,
      outputs: ready
        ? {
            endpoint: 'storefront-pr-7-alb.eu-west-1.sandbox.local',
            clusterName: 'envkit-storefront-pr-7',
          }
        : {},
      resources: [
        {
          name: 'network',
          driver: 'aws-cloudformation',
          phase: phase === 'Pending' ? 'Pending' : 'Ready',
          outputs: {},
          updatedAt: new Date().toISOString(),
        },
        {
          name: 'service',
          driver: 'aws-cloudformation',
          phase: serviceResourcePhase(phase),
          outputs: {},
          message:
            phase === 'Failed' ? 'Tasks failed their health check' : undefined,
          updatedAt: new Date().toISOString(),
        },
      ],
      ...(phase === 'Failed'
        ? {
            lastError: {
              reason: 'StackRollbackComplete',
              message: 'The service did not become healthy on port 80',
              resource: 'service',
            },
          }
        : {}),
    },
  };
}

export const FIXTURE_EVENTS = [
  {
    id: '3',
    at: new Date(Date.now() - 5 * 60_000).toISOString(),
    type: 'Normal',
    reason: 'Ready',
    message: 'Every resource is ready',
  },
  {
    id: '2',
    at: new Date(Date.now() - 20 * 60_000).toISOString(),
    type: 'Normal',
    reason: 'Applied',
    message: 'Stack created',
    resource: 'service',
  },
  {
    id: '1',
    at: new Date(Date.now() - 2 * HOUR).toISOString(),
    type: 'Normal',
    reason: 'Created',
    message: 'Environment requested by user:default/guest',
  },
];

/** Serves the fixture environment, in the phase `getPhase()` returns. */
export async function routeFixtures(page, getPhase) {
  // The backend policy cannot know the fixture environment; allow its actions.
  await page.route(/\/api\/permission\/authorize$/, async route => {
    const body = route.request().postDataJSON();
    const fixture = body.items.every(
      i => !i.resourceRef || i.resourceRef === 'env-fixture',
    );
    if (!fixture) return route.continue();
    return route.fulfill({
      json: { items: body.items.map(i => ({ id: i.id, result: 'ALLOW' })) },
    });
  });
  await page.route(
    /\/api\/catalog\/entities\/by-name\/resource\/default\/storefront-pr-7$/,
    route => route.fulfill({ json: FIXTURE_ENTITY }),
  );
  await page.route(
    /\/api\/catalog\/entities\/by-name\/resource\/default\/storefront-pr-7\/ancestry$/,
    route =>
      route.fulfill({
        json: {
          rootEntityRef: 'resource:default/storefront-pr-7',
          items: [{ entity: FIXTURE_ENTITY, parentEntityRefs: [] }],
        },
      }),
  );
  await page.route(
    /\/api\/environments\/environments\/env-fixture\/events$/,
    route => route.fulfill({ json: { items: FIXTURE_EVENTS } }),
  );
  await page.route(
    /\/api\/environments\/environments\/env-fixture(\/(extend|upgrade|redeploy))?$/,
    route => {
      const method = route.request().method();
      const url = route.request().url();
      if (method === 'DELETE')
        return route.fulfill({
          status: 202,
          json: fixtureEnvironment('Destroying'),
        });
      if (url.endsWith('/extend'))
        return route.fulfill({ json: fixtureEnvironment(getPhase()) });
      return route.fulfill({ json: fixtureEnvironment(getPhase()) });
    },
  );
  await page.route(
    /\/api\/environments\/templates\/default\/ecs-web-service$/,
    route =>
      route.fulfill({
        json: {
          ref: 'environmenttemplate:default/ecs-web-service',
          valid: true,
          entity: {
            metadata: { name: 'ecs-web-service' },
            spec: { version: '1.1.0' },
          },
        },
      }),
  );
}
