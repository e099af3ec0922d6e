/*
 * CI principals against the example backend's permissions service and
 * policy: a static external-access token may create only from the templates
 * and for the owners `envkit.ciPrincipals` grants it, and sees and changes
 * nothing else. Backstage's real token authentication decides who calls.
 */
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import environmentsPlugin from '@envkit/plugin-environments-backend';
import { createTestDriverModule } from '@envkit/plugin-environments-node/testUtils';
import request from 'supertest';
import ciPrincipalPermissions from './ciPrincipalPermissions';
import { testTemplateEntity } from './__testUtils__/templates';

const storefront = 'group:default/team-storefront';
const payments = 'group:default/team-payments';
const tokens = {
  storefront: 'storefront-ci-static-token',
  payments: 'payments-ci-static-token',
  stranger: 'stranger-ci-static-token',
};

describe('CI principals in the example backend', () => {
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        environmentsPlugin,
        createTestDriverModule(),
        catalogServiceMock.factory({
          entities: [testTemplateEntity('web'), testTemplateEntity('queue')],
        }),
        authServiceFactory,
        httpAuthServiceFactory,
        ciPrincipalPermissions,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: [
                  ['storefront-ci', tokens.storefront],
                  ['payments-ci', tokens.payments],
                  ['stranger-ci', tokens.stranger],
                ].map(([subject, token]) => ({
                  type: 'static',
                  options: { subject, token },
                })),
              },
            },
            permission: { enabled: true },
            environments: { engine: { intervalSeconds: 3600 } },
            envkit: {
              ciPrincipals: [
                {
                  subject: 'storefront-ci',
                  templates: ['web'],
                  owners: ['team-storefront'],
                },
                {
                  subject: 'payments-ci',
                  templates: ['web', 'environmenttemplate:default/queue'],
                  owners: [payments],
                },
              ],
            },
          },
        }),
      ],
    }));
  });

  /** The environments API as the caller with `token`; paths below it. */
  const as = (token: string) => {
    const agent = request.agent(server).set('Authorization', `Bearer ${token}`);
    const url = (path: string) => `/api/environments${path}`;
    return {
      get: (path: string) => agent.get(url(path)),
      post: (path: string) => agent.post(url(path)),
      patch: (path: string, body: object) => agent.patch(url(path)).send(body),
      delete: (path: string) => agent.delete(url(path)),
      /** POST /environments, with an owner unless `owner` is left out. */
      create: (name: string, templateRef: string, owner?: string) =>
        agent.post(url('/environments')).send({
          name,
          templateRef,
          ...(owner ? { owner } : {}),
        }),
    };
  };

  it('creates from a granted template for a granted owner, recorded as created by the principal', async () => {
    const res = await as(tokens.storefront).create('sf-web', 'web', storefront);
    expect(res.status).toBe(202);
    expect(res.body.createdBy).toBe('storefront-ci');
    const events = await as(tokens.storefront).get(
      `/environments/${res.body.id}/events`,
    );
    expect(events.body.items.map((e: any) => e.message)).toContain(
      'Requested by storefront-ci from environmenttemplate:default/web@1.0.0',
    );
  });

  it('refuses a template or an owner the policy does not grant, and asks for an owner', async () => {
    const sf = as(tokens.storefront);
    const otherTemplate = await sf.create('sf-queue', 'queue', storefront);
    expect(otherTemplate.status).toBe(403);
    const otherOwner = await sf.create('sf-pay', 'web', payments);
    expect(otherOwner.status).toBe(403);
    const noOwner = await sf.create('sf-none', 'web');
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.error.message).toMatch(/^owner: required/);
  });

  it("cannot see or change another principal's environments", async () => {
    const created = await as(tokens.payments).create(
      'pay-queue',
      'queue',
      payments,
    );
    expect(created.status).toBe(202);
    const id = created.body.id;

    const sf = as(tokens.storefront);
    expect((await sf.get(`/environments/${id}`)).status).toBe(403);
    expect((await sf.post(`/environments/${id}/redeploy`)).status).toBe(403);
    expect((await sf.patch(`/environments/${id}`, { inputs: {} })).status).toBe(
      403,
    );
    expect((await sf.delete(`/environments/${id}`)).status).toBe(403);
    const listed = await sf.get('/environments');
    expect(listed.body.items.map((e: any) => e.spec.name)).toEqual(['sf-web']);

    // Its own principal still may.
    expect(
      (await as(tokens.payments).delete(`/environments/${id}`)).status,
    ).toBe(202);
  });

  it('lets an external caller that is not listed do nothing with environments', async () => {
    const stranger = as(tokens.stranger);
    const create = await stranger.create('stray', 'web', storefront);
    expect(create.status).toBe(403);
    const listed = await stranger.get('/environments');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
    expect(
      (await as('not-a-configured-token').get('/environments')).status,
    ).toBe(401);
  });
});
