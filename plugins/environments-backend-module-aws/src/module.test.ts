import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createDriverCapture } from '@envkit/plugin-environments-node/testUtils';
import { environmentsModuleAws } from './module';

describe('environmentsModuleAws', () => {
  it('registers the aws-cloudformation driver from the existing config keys', async () => {
    const capture = createDriverCapture();
    const backend = await startTestBackend({
      features: [
        capture.plugin,
        environmentsModuleAws,
        mockServices.rootConfig.factory({
          data: {
            environments: {
              aws: {
                endpoint: 'http://127.0.0.1:4566',
                defaultRegion: 'eu-west-1',
              },
            },
          },
        }),
      ],
    });
    expect(capture.drivers.map(d => d.id)).toEqual(['aws-cloudformation']);
    await backend.stop();
  });
});
