import {
  coreServices,
  createBackendModule,
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { EnvironmentDriver } from './driver';
import { environmentDriversExtensionPoint } from './extensions';

/** What a driver module's factory may use. @public */
export interface EnvironmentDriverModuleServices {
  config: RootConfigService;
  /** Tagged with the driver id. */
  logger: LoggerService;
  urlReader: UrlReaderService;
}

/**
 * A backend module of the environments plugin that registers one driver,
 * built from the services at start-up, and closes it at shutdown when it
 * has a `close` method.
 *
 * @public
 */
export function createEnvironmentDriverModule(options: {
  moduleId: string;
  /** The id of the driver, for its logger. */
  driverId: string;
  /** The driver, or `undefined` to register none (e.g. when not configured). */
  createDriver(
    services: EnvironmentDriverModuleServices,
  ): (EnvironmentDriver & { close?(): void }) | undefined;
}) {
  return createBackendModule({
    pluginId: 'environments',
    moduleId: options.moduleId,
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
          const driver = options.createDriver({
            config,
            logger: logger.child({ driver: options.driverId }),
            urlReader,
          });
          if (!driver) return;
          drivers.addDriver(driver);
          if (driver.close) {
            lifecycle.addShutdownHook(() => driver.close?.());
          }
        },
      });
    },
  });
}
