import { createBackendModule } from '@backstage/backend-plugin-api';
import { environmentDriversExtensionPoint } from '@envkit/plugin-environments-node';

/** A driver that does nothing, so API suites never touch a cloud. */
export const testDriverModule = createBackendModule({
  pluginId: 'environments',
  moduleId: 'reliability-test-driver',
  register(env) {
    env.registerInit({
      deps: { drivers: environmentDriversExtensionPoint },
      async init({ drivers }) {
        drivers.addDriver({
          id: 'test',
          apply: async () => ({ status: 'Ready' }),
          observe: async () => ({ status: 'Ready' }),
          destroy: async () => ({ status: 'Destroyed' }),
        } as any);
      },
    });
  },
});
