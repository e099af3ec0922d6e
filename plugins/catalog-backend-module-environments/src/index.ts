/**
 * Catalog integration for Envkit.
 *
 * @packageDocumentation
 */

export { catalogModuleEnvironments as default } from './module';
export { EnvironmentTemplateProcessor } from './processors/EnvironmentTemplateProcessor';
export { EnvironmentEntityProvider } from './providers/EnvironmentEntityProvider';
export { SoftwareTemplateProvider } from './providers/SoftwareTemplateProvider';
export {
  environmentToEntity,
  ANNOTATION_CREATED_BY,
  ANNOTATION_ENVIRONMENT_ID,
  ANNOTATION_TEMPLATE,
} from './providers/environmentEntity';
export {
  environmentTemplateToSoftwareTemplate,
  generatedTemplateName,
  TEMPLATE_AUDIENCE_SPEC_KEY,
} from './templates/softwareTemplate';
export {
  ENVIRONMENTS_LOCATION,
  GENERATED_TEMPLATES_LOCATION,
} from './locations';
export {
  environmentCatalogConditions,
  environmentCatalogPermissionRules,
} from './permissions/rules';
export type { EnvironmentLister } from './providers/EnvironmentsListClient';
