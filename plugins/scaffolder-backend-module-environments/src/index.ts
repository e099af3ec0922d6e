/**
 * Scaffolder actions for Envkit environments.
 *
 * @packageDocumentation
 */

export { scaffolderModuleEnvironments as default } from './module';
export * from './actions';
