export { createEnvironmentAction } from './createEnvironment';
export {
  createEcsEnvironmentAction,
  DEFAULT_ECS_TEMPLATE,
} from './createEcsEnvironment';
export {
  createNamespaceEnvironmentAction,
  DEFAULT_NAMESPACE_TEMPLATE,
} from './createNamespaceEnvironment';
export { destroyEnvironmentAction } from './destroyEnvironment';
export type { EnvironmentActionOptions } from './runCreate';
