import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      envkit?: {
        /** How often environments are read into the catalog; every 5 s by default. */
        environments?: {
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
        /** How often Templates are generated from EnvironmentTemplates; every 30 s by default. */
        templates?: { schedule?: SchedulerServiceTaskScheduleDefinitionConfig };
      };
    };
  };
}
