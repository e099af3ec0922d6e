/** The apiVersion of EnvironmentTemplate entities. @public */
export const ENVIRONMENT_TEMPLATE_API_VERSION = 'envkit.io/v1alpha1';

/** The kind of EnvironmentTemplate entities. @public */
export const ENVIRONMENT_TEMPLATE_KIND = 'EnvironmentTemplate';
