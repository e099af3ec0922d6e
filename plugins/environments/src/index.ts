/**
 * The Envkit frontend plugin.
 *
 * @packageDocumentation
 */

export {
  environmentsPlugin,
  EnvironmentsPage,
  EntityEnvironmentOverviewCard,
  EntityEnvironmentsCard,
  EntityEnvironmentTemplateCard,
} from './plugin';
export {
  ENVIRONMENT_ID_ANNOTATION,
  isEnvironmentsAvailable,
  hasRelatedEnvironments,
  isEnvironmentTemplate,
} from './constants';
export * from './api';
