/**
 * The aws-cloudformation environment driver for Envkit, as a backend module
 * of the environments plugin.
 *
 * @packageDocumentation
 */

export { environmentsModuleAws as default } from './module';
export * from './cloudformation';
