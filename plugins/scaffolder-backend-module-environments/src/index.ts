/**
 * Scaffolder actions for Envkit environments.
 *
 * @packageDocumentation
 */

export { scaffolderModuleEnvironments as default } from './module';
export * from './actions';
export {
  ServiceEnvironmentsApi,
  type EnvironmentsApi,
  type EnvironmentPreview,
  type CallOptions,
} from './client/EnvironmentsApi';
