/*
 * One visibility rule for environments, seen through both doors: the
 * environments API and the catalog, on a test backend with the real catalog,
 * permission backend, example policy, environments backend and Envkit's
 * catalog module. Only the users' group memberships are made up.
 */
import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { createTestDriverModule } from '@envkit/plugin-environments-node/testUtils';
import permissionBackend from '@backstage/plugin-permission-backend';
import catalogBackend from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogModuleEnvironments from '@envkit/plugin-catalog-backend-module-environments';
import environmentsBackend from '@envkit/plugin-environments-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import examplePolicy from './permissionPolicy';
import { testTemplateEntity } from './__testUtils__/templates';

jest.setTimeout(120_000);

const LENA = 'user:default/lena'; // team-storefront, created storefront-pr-1
const MAX = 'user:default/max'; // team-storefront
const OMAR = 'user:default/omar'; // team-payments
const TOM = 'user:default/tom'; // tooling, owns the payments template
const PRIYA = 'user:default/priya'; // platform-team

const groupsOf: Record<string, string[]> = {
  [LENA]: ['group:default/team-storefront'],
  [MAX]: ['group:default/team-storefront'],
  [OMAR]: ['group:default/team-payments'],
  [TOM]: ['group:default/tooling'],
  [PRIYA]: ['group:default/platform-team'],
};

/** Sign-in resolution as the example app's: the user and their groups. */
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const ref = (credentials.principal as BackstageUserPrincipal)
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(groupsOf[ref] ?? [])],
      };
    },
  }),
});

/**
 * The mock auth service, except that a plugin calling another on behalf of
 * a user says so (the user with the plugin as actor), as the real one does;
 * the permission backend answers such calls with conditional decisions.
 */
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }): AuthService => {
    const base = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => base.authenticate(token, options),
      getNoneCredentials: () => base.getNoneCredentials(),
      getOwnServiceCredentials: () => base.getOwnServiceCredentials(),
      isPrincipal: base.isPrincipal.bind(base) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials => base.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => base.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as { type: string };
        if (principal.type !== 'user') {
          return base.getPluginRequestToken(options);
        }
        const { userEntityRef } = principal as BackstageUserPrincipal;
        return {
          token: mockCredentials.user.token(userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      },
    };
  },
});

const seedEntities: Entity[] = [
  testTemplateEntity('team-namespace'),
  testTemplateEntity('payments-namespace', {
    owner: 'group:default/tooling',
    guardrails: { allowedGroups: ['team-payments'] },
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'storefront-web', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-storefront',
    },
  },
];

/**
 * The seed entities as catalog locations: one file each (JSON is YAML), so
 * the catalog reads them as it reads any location.
 */
function seedLocations(dir: string) {
  return seedEntities.map(entity => {
    const target = path.join(dir, `${entity.metadata.name}.json`);
    fs.writeFileSync(target, JSON.stringify(entity));
    return { type: 'file', target };
  });
}

async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describe('environment visibility: API and catalog', () => {
  let server: Parameters<typeof request>[0];
  // The test backend's scheduler runs each task once at startup, then only
  // when triggered; one instance serves every plugin.
  let scheduler: SchedulerService;
  const schedulerHandle = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'visibility-scheduler-handle',
    register(reg) {
      reg.registerInit({
        deps: { s: coreServices.scheduler },
        async init({ s }) {
          scheduler = s;
        },
      });
    },
  });
  const seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envkit-visibility-'));
  afterAll(() => fs.rmSync(seedDir, { recursive: true, force: true }));
  const ids: Record<string, string> = {};

  const as = (user: string) => mockCredentials.user.header(user);
  const catalogQuery = (user: string, filter: string) =>
    request(server)
      .get('/api/catalog/entities/by-query')
      .query({ filter, limit: 100 })
      .set('Authorization', as(user));
  const names = (items: Array<{ metadata?: { name: string }; spec?: any }>) =>
    items.map(i => i.metadata?.name ?? i.spec.name).sort();

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [
                {
                  allow: [
                    'Component',
                    'Resource',
                    'Location',
                    'EnvironmentTemplate',
                    'Template',
                  ],
                },
              ],
              locations: seedLocations(seedDir),
            },
          },
        }),
        userInfoFactory,
        authFactory,
        schedulerHandle,
        permissionBackend,
        examplePolicy,
        catalogBackend,
        scaffolderEntityModel,
        catalogModuleEnvironments,
        environmentsBackend,
        createTestDriverModule(),
      ],
    });
    server = backend.server;

    // The EnvironmentTemplates, then the Templates generated from them.
    await eventually('the environment templates', async () => {
      const res = await catalogQuery(PRIYA, 'kind=EnvironmentTemplate');
      return res.body.items?.length === 2 ? true : undefined;
    });
    await scheduler.triggerTask('EnvironmentSoftwareTemplateProvider:refresh');
    await eventually('the generated Templates', async () => {
      const res = await catalogQuery(PRIYA, 'kind=Template');
      return res.body.items?.length === 2 ? true : undefined;
    });

    // Two environments through the API, then their catalog entities.
    for (const [user, body] of [
      [
        LENA,
        {
          name: 'storefront-pr-1',
          templateRef: 'team-namespace',
          owner: 'group:default/team-storefront',
        },
      ],
      [OMAR, { name: 'payments-pr-7', templateRef: 'payments-namespace' }],
    ] as const) {
      const res = await request(server)
        .post('/api/environments/environments')
        .set('Authorization', as(user))
        .send(body);
      if (res.status !== 202) {
        throw new Error(
          `Creating ${body.name}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
      ids[body.name] = res.body.id;
    }
    await scheduler.triggerTask('EnvironmentEntityProvider:refresh');
    await eventually('the environment entities', async () => {
      const res = await catalogQuery(PRIYA, 'kind=Resource');
      return res.body.items?.length === 2 ? true : undefined;
    });
  });

  it('hides an environment entity from another team and shows it to the owner', async () => {
    const byName = (user: string) =>
      request(server)
        .get('/api/catalog/entities/by-name/resource/default/storefront-pr-1')
        .set('Authorization', as(user));

    expect((await byName(OMAR)).status).toBe(404);
    expect((await byName(LENA)).status).toBe(200);
    expect((await byName(MAX)).status).toBe(200);
    expect((await byName(PRIYA)).status).toBe(200);

    const omarList = await catalogQuery(OMAR, 'kind=Resource');
    expect(names(omarList.body.items)).toEqual(['payments-pr-7']);
    const lenaList = await catalogQuery(LENA, 'kind=Resource');
    expect(names(lenaList.body.items)).toEqual(['storefront-pr-1']);

    const refs = await request(server)
      .post('/api/catalog/entities/by-refs')
      .set('Authorization', as(OMAR))
      .send({ entityRefs: ['resource:default/storefront-pr-1'] });
    expect(refs.body.items).toEqual([null]);
  });

  it('agrees with the API for every principal', async () => {
    for (const user of [LENA, MAX, OMAR, TOM, PRIYA]) {
      const api = await request(server)
        .get('/api/environments/environments')
        .set('Authorization', as(user));
      const catalog = await catalogQuery(
        user,
        'kind=Resource,spec.type=environment',
      );
      expect({ user, visible: names(catalog.body.items) }).toEqual({
        user,
        visible: names(api.body.items),
      });

      for (const [name, id] of Object.entries(ids)) {
        const fromApi = await request(server)
          .get(`/api/environments/environments/${id}`)
          .set('Authorization', as(user));
        const fromCatalog = await request(server)
          .get(`/api/catalog/entities/by-name/resource/default/${name}`)
          .set('Authorization', as(user));
        // The per-entity check other plugins (e.g. search) make, which runs
        // the rules' apply() rather than their database filter.
        const decision = await request(server)
          .post('/api/permission/authorize')
          .set('Authorization', as(user))
          .send({
            items: [
              {
                id: '1',
                permission: catalogEntityReadPermission,
                resourceRef: `resource:default/${name}`,
              },
            ],
          });
        const apiAllows = fromApi.status === 200;
        expect({ user, name, byName: fromCatalog.status === 200 }).toEqual({
          user,
          name,
          byName: apiAllows,
        });
        expect({
          user,
          name,
          authorize: decision.body.items?.[0]?.result,
        }).toEqual({
          user,
          name,
          authorize: apiAllows ? 'ALLOW' : 'DENY',
        });
      }
    }
  });

  it('shows a restricted generated Template only to its audience and owners', async () => {
    const templates = async (user: string) =>
      names((await catalogQuery(user, 'kind=Template')).body.items);

    expect(await templates(LENA)).toEqual(['create-team-namespace']);
    expect(await templates(OMAR)).toEqual([
      'create-payments-namespace',
      'create-team-namespace',
    ]);
    expect(await templates(TOM)).toEqual([
      'create-payments-namespace',
      'create-team-namespace',
    ]);
    const byName = (user: string) =>
      request(server)
        .get(
          '/api/catalog/entities/by-name/template/default/create-payments-namespace',
        )
        .set('Authorization', as(user));
    expect((await byName(LENA)).status).toBe(404);
    expect((await byName(OMAR)).status).toBe(200);
  });

  it('leaves every other entity readable', async () => {
    for (const user of [LENA, OMAR]) {
      expect(
        names((await catalogQuery(user, 'kind=Component')).body.items),
      ).toEqual(['storefront-web']);
      expect(
        names(
          (await catalogQuery(user, 'kind=EnvironmentTemplate')).body.items,
        ),
      ).toEqual(['payments-namespace', 'team-namespace']);
    }
  });
});
