import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createDriverCapture } from '@envkit/plugin-environments-node/testUtils';
import { environmentsModuleKubernetes } from './module';

async function registered(config: object) {
  const capture = createDriverCapture();
  await startTestBackend({
    features: [
      capture.plugin,
      environmentsModuleKubernetes,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return capture.drivers.map(d => d.id);
}

describe('environmentsModuleKubernetes', () => {
  it('registers the kubernetes-namespace driver when clusters are configured', async () => {
    expect(
      await registered({
        environments: {
          kubernetes: {
            clusters: [
              {
                name: 'dev',
                url: 'https://dev.example.com',
                authProvider: 'serviceAccount',
                serviceAccountToken: 'token',
              },
            ],
          },
        },
      }),
    ).toEqual(['kubernetes-namespace']);
  });

  it('registers nothing without environments.kubernetes', async () => {
    expect(await registered({})).toEqual([]);
  });
});
