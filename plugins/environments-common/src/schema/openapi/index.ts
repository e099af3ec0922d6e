export * from './EnvironmentsRestClient';
export type {
  paths as EnvironmentsOpenApiPaths,
  components as EnvironmentsOpenApiComponents,
  operations as EnvironmentsOpenApiOperations,
} from './generated';
