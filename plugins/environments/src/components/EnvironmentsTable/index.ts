export { EnvironmentsTable } from './EnvironmentsTable';
export type { OptionalColumn } from './EnvironmentsTable';
export { environmentHistoryPath } from './EnvironmentsTable';
