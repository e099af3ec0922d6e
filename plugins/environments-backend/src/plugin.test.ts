import { startTestBackend } from '@backstage/backend-test-utils';
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
});
