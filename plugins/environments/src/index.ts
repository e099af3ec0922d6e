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
} from './plugin';
export {
  ENVIRONMENT_ID_ANNOTATION,
  isEnvironmentsAvailable,
  hasRelatedEnvironments,
} from './constants';
export * from './api';
