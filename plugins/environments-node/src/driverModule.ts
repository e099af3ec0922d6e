import {
  coreServices,
  createBackendModule,
  LoggerService,
  RootConfigService,
  ServiceRef,
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
 * has a `close` method. A driver that needs more than the
 * {@link EnvironmentDriverModuleServices} names them in `deps` (e.g.
 * `{ catalog: catalogServiceRef }`); they reach `createDriver` under the
 * same names.
 *
 * @public
 */
export function createEnvironmentDriverModule<
  TDeps extends { [name in string]: ServiceRef<unknown> } = {},
>(options: {
  moduleId: string;
  /** The id of the driver, for its logger. */
  driverId: string;
  /** Services the driver needs beyond the {@link EnvironmentDriverModuleServices}. */
  deps?: TDeps;
  /** The driver, or `undefined` to register none (e.g. when not configured). */
  createDriver(
    services: EnvironmentDriverModuleServices & {
      [name in keyof TDeps]: TDeps[name]['T'];
    },
  ): (EnvironmentDriver & { close?(): void }) | undefined;
}) {
  return createBackendModule({
    pluginId: 'environments',
    moduleId: options.moduleId,
    register(reg) {
      const core = {
        drivers: environmentDriversExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
        lifecycle: coreServices.lifecycle,
      };
      reg.registerInit({
        // The module's own deps come along at run time; `init` hands them on.
        deps: { ...options.deps, ...core } as typeof core,
        async init(services) {
          const { drivers, config, logger, urlReader, lifecycle, ...extra } =
            services as typeof services & Record<string, unknown>;
          const driver = options.createDriver({
            ...(extra as { [name in keyof TDeps]: TDeps[name]['T'] }),
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
