export * from './format';
export { PhaseStatus } from './PhaseStatus';
export { StatusText } from './StatusText';
export type { StatusKind } from './StatusText';
export { listAllEnvironments } from './listAll';
export { DataTable } from './DataTable';
export type { DataColumn } from './DataTable';
export { findEntities } from './catalog';
