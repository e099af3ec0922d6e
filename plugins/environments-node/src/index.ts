/**
 * Extension points and service refs for backend plugins that work with Envkit.
 *
 * @packageDocumentation
 */

export * from './driver';
export * from './driverContext';
export * from './driverModule';
export * from './environmentContext';
export * from './extensions';
export * from './environmentsService';
export * from './failures';
export * from './events';
