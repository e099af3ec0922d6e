export { EnvironmentTemplateOverview } from './EnvironmentTemplateOverview';
export { TemplatePageLayout } from './TemplatePageLayout';
