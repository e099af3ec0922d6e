/**
 * The kubernetes-namespace environment driver for Envkit, as a backend
 * module of the environments plugin.
 *
 * @packageDocumentation
 */

export { environmentsModuleKubernetes as default } from './module';
export * from './kubernetes';
