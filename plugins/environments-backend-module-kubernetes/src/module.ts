import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { environmentDriversExtensionPoint } from '@envkit/plugin-environments-node';
import { KubernetesNamespaceDriver } from './kubernetes';

/**
 * Adds the kubernetes-namespace driver to the environments backend when
 * `environments.kubernetes` names at least one cluster; without it the
 * module does nothing, so it is safe to install everywhere.
 *
 * @public
 */
export const environmentsModuleKubernetes = createBackendModule({
  pluginId: 'environments',
  moduleId: 'kubernetes',
  register(reg) {
    reg.registerInit({
      deps: {
        drivers: environmentDriversExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ drivers, config, logger }) {
        if (!config.has('environments.kubernetes')) {
          return;
        }
        drivers.addDriver(
          KubernetesNamespaceDriver.fromConfig(config, {
            logger: logger.child({ driver: 'kubernetes-namespace' }),
          }),
        );
      },
    });
  },
});
