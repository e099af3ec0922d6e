import { EnvironmentDriver } from '@envkit/plugin-environments-node';
import { createEnvironmentDriverModule } from '@envkit/plugin-environments-node';

/**
 * A driver that is Ready at once and never touches a cloud, for tests of
 * the API and of what surrounds it.
 *
 * @public
 */
export function readyDriver(id = 'test'): EnvironmentDriver {
  return {
    id,
    apply: async () => ({ status: 'Ready' }),
    observe: async () => ({ status: 'Ready' }),
    destroy: async () => ({ status: 'Destroyed' }),
  };
}

/**
 * A backend module that registers `driver` (by default a {@link readyDriver}
 * with id `test`) with the environments backend.
 *
 * @public
 */
export function createTestDriverModule(
  options: { driver?: EnvironmentDriver; moduleId?: string } = {},
) {
  const driver = options.driver ?? readyDriver();
  return createEnvironmentDriverModule({
    moduleId: options.moduleId ?? `test-driver-${driver.id}`,
    driverId: driver.id,
    createDriver: () => driver,
  });
}
