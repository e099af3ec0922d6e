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
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { EnvironmentTemplateProcessor } from './processors/EnvironmentTemplateProcessor';
import { EnvironmentEntityProvider } from './providers/EnvironmentEntityProvider';
import { environmentsServiceRef } from '@envkit/plugin-environments-node';
import { EnvironmentsListClient } from './providers/EnvironmentsListClient';
import { SoftwareTemplateProvider } from './providers/SoftwareTemplateProvider';
import { environmentCatalogPermissionRules } from './permissions/rules';

// Each change reaches the catalog within a second as a delta (see
// EnvironmentEntityProvider.changedOne); the whole set is read again only to
// catch what a lost event missed. That read lists every environment, so its
// cost grows with their number: every 5 s it kept a backend with 100,000
// environments busy all the time.
const DEFAULT_ENVIRONMENTS_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
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
 * software Template, and adds the catalog permission rules a policy needs
 * to show those entities only to whom the environments API would
 * ({@link environmentCatalogPermissionRules}).
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
        permissionsRegistry: coreServices.permissionsRegistry,
        events: eventsServiceRef,
      },
      async init({
        catalogProcessing,
        catalog,
        config,
        environmentsService,
        auth,
        logger,
        scheduler,
        permissionsRegistry,
        events,
      }) {
        // Modules start before the catalog, which then builds its ruleset
        // for catalog-entity with these rules in it.
        permissionsRegistry.addPermissionRules(
          Object.values(environmentCatalogPermissionRules),
        );
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
            events,
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
