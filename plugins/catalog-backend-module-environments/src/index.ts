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
  ENVIRONMENTS_LOCATION,
} from './providers/environmentEntity';
export {
  environmentTemplateToSoftwareTemplate,
  generatedTemplateName,
  GENERATED_TEMPLATES_LOCATION,
  TEMPLATE_AUDIENCE_SPEC_KEY,
} from './templates/softwareTemplate';
export {
  environmentCatalogConditions,
  environmentCatalogPermissionRules,
} from './permissions/rules';
export type { EnvironmentLister } from './providers/EnvironmentsListClient';
