import {
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createTestDriverModule } from '@envkit/plugin-environments-node/testUtils';
import request from 'supertest';
import { JsonObject } from '@backstage/types';
import { environmentsPlugin } from '../plugin';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from '../permissions/rules';
import { restrictedTemplate, webTemplate } from '../__fixtures__/templates';
import {
  environmentsApi as api,
  userInfoOf,
  userOf,
} from './__testUtils__/users';

const lena = 'user:default/lena';
const marco = 'user:default/marco';
const platformAdmin = 'user:default/priya';
const groups: Record<string, string[]> = {
  [lena]: [lena, 'group:default/team-storefront'],
  [marco]: [marco, 'group:default/team-payments'],
  [platformAdmin]: [platformAdmin, 'group:default/platform-team'],
};

// Mirrors the example policy: the platform team may do anything; everyone
// else may create and see, change or destroy only what they or their groups own.
const permissions = mockServices.permissions.mock({
  async authorize(requests, { credentials }) {
    return requests.map(() => ({
      result:
        credentials.principal && userOf(credentials) !== 'user:default/nobody'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }));
  },
  async authorizeConditional(requests, { credentials }) {
    const user = userOf(credentials);
    return requests.map(({ permission }) => {
      if (user === platformAdmin) return { result: AuthorizeResult.ALLOW };
      return createEnvironmentConditionalDecision(
        permission as ResourcePermission<'environment'>,
        environmentConditions.isEnvironmentOwner({
          claims: groups[user] ?? [user],
        }),
      );
    });
  },
});

/** Parameters the test driver was asked to estimate, in call order. */
const estimatedParameters: Record<string, unknown>[] = [];

const testDriverModule = createTestDriverModule({
  moduleId: 'test-driver',
  driver: {
    id: 'test',
    apply: async () => ({ status: 'InProgress' }),
    observe: async () => ({ status: 'Ready' }),
    destroy: async () => ({ status: 'Destroyed' }),
    estimate: async resource => {
      if (resource.name === 'network') {
        throw new Error('no list price for networks');
      }
      estimatedParameters.push(resource.parameters);
      // Images tagged x2 run two tasks: a change that costs more.
      const tasks = String(
        (resource.parameters.Parameters as any)?.Image,
      ).endsWith(':x2')
        ? 2
        : 1;
      return {
        currency: 'USD',
        priceList: {
          name: 'test prices',
          region: 'test-1',
          date: '2026-11-01',
          sources: ['https://prices.example.test'],
        },
        lines: [
          {
            item: 'Compute',
            quantity: 730 * tasks,
            unit: 'hour',
            unitPrice: 0.1,
            monthly: 73 * tasks,
            whileRunning: true,
          },
          {
            item: 'Load balancer',
            quantity: 730,
            unit: 'hour',
            unitPrice: 0.0225,
            monthly: 16.43,
            whileRunning: false,
            assumption: 'light traffic',
          },
        ],
      };
    },
  },
});

const storefrontWeb = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'storefront-web', namespace: 'default' },
  spec: { type: 'website', lifecycle: 'production', owner: 'team-storefront' },
};

async function startBackend(
  options: {
    entities?: object[];
    auditor?: ServiceFactory;
    permissions?: ServiceFactory;
    config?: JsonObject;
    /**
     * Holds the n-th look-up of an entity by ref for the n-th delay (ms);
     * the last one holds every look-up after it.
     */
    lookupDelaysMs?: number[];
  } = {},
) {
  const catalog = catalogServiceMock({
    entities: [
      webTemplate as any,
      restrictedTemplate as any,
      storefrontWeb as any,
      ...((options.entities as any[]) ?? []),
    ],
  });
  let lookups = 0;
  const delays = options.lookupDelaysMs;
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      testDriverModule,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          new Proxy(catalog, {
            get(target, property) {
              const value = (target as any)[property];
              if (property === 'getEntityByRef' && delays) {
                return async (...args: any[]) => {
                  const ms = delays[Math.min(lookups++, delays.length - 1)];
                  await new Promise(r => setTimeout(r, ms));
                  return value.apply(target, args);
                };
              }
              return typeof value === 'function' ? value.bind(target) : value;
            },
          }),
      }),
      ...(options.auditor ? [options.auditor] : []),
      ...(options.config
        ? [mockServices.rootConfig.factory({ data: options.config })]
        : []),
      options.permissions ?? permissions.factory,
      userInfoOf(groups),
    ],
  });
  return server;
}

const createBody = {
  name: 'checkout-demo',
  templateRef: 'web',
  inputs: { imageLocation: 'nginx:1.27', containerPort: '80' },
};

/** `POST /environments` as `user`, with `changes` to the usual body. */
function createAs(
  server: Parameters<typeof request>[0],
  user: string,
  changes: object,
) {
  return api(server, user).post('/environments', { ...createBody, ...changes });
}

/** Creates the usual environment as `user` and returns its id. */
async function createdId(server: Parameters<typeof request>[0], user: string) {
  const created = await createAs(server, user, {}).expect(202);
  return created.body.id as string;
}

describe('environments REST API', () => {
  it('creates an environment pinned to the template version with resolved inputs', async () => {
    const server = await startBackend();

    const res = await api(server, lena).post('/environments', createBody);

    expect(res.status).toBe(202);
    expect(res.body.spec).toMatchObject({
      name: 'checkout-demo',
      templateRef: 'environmenttemplate:default/web',
      templateVersion: '1.2.0',
      owner: lena,
      generation: 1,
      inputs: {
        imageLocation: 'nginx:1.27',
        containerPort: 80,
        size: 'small',
        region: 'eu-west-1',
      },
    });
    expect(res.body.spec.templateSnapshot.resources).toHaveLength(2);
    expect(res.body.status.phase).toBe('Pending');
    expect(res.body.createdBy).toBe(lena);
    // The template's default TTL of 8 hours applies.
    const ttlMs = Date.parse(res.body.spec.expiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(7.9 * 3600_000);
    expect(ttlMs).toBeLessThanOrEqual(8 * 3600_000);

    const fetched = await api(server, lena).get(`/environments/${res.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.id).toBe(res.body.id);

    const events = await api(server, lena).get(
      `/environments/${res.body.id}/events`,
    );
    expect(events.body.items.map((e: any) => e.reason)).toEqual(['Requested']);
  });

  it.each([
    [{ ...createBody, name: 'Checkout' }, /name: /],
    [{ ...createBody, name: '../etc' }, /name: /],
    [{ ...createBody, inputs: { containerPort: 80 } }, /inputs\.imageLocation/],
    [
      { ...createBody, inputs: { ...createBody.inputs, containerPort: 70000 } },
      /inputs\.containerPort/,
    ],
    [
      { ...createBody, inputs: { ...createBody.inputs, region: 'us-east-1' } },
      /inputs\.region/,
    ],
    [
      { ...createBody, inputs: { ...createBody.inputs, size: 'huge' } },
      /inputs\.size/,
    ],
    [{ ...createBody, ttl: 'P30D' }, /ttl: /],
    [{ ...createBody, extra: true }, /extra/],
    [{ ...createBody, templateRef: 'web\u0000x' }, /^templateRef: /],
    [{ ...createBody, owner: 'not a ref!!' }, /^owner: /],
    [
      { ...createBody, owner: 'component:default/storefront-web' },
      /^owner: 'component:default\/storefront-web' is a component; an owner is a User or Group/,
    ],
    [{ ...createBody, component: 'not a ref!!' }, /^component: /],
    [
      { ...createBody, component: 'group:default/team-payments' },
      /^component: 'group:default\/team-payments' is not a Component in the catalog/,
    ],
    [
      { ...createBody, component: 'component:default/nowhere' },
      /^component: 'component:default\/nowhere' is not a Component in the catalog/,
    ],
  ])(
    'rejects bad input %# with a 400 naming the field',
    async (body, field) => {
      const server = await startBackend();

      const res = await api(server, lena).post('/environments', body);

      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(field);
      const list = await api(server, lena).get('/environments');
      expect(list.body.items).toEqual([]);
    },
  );

  it('accepts a component the catalog has and an owner group the caller is in', async () => {
    const server = await startBackend();
    const created = await createAs(server, lena, {
      component: 'storefront-web',
      owner: 'group:default/team-storefront',
    }).expect(202);
    expect(created.body.spec.component).toBe(
      'component:default/storefront-web',
    );
  });

  it('answers 404 for an unknown template and 409 for a taken name', async () => {
    const server = await startBackend();
    const unknown = await createAs(server, lena, { templateRef: 'nope' });
    expect(unknown.status).toBe(404);

    await api(server, lena).post('/environments', createBody).expect(202);
    const again = await api(server, marco).post('/environments', createBody);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/checkout-demo/);
  });

  it('tells a form whether a name is free, taken by anyone, or against the rules', async () => {
    const server = await startBackend();
    const free = await api(server, marco).get(
      '/environment-names/checkout-demo',
    );
    expect(free.status).toBe(200);
    expect(free.body).toEqual({ name: 'checkout-demo', available: true });

    await api(server, lena).post('/environments', createBody).expect(202);
    const taken = await api(server, marco).get(
      '/environment-names/checkout-demo',
    );
    expect(taken.body).toEqual({
      name: 'checkout-demo',
      available: false,
      reason:
        "An environment named 'checkout-demo' already exists; pick another name",
    });

    const bad = await api(server, marco).get('/environment-names/Checkout');
    expect(bad.body.available).toBe(false);
    expect(bad.body.reason).toBe("The name must be lowercase; try 'checkout'");
  });

  it('answers 403 on a name check to a caller who may not create environments', async () => {
    const server = await startBackend({
      permissions: mockServices.permissions.mock({
        async authorizeConditional(requests) {
          return requests.map(() => ({ result: AuthorizeResult.DENY }));
        },
      }).factory,
    });
    const res = await api(server, marco).get('/environment-names/free-name');
    expect(res.status).toBe(403);
  });

  it('refuses to create an environment owned by a team the caller is not in', async () => {
    const server = await startBackend();
    const res = await createAs(server, marco, {
      owner: 'group:default/team-storefront',
    });
    expect(res.status).toBe(403);
    const own = await createAs(server, marco, {
      owner: 'group:default/team-payments',
    });
    expect(own.status).toBe(202);
  });

  it('enforces the per-owner limit and who may use a template', async () => {
    const server = await startBackend();
    for (const name of ['one', 'two']) {
      await createAs(server, lena, { name }).expect(202);
    }
    const third = await createAs(server, lena, { name: 'three' });
    expect(third.status).toBe(409);
    expect(third.body.error.message).toMatch(/already has 2 environments/);

    const restricted = await createAs(server, lena, {
      templateRef: 'payments-only',
    });
    expect(restricted.status).toBe(403);
    const allowed = await createAs(server, marco, {
      name: 'pay',
      templateRef: 'payments-only',
    });
    expect(allowed.status).toBe(202);
  });

  it('shows, extends and destroys environments only for their owners and the platform team', async () => {
    const server = await startBackend();
    const id = await createdId(server, lena);

    // Another team neither sees nor touches it.
    const marcoList = await api(server, marco).get('/environments');
    expect(marcoList.body.items).toEqual([]);
    await api(server, marco).get(`/environments/${id}`).expect(403);
    await api(server, marco).delete(`/environments/${id}`).expect(403);
    await api(server, marco)
      .post(`/environments/${id}/extend`, {
        ttl: 'PT1H',
      })
      .expect(403);

    // The platform team sees everyone's.
    const adminList = await api(server, platformAdmin).get('/environments');
    expect(adminList.body.items.map((e: any) => e.id)).toEqual([id]);

    const extended = await api(server, lena).post(
      `/environments/${id}/extend`,
      { ttl: 'P2D' },
    );
    expect(extended.status).toBe(200);
    expect(extended.body.spec.generation).toBe(2);
    const tooLong = await api(server, lena).post(`/environments/${id}/extend`, {
      ttl: 'P8D',
    });
    expect(tooLong.status).toBe(400);

    const destroyed = await api(server, lena).delete(`/environments/${id}`);
    expect(destroyed.status).toBe(202);
    expect(destroyed.body.spec.deletionRequestedAt).toBeDefined();
    expect(destroyed.body.spec.generation).toBe(3);
  });

  it('refuses a zero lifetime and an extend that would shorten one, naming ttl', async () => {
    const server = await startBackend();
    for (const ttl of ['PT0S', 'P0D']) {
      const zero = await createAs(server, lena, { ttl });
      expect(zero.status).toBe(400);
      expect(zero.body.error.message).toMatch(/^ttl: .* is no lifetime/);
    }
    const created = await createAs(server, lena, { ttl: 'PT8H' }).expect(202);
    const id = created.body.id as string;

    const zero = await api(server, lena).post(`/environments/${id}/extend`, {
      ttl: 'PT0S',
    });
    expect(zero.status).toBe(400);
    expect(zero.body.error.message).toMatch(/^ttl: PT0S is no lifetime/);
    const shorter = await api(server, lena).post(`/environments/${id}/extend`, {
      ttl: 'PT1H',
    });
    expect(shorter.status).toBe(400);
    expect(shorter.body.error.message).toMatch(
      /^ttl: PT1H from now ends at .*, before the current expiry/,
    );
    const after = await api(server, lena).get(`/environments/${id}`);
    expect(after.body.spec.expiresAt).toBe(created.body.spec.expiresAt);
    expect(after.body.spec.generation).toBe(1);

    // A missing ttl is required; one that is not text says so.
    for (const [body, message] of [
      [{}, "ttl: required, an ISO-8601 duration such as 'PT8H'"],
      [
        { ttl: { hours: 8 } },
        "ttl: must be text, an ISO-8601 duration such as 'PT8H'",
      ],
    ] as const) {
      const refused = await api(server, lena).post(
        `/environments/${id}/extend`,
        body,
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toBe(message);
    }
  });

  it('answers 400 naming the field when an object stands where a string belongs', async () => {
    const server = await startBackend();
    for (const field of ['name', 'templateRef', 'ttl', 'owner', 'component']) {
      const res = await createAs(server, lena, { [field]: { toString: 1 } });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(field);
    }
    const id = await createdId(server, lena);
    const extend = await api(server, lena).post(`/environments/${id}/extend`, {
      ttl: { toString: 1 },
    });
    expect(extend.status).toBe(400);
    expect(extend.body.error.message).toContain('ttl');
    const nul = await createAs(server, lena, { templateRef: 'web\u0000' });
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toContain('templateRef');
  });

  it('returns the same environment when a create is retried with the same Idempotency-Key', async () => {
    const server = await startBackend();
    const first = await api(server, lena)
      .post('/environments')
      .set('Idempotency-Key', 'scaffolder-task-42')
      .send(createBody);
    const retry = await api(server, lena)
      .post('/environments')
      .set('Idempotency-Key', 'scaffolder-task-42')
      .send(createBody);

    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(first.body.id);
    const list = await api(server, lena).get('/environments');
    expect(list.body.totalCount).toBe(1);
  });

  it('answers a retried create from its key even past the limit, and refuses the key for another body', async () => {
    const server = await startBackend();
    const keyed = (name: string, key: string) =>
      api(server, lena)
        .post('/environments')
        .set('Idempotency-Key', key)
        .send({ ...createBody, name });
    const first = await keyed('one', 'task-1').expect(202);
    await keyed('two', 'task-2').expect(202);
    // lena is now at the template's limit of 2.
    await createAs(server, lena, { name: 'three' }).expect(409);

    const retry = await keyed('one', 'task-1');
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(first.body.id);

    const reused = await keyed('other', 'task-1');
    expect(reused.status).toBe(422);
    expect(reused.body.error.message).toMatch(
      /^Idempotency-Key: 'task-1' was already used for a different create request/,
    );
    const list = await api(server, lena).get('/environments');
    expect(list.body.totalCount).toBe(2);
  });

  it('answers concurrent retries of one keyed create with its environment, at the limit too', async () => {
    // The first create looks its template up at once, the first retry
    // after 100 ms and every other retry after 400 ms.
    const server = await startBackend({ lookupDelaysMs: [0, 100, 400] });
    await createAs(server, lena, { name: 'one' }).expect(202);
    // One place left under the template's limit of 2. The first of the
    // retries takes it and the name while the others, which found no
    // earlier create under the key, wait on the catalog for the template;
    // they must still get that environment back, not a 409.
    const retries = await Promise.all(
      Array.from({ length: 5 }, () =>
        api(server, lena)
          .post('/environments')
          .set('Idempotency-Key', 'task-7')
          .send({ ...createBody, name: 'two' }),
      ),
    );
    expect(retries.map(r => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(retries.map(r => r.body.id)).size).toBe(1);
    const list = await api(server, lena).get('/environments');
    expect(list.body.totalCount).toBe(2);
  });

  it('pages the events timeline with limit and cursor, newest first', async () => {
    const server = await startBackend();
    const id = await createdId(server, lena);
    for (const ttl of ['P1D', 'P2D', 'P3D']) {
      await api(server, lena)
        .post(`/environments/${id}/extend`, { ttl })
        .expect(200);
    }

    const seen: Array<{ id: string; reason: string }> = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api(server, lena).get(
        `/environments/${id}/events?limit=2${
          cursor ? `&cursor=${cursor}` : ''
        }`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    const ids = seen.map(e => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    const reasons = seen.map(e => e.reason).reverse();
    expect(reasons.filter(r => r === 'Extended')).toHaveLength(3);
    expect(reasons[0]).toBe('Requested');
    expect(pages).toBeGreaterThanOrEqual(2);

    const badCursor = await api(server, lena).get(
      `/environments/${id}/events?cursor=abc`,
    );
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toMatch(/^cursor:/);
    const badLimit = await api(server, lena).get(
      `/environments/${id}/events?limit=0`,
    );
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toMatch(/^limit:/);
  });

  it('changes inputs, redeploys and upgrades as new generations', async () => {
    const server = await startBackend();
    const id = await createdId(server, lena);

    const patched = await api(server, lena).patch(`/environments/${id}`, {
      inputs: { imageLocation: 'nginx:1.28' },
    });
    expect(patched.status).toBe(202);
    expect(patched.body.spec.inputs).toMatchObject({
      imageLocation: 'nginx:1.28',
      containerPort: 80,
    });
    expect(patched.body.spec.generation).toBe(2);

    const locked = await api(server, lena).patch(`/environments/${id}`, {
      inputs: { region: 'us-east-1' },
    });
    expect(locked.status).toBe(400);
    expect(locked.body.error.message).toMatch(/inputs\.region/);

    const redeployed = await api(server, lena).post(
      `/environments/${id}/redeploy`,
    );
    expect(redeployed.status).toBe(202);
    expect(redeployed.body.spec.generation).toBe(3);

    // The catalog still has the pinned version: nothing to upgrade to.
    const upgrade = await api(server, lena).post(`/environments/${id}/upgrade`);
    expect(upgrade.status).toBe(409);
    expect(upgrade.body.error.message).toMatch(/already runs version 1\.2\.0/);
  });

  it('refuses every change but destroy once the lifetime has run out', async () => {
    const server = await startBackend();
    const created = await createAs(server, lena, { ttl: 'PT1S' }).expect(202);
    const id = created.body.id as string;
    await new Promise(resolve => setTimeout(resolve, 1_500));

    const changes = [
      api(server, lena).post(`/environments/${id}/extend`, { ttl: 'PT8H' }),
      api(server, lena).patch(`/environments/${id}`, {
        inputs: { imageLocation: 'nginx:1.28' },
      }),
      api(server, lena).post(`/environments/${id}/redeploy`),
    ];
    for (const res of await Promise.all(changes)) {
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(
        /checkout-demo': it expired at .* and is being destroyed/,
      );
    }
    const destroyed = await api(server, lena).delete(`/environments/${id}`);
    expect(destroyed.status).toBe(202);
    expect(
      (await api(server, lena).get(`/environments/${id}`)).body.spec.generation,
    ).toBe(2);
  });

  it('previews a create without recording anything', async () => {
    const server = await startBackend();
    const preview = await api(server, lena).post(
      '/environments/preview',
      createBody,
    );

    expect(preview.status).toBe(200);
    expect(preview.body.environment.spec.inputs.containerPort).toBe(80);
    expect(preview.body.resources.map((r: any) => r.name)).toEqual([
      'network',
      'service',
    ]);
    const list = await api(server, lena).get('/environments');
    expect(list.body.items).toEqual([]);
  });

  it('estimates what a create would cost a month, line by line, naming what it could not price', async () => {
    const server = await startBackend();
    estimatedParameters.length = 0;
    const preview = await api(server, lena).post(
      '/environments/preview',
      createBody,
    );

    expect(preview.status).toBe(200);
    const { estimate } = preview.body;
    expect(estimate.monthly).toBe(89.43);
    expect(
      estimate.lines.map((l: any) => [l.resource, l.item, l.monthly]),
    ).toEqual([
      ['service', 'Compute', 73],
      ['service', 'Load balancer', 16.43],
    ]);
    expect(estimate.lines[1].assumption).toBe('light traffic');
    expect(estimate.priceLists).toEqual([
      expect.objectContaining({ name: 'test prices', date: '2026-11-01' }),
    ]);
    expect(estimate.notEstimated).toEqual([
      { resource: 'network', reason: 'no list price for networks' },
    ]);
    // Outputs of resources that don't exist yet and a secret not given reach
    // the driver as placeholders; the developer's inputs as given.
    expect(estimatedParameters[0]).toMatchObject({
      Parameters: {
        VpcId: '(network.VpcId once created)',
        Image: createBody.inputs.imageLocation,
        Secret: '(input dbPassword not given)',
      },
    });
  });

  it('lists templates with their validation state', async () => {
    const server = await startBackend();
    const res = await api(server, lena).get('/templates');
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: any) => [t.ref, t.valid]).sort()).toEqual([
      ['environmenttemplate:default/payments-only', true],
      ['environmenttemplate:default/web', true],
    ]);
    const one = await api(server, lena).get('/templates/default/web');
    expect(one.body.entity.spec.version).toBe('1.2.0');
    await api(server, lena).get('/templates/default/nope').expect(404);
  });

  it('rejects unauthenticated calls and bad list filters', async () => {
    const server = await startBackend();
    await request(server)
      .get('/api/environments/environments')
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
    const bad = await api(server, lena).get('/environments?phase=Exploded');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^phase: /);
  });

  it('keeps secret inputs out of every response, event and audit record, and replaces them on PATCH', async () => {
    const audited: unknown[] = [];
    const auditor = mockServices.auditor.mock({
      async createEvent(options) {
        // What the audit log records besides the request line.
        audited.push({ eventId: options.eventId, meta: options.meta });
        return {
          success: async () => {},
          fail: async (failure: unknown) => {
            audited.push(failure);
          },
        };
      },
    });
    const server = await startBackend({ auditor: auditor.factory });
    const first = 'first-secret-4d1c9e';
    const second = 'second-secret-88b2aa';
    const preview = await api(server, lena).post('/environments/preview', {
      ...createBody,
      inputs: { ...createBody.inputs, dbPassword: first },
    });
    expect(preview.status).toBe(200);
    const created = await createAs(server, lena, {
      inputs: { ...createBody.inputs, dbPassword: first },
    }).expect(202);
    const id = created.body.id as string;
    expect(created.body.spec.secretInputs).toEqual(['dbPassword']);
    expect(created.body.spec.inputs).not.toHaveProperty('dbPassword');

    const patched = await api(server, lena).patch(`/environments/${id}`, {
      inputs: { dbPassword: second },
    });
    expect(patched.status).toBe(202);
    expect(patched.body.spec.generation).toBe(2);
    expect(patched.body.spec.secretInputs).toEqual(['dbPassword']);
    // Changing another input keeps the secret set.
    const other = await api(server, lena).patch(`/environments/${id}`, {
      inputs: { imageLocation: 'nginx:1.28' },
    });
    expect(other.status).toBe(202);
    expect(other.body.spec.secretInputs).toEqual(['dbPassword']);

    const seen = [
      preview.body,
      created.body,
      patched.body,
      other.body,
      (await api(server, lena).get(`/environments/${id}`)).body,
      (await api(server, lena).get('/environments')).body,
      (await api(server, lena).get(`/environments/${id}/events`)).body,
      audited,
    ];
    const text = JSON.stringify(seen);
    expect(text).not.toContain(first);
    expect(text).not.toContain(second);
    // The audit record names the changed input, as a write.
    expect(text).toContain('"inputs":["dbPassword"]');
  });

  it('retires what an upgrade drops and refuses a downgrade unless the template allows it', async () => {
    const moving = JSON.parse(JSON.stringify(webTemplate));
    moving.metadata.name = 'moving';
    moving.spec.resources.push({
      name: 'cache',
      driver: 'test',
      dependsOn: ['network'],
      parameters: { template: 'cache.yaml' },
    });
    const server = await startBackend({ entities: [moving] });
    const created = await createAs(server, lena, {
      templateRef: 'moving',
      inputs: { ...createBody.inputs, dbPassword: 'cache-secret' },
    }).expect(202);
    const id = created.body.id as string;

    // The platform team publishes 1.3.0 without the cache, or its secret.
    moving.spec.version = '1.3.0';
    moving.spec.resources.pop();
    delete moving.spec.parameters.properties.dbPassword;
    delete moving.spec.resources[1].parameters.Parameters.Secret;
    const upgraded = await api(server, lena).post(
      `/environments/${id}/upgrade`,
    );
    expect(upgraded.status).toBe(202);
    expect(upgraded.body.spec.templateVersion).toBe('1.3.0');
    expect(upgraded.body.spec.secretInputs).toBeUndefined();
    expect(upgraded.body.spec.retiredResources.map((r: any) => r.name)).toEqual(
      ['cache'],
    );
    const events = await api(server, lena).get(`/environments/${id}/events`);
    expect(events.body.items[0].message).toMatch(
      /cache will be removed once the new version is ready/,
    );

    // The catalog goes back to 1.2.0: a downgrade, refused by default.
    moving.spec.version = '1.2.0';
    const downgrade = await api(server, lena).post(
      `/environments/${id}/upgrade`,
    );
    expect(downgrade.status).toBe(409);
    expect(downgrade.body.error.message).toMatch(
      /runs version 1\.3\.0 .* its current version 1\.2\.0 is older, and the template does not allow downgrades/,
    );
    moving.spec.allowDowngrade = true;
    const allowed = await api(server, lena).post(`/environments/${id}/upgrade`);
    expect(allowed.status).toBe(202);
    expect(allowed.body.spec.templateVersion).toBe('1.2.0');
  });

  it('retries only an environment that failed or is degraded', async () => {
    const server = await startBackend();
    const id = await createdId(server, lena);
    const retry = await api(server, lena).post(`/environments/${id}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body.error.message).toMatch(
      /is Pending; only a Failed or Degraded environment can be retried/,
    );
    const other = await api(server, marco).post(`/environments/${id}/retry`);
    expect([403, 404]).toContain(other.status);
  });
});

describe('environments REST API for services', () => {
  // What a policy grants a service is its own business (the example
  // backend's is tested there); here every permission is granted.
  const startAllowing = () =>
    startBackend({ permissions: mockServices.permissions.factory() });
  let server: Awaited<ReturnType<typeof startBackend>> | undefined;
  // A mock service token for `subject`, which mockCredentials.service.header()
  // cannot name: `plugin:…` is a backend plugin, anything else an external
  // caller.
  const asService = (subject: string) => {
    const header = `Bearer mock-service-token:${JSON.stringify({
      sub: subject,
    })}`;
    return {
      post: (path: string, body?: object) =>
        request(server!)
          .post(`/api/environments${path}`)
          .set('Authorization', header)
          .send(body),
      delete: (path: string) =>
        request(server!)
          .delete(`/api/environments${path}`)
          .set('Authorization', header),
    };
  };
  it('lets an external caller create for the owner it names, recorded as its subject', async () => {
    server = await startAllowing();
    const ci = asService('github-actions');
    const noOwner = await ci.post('/environments', createBody);
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.error.message).toMatch(
      /^owner: required when a service creates an environment/,
    );

    const created = await ci.post('/environments', {
      ...createBody,
      owner: 'group:default/team-storefront',
    });
    expect(created.status).toBe(202);
    expect(created.body.createdBy).toBe('github-actions');
    expect(created.body.spec.owner).toBe('group:default/team-storefront');
    const destroyed = await ci.delete(`/environments/${created.body.id}`);
    expect(destroyed.status).toBe(202);
  });

  it('refuses backend plugins that write as themselves rather than for a user', async () => {
    server = await startAllowing();
    const id = await createdId(server, lena);
    const scaffolder = asService('plugin:scaffolder');
    const create = await scaffolder.post('/environments', {
      ...createBody,
      name: 'plugin-made',
      owner: 'group:default/team-storefront',
    });
    expect(create.status).toBe(403);
    expect(create.body.error.message).toMatch(
      /backend plugins must act on behalf of a user/,
    );
    expect((await scaffolder.post(`/environments/${id}/redeploy`)).status).toBe(
      403,
    );
    expect((await scaffolder.delete(`/environments/${id}`)).status).toBe(403);
  });
});

/** Weekdays 08:00-20:00 in Berlin: 60 hours a week. */
const officeHours = {
  timeZone: 'Europe/Berlin',
  awake: [
    { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '08:00', to: '20:00' },
  ],
};

/** `web` with `guardrails` added to its own, under another name. */
function webWith(name: string, guardrails: object) {
  return {
    ...webTemplate,
    metadata: { ...webTemplate.metadata, name },
    spec: {
      ...webTemplate.spec,
      guardrails: { ...webTemplate.spec.guardrails, ...guardrails },
    },
  };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

describe('schedules, cost and budgets through the API', () => {
  // Each test starts a backend of its own, slow on a busy machine.
  jest.setTimeout(30_000);

  it('narrows the template schedule on create and refuses widening it, naming the field', async () => {
    const server = await startBackend({
      entities: [webWith('office', { schedule: officeHours })],
    });
    const narrowed = await createAs(server, lena, {
      templateRef: 'office',
      schedule: {
        awake: [{ days: ['Mon', 'Wed'], from: '09:00', to: '17:00' }],
      },
    });
    expect(narrowed.status).toBe(202);
    expect(narrowed.body.spec.schedule).toEqual({
      timeZone: 'Europe/Berlin',
      awake: [{ days: ['Mon', 'Wed'], from: '09:00', to: '17:00' }],
    });
    const inherited = await createAs(server, lena, {
      name: 'inherits',
      templateRef: 'office',
    }).expect(202);
    expect(inherited.body.spec.schedule).toEqual(officeHours);

    const widened = await createAs(server, lena, {
      name: 'weekend',
      templateRef: 'office',
      schedule: { awake: [{ days: ['Sat'], from: '09:00', to: '17:00' }] },
    });
    expect(widened.status).toBe(400);
    expect(widened.body.error.message).toContain(
      "schedule.awake: Sat 09:00-17:00 is outside the template's awake windows",
    );
  });

  it('previews the month with and without the schedule: 60 of 168 hours of compute', async () => {
    const server = await startBackend({
      entities: [webWith('office', { schedule: officeHours })],
    });
    const preview = await api(server, lena)
      .post('/environments/preview', { ...createBody, templateRef: 'office' })
      .expect(200);
    const { estimate } = preview.body;
    expect(estimate.monthly).toBe(89.43);
    expect(estimate.withSchedule.awakeHoursPerWeek).toBe(60);
    expect(
      estimate.withSchedule.lines.map((l: any) => [l.item, l.monthly]),
    ).toEqual([
      ['Compute', 26.07], // 73 × 60 / 168
      ['Load balancer', 16.43], // billed asleep or awake
    ]);
    expect(estimate.withSchedule.lines[0].quantity).toBeCloseTo(
      (730 * 60) / 168,
      6,
    );
    expect(estimate.withSchedule.monthly).toBe(42.5);
  });

  it('shows each environment its cost accrued and projected to expiry, in the list too', async () => {
    const server = await startBackend();
    const id = await createdId(server, lena);
    const got = await api(server, lena).get(`/environments/${id}`).expect(200);
    expect(got.body.spec.cost).toMatchObject({
      currency: 'USD',
      runningHourly: 0.1, // 73 / 730
      fixedHourly: 16.43 / 730,
      notEstimated: ['network'],
    });
    expect(got.body.cost.projectedMonthly).toBe(89.43);
    expect(got.body.cost.accrued).toBeLessThan(0.01);
    // Eight hours (the template's default TTL) at 0.1225 an hour.
    expect(got.body.cost.projectedToExpiry).toBeCloseTo(0.98, 2);
    const list = await api(server, lena).get('/environments').expect(200);
    expect(list.body.items[0].cost.projectedMonthly).toBe(89.43);
  });

  it('wakes a sleeping environment until the next boundary, once, for its owners only, audited', async () => {
    const audited: any[] = [];
    const auditor = mockServices.auditor.mock({
      async createEvent(options) {
        audited.push({ eventId: options.eventId, meta: options.meta });
        return { success: async () => {}, fail: async () => {} };
      },
    });
    // Awake only the day after tomorrow (UTC): asleep now.
    const day = new Date(Date.now() + 2 * 86_400_000);
    const schedule = {
      timeZone: 'UTC',
      awake: [
        { days: [WEEKDAYS[day.getUTCDay()]], from: '00:00', to: '24:00' },
      ],
    };
    const server = await startBackend({
      auditor: auditor.factory,
      entities: [webWith('rarely', { schedule })],
    });
    const created = await createAs(server, lena, {
      templateRef: 'rarely',
    }).expect(202);
    const id = created.body.id;
    const wakeUntil = `${day.toISOString().slice(0, 10)}T00:00:00.000Z`;

    await api(server, marco).post(`/environments/${id}/wake`, {}).expect(403);
    const bad = await api(server, lena).post(`/environments/${id}/wake`, {
      tonight: 'yes',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/tonight/);

    const woken = await api(server, lena)
      .post(`/environments/${id}/wake`, {})
      .expect(202);
    expect(woken.body.spec.awakeUntil).toBe(wakeUntil);
    expect(woken.body.spec.generation).toBe(2);
    // Asking again changes nothing.
    const again = await api(server, lena)
      .post(`/environments/${id}/wake`, {})
      .expect(202);
    expect(again.body.spec.generation).toBe(2);
    const tonight = await api(server, lena)
      .post(`/environments/${id}/wake`, { tonight: true })
      .expect(202);
    expect(tonight.body.spec.awakeUntil).toBe(wakeUntil);

    const events = await api(server, lena).get(`/environments/${id}/events`);
    expect(
      events.body.items.filter((e: any) => e.reason === 'WakeRequested'),
    ).toHaveLength(1);
    expect(
      audited.filter(a => a.eventId === 'environment-wake').length,
    ).toBeGreaterThanOrEqual(3);

    const always = (
      await createAs(server, lena, { name: 'always' }).expect(202)
    ).body.id;
    const none = await api(server, lena).post(
      `/environments/${always}/wake`,
      {},
    );
    expect(none.status).toBe(409);
    expect(none.body.error.message).toContain('no schedule');
  });

  it('refuses a create and a change that would pass a budget, naming the budget', async () => {
    const server = await startBackend({
      entities: [webWith('budgeted', { budget: { monthlyPerOwner: 150 } })],
    });
    const first = await createAs(server, lena, {
      templateRef: 'budgeted',
    }).expect(202);
    const second = await createAs(server, lena, {
      name: 'second',
      templateRef: 'budgeted',
    });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toBe(
      "budget: environmenttemplate:default/budgeted allows $150.00 a month per owner (guardrails.budget); user:default/lena's environments from it are projected at $89.43 and this one at $89.43",
    );
    // Changing the environment replaces its own cost: the same is within.
    await api(server, lena)
      .patch(`/environments/${first.body.id}`, {
        inputs: { imageLocation: 'nginx:1.28' },
      })
      .expect(202);
    const doubled = await api(server, lena).patch(
      `/environments/${first.body.id}`,
      { inputs: { imageLocation: 'nginx:x2' } },
    );
    expect(doubled.status).toBe(409);
    expect(doubled.body.error.message).toContain(
      'budget: environmenttemplate:default/budgeted allows $150.00',
    );
    expect(doubled.body.error.message).toContain('this one at $162.43');
  });

  it("refuses a create past the owner's configured budget, and sends one past a template budget to approval where it says so", async () => {
    const server = await startBackend({
      config: {
        environments: {
          budgets: { perOwner: 500, owners: [{ owner: lena, monthly: 50 }] },
        },
      },
      entities: [
        webWith('gated-budget', {
          budget: { monthlyPerOwner: 10, whenExceeded: 'approval' },
          approval: {
            required: 'aboveMonthlyCost',
            aboveMonthlyCost: 1000,
            approvers: 'group:default/platform-team',
          },
        }),
      ],
    });
    const refused = await createAs(server, lena, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      'budget: user:default/lena has a monthly budget of $50.00 (environments.budgets); its environments are projected at $0.00 a month and this one at $89.43',
    );
    const gated = await createAs(server, marco, {
      templateRef: 'gated-budget',
    }).expect(202);
    expect(gated.body.status.phase).toBe('AwaitingApproval');
    expect(gated.body.spec.approval.why).toContain(
      'budget: environmenttemplate:default/gated-budget allows $10.00',
    );
  });
});
