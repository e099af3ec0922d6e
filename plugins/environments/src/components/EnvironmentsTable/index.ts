export { EnvironmentsTable } from './EnvironmentsTable';
export type { OptionalColumn } from './EnvironmentsTable';
