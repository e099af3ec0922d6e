/**
 * Types, schemas and permissions shared by the Envkit frontend and backend.
 *
 * @packageDocumentation
 */

export * from './permissions';
export * from './entity';
export * from './template';
export * from './inputs';
export * from './resourceGraph';
export * from './interpolation';
export * from './environment';
export * from './events';
export * from './createRequest';
export * from './phases';
export * from './schedule';
export * from './cost';
export * from './naming';
export * from './duration';
export * from './semver';
export * from './hash';
export * from './quantity';
export * from './schema/openapi';
export * from './visibility';
