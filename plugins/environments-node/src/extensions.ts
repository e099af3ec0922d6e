import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { EnvironmentDriver } from './driver';

/**
 * Lets backend modules register provisioning drivers with the environments
 * backend. Each driver id may be registered once.
 *
 * @public
 */
export interface EnvironmentDriversExtensionPoint {
  addDriver(driver: EnvironmentDriver): void;
}

/** @public */
export const environmentDriversExtensionPoint =
  createExtensionPoint<EnvironmentDriversExtensionPoint>({
    id: 'environments.drivers',
  });
