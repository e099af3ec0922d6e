import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { environmentDriversExtensionPoint } from '@envkit/plugin-environments-node';
import { CloudFormationDriver } from './cloudformation';

/**
 * Adds the aws-cloudformation driver to the environments backend.
 *
 * @public
 */
export const environmentsModuleAws = createBackendModule({
  pluginId: 'environments',
  moduleId: 'aws',
  register(reg) {
    reg.registerInit({
      deps: {
        drivers: environmentDriversExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
        lifecycle: coreServices.lifecycle,
      },
      async init({ drivers, config, logger, urlReader, lifecycle }) {
        const driver = CloudFormationDriver.fromConfig(config, {
          logger: logger.child({ driver: 'aws-cloudformation' }),
          urlReader,
        });
        drivers.addDriver(driver);
        // Stops the status batchers' timers so the process can exit.
        lifecycle.addShutdownHook(() => driver.close());
      },
    });
  },
});
