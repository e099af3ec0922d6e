export { EnvironmentTemplateOverview } from './EnvironmentTemplateOverview';
