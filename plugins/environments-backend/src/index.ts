/**
 * The Envkit backend plugin.
 *
 * @packageDocumentation
 */

export { environmentsPlugin as default } from './plugin';
export {
  environmentConditions,
  createEnvironmentConditionalDecision,
  environmentPermissionRules,
  environmentPermissionResourceRef,
} from './permissions/rules';
export type { EnvironmentFilter } from './permissions/rules';
