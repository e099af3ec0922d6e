import { startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { environmentDriversExtensionPoint } from '@envkit/plugin-environments-node';
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
    const driverModule = (moduleId: string) =>
      createBackendModule({
        pluginId: 'environments',
        moduleId,
        register(env) {
          env.registerInit({
            deps: { drivers: environmentDriversExtensionPoint },
            async init({ drivers }) {
              drivers.addDriver({
                id: 'aws-cloudformation',
                apply: async () => ({ status: 'Ready' }),
                observe: async () => ({ status: 'Ready' }),
                destroy: async () => ({ status: 'Destroyed' }),
              });
            },
          });
        },
      });

    await expect(
      startTestBackend({
        features: [
          environmentsPlugin,
          catalogServiceMock.factory(),
          driverModule('first'),
          driverModule('second'),
        ],
      }),
    ).rejects.toThrow(
      /environment driver with id 'aws-cloudformation' is already registered/,
    );
  });
});
