import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { EnvironmentDriver } from '@envkit/plugin-environments-node';
import { environmentDriversExtensionPoint } from '@envkit/plugin-environments-node';

/**
 * A stand-in for the environments backend that only collects the drivers
 * modules register, for testing a driver module on its own with
 * `startTestBackend`.
 *
 * @public
 */
export function createDriverCapture() {
  const drivers: EnvironmentDriver[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'environments',
    register(env) {
      env.registerExtensionPoint(environmentDriversExtensionPoint, {
        addDriver: driver => drivers.push(driver),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  return { plugin, drivers };
}
