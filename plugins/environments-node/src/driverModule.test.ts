import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { createEnvironmentDriverModule } from './driverModule';
import { createDriverCapture, readyDriver } from './testUtils';

describe('createEnvironmentDriverModule', () => {
  it('registers the driver it builds and closes it at shutdown', async () => {
    const close = jest.fn();
    const capture = createDriverCapture();
    const backend = await startTestBackend({
      features: [
        capture.plugin,
        createEnvironmentDriverModule({
          moduleId: 'closing',
          driverId: 'closing',
          createDriver: () => ({ ...readyDriver('closing'), close }),
        }),
      ],
    });
    expect(capture.drivers.map(d => d.id)).toEqual(['closing']);
    expect(close).not.toHaveBeenCalled();
    await backend.stop();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('registers nothing when the factory builds no driver', async () => {
    const capture = createDriverCapture();
    await startTestBackend({
      features: [
        capture.plugin,
        createEnvironmentDriverModule({
          moduleId: 'absent',
          driverId: 'absent',
          createDriver: () => undefined,
        }),
      ],
    });
    expect(capture.drivers).toEqual([]);
  });

  it('hands the driver the services the module names in deps', async () => {
    const regionRef = createServiceRef<{ name: string }>({
      id: 'test.region',
    });
    const capture = createDriverCapture();
    const seen: string[] = [];
    await startTestBackend({
      features: [
        capture.plugin,
        createServiceFactory({
          service: regionRef,
          deps: {},
          factory: () => ({ name: 'eu-west-1' }),
        }),
        createEnvironmentDriverModule({
          moduleId: 'regional',
          driverId: 'regional',
          deps: { region: regionRef },
          createDriver: ({ region, config }) => {
            seen.push(region.name, typeof config.has);
            return readyDriver('regional');
          },
        }),
      ],
    });
    expect(seen).toEqual(['eu-west-1', 'function']);
    expect(capture.drivers.map(d => d.id)).toEqual(['regional']);
  });
});
