import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  createTestDriverModule,
  readyDriver,
} from '@envkit/plugin-environments-node/testUtils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { environmentsPlugin } from './plugin';

describe('environmentsPlugin', () => {
  it('answers the health check without credentials', async () => {
    const { server } = await startTestBackend({
      features: [environmentsPlugin, catalogServiceMock.factory()],
    });

    const response = await request(server).get('/api/environments/health');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('refuses a second driver with an id that is already registered', async () => {
    await expect(
      startTestBackend({
        features: [
          environmentsPlugin,
          catalogServiceMock.factory(),
          createTestDriverModule({
            moduleId: 'first',
            driver: readyDriver('aws-cloudformation'),
          }),
          createTestDriverModule({
            moduleId: 'second',
            driver: readyDriver('aws-cloudformation'),
          }),
        ],
      }),
    ).rejects.toThrow(
      /environment driver with id 'aws-cloudformation' is already registered/,
    );
  });

  describe('reuse of permission decisions', () => {
    async function listTwice(config: JsonObject) {
      const permissions = mockServices.permissions.mock({
        authorizeConditional: async queries =>
          queries.map(
            (): PolicyDecision => ({ result: AuthorizeResult.ALLOW }),
          ),
      });
      const { server } = await startTestBackend({
        features: [
          environmentsPlugin,
          catalogServiceMock.factory(),
          permissions.factory,
          mockServices.rootConfig.factory({ data: config }),
        ],
      });
      for (let i = 0; i < 2; i++) {
        const response = await request(server)
          .get('/api/environments/environments')
          .set('Authorization', mockCredentials.user.header());
        expect(response.status).toBe(200);
      }
      return permissions.authorizeConditional.mock.calls.length;
    }

    it("reuses a user's decision by default, and not with 0 seconds", async () => {
      expect(await listTwice({})).toBe(1);
      expect(
        await listTwice({
          environments: { permissions: { decisionCacheSeconds: 0 } },
        }),
      ).toBe(2);
    });

    it('refuses a time outside 0 to 60 seconds', async () => {
      await expect(
        listTwice({
          environments: { permissions: { decisionCacheSeconds: -1 } },
        }),
      ).rejects.toThrow(
        'environments.permissions.decisionCacheSeconds: must be a number of seconds from 0 to 60',
      );
    });
  });
});
