import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { Config } from '@backstage/config';
import { EnvironmentTemplateProcessor } from './processors/EnvironmentTemplateProcessor';
import { EnvironmentEntityProvider } from './providers/EnvironmentEntityProvider';
import { environmentsServiceRef } from '@envkit/plugin-environments-node';
import { EnvironmentsListClient } from './providers/EnvironmentsListClient';
import { SoftwareTemplateProvider } from './providers/SoftwareTemplateProvider';

const DEFAULT_ENVIRONMENTS_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 5 },
  timeout: { minutes: 1 },
};
const DEFAULT_TEMPLATES_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 1 },
};

function schedule(
  config: Config,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
) {
  const path = `catalog.providers.envkit.${key}.schedule`;
  return config.has(path)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(path),
      )
    : fallback;
}

/**
 * Teaches the catalog the EnvironmentTemplate kind, publishes every
 * environment as a Resource and every EnvironmentTemplate as a ready
 * software Template.
 *
 * @public
 */
export const catalogModuleEnvironments = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        environmentsService: environmentsServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({
        catalogProcessing,
        catalog,
        config,
        environmentsService,
        auth,
        logger,
        scheduler,
      }) {
        catalogProcessing.addProcessor(new EnvironmentTemplateProcessor());
        catalogProcessing.addEntityProvider(
          new EnvironmentEntityProvider({
            environments: new EnvironmentsListClient({
              environments: environmentsService,
              auth,
            }),
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(
              schedule(config, 'environments', DEFAULT_ENVIRONMENTS_SCHEDULE),
            ),
          }),
        );
        catalogProcessing.addEntityProvider(
          new SoftwareTemplateProvider({
            catalog,
            auth,
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(
              schedule(config, 'templates', DEFAULT_TEMPLATES_SCHEDULE),
            ),
          }),
        );
      },
    });
  },
});
