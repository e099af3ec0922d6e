import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of environment permissions. @public */
export const ENVIRONMENT_RESOURCE_TYPE = 'environment';

/** Resource type of environment template permissions. @public */
export const ENVIRONMENT_TEMPLATE_RESOURCE_TYPE = 'environment-template';

/** Create an environment. @public */
export const environmentCreatePermission = createPermission({
  name: 'environment.create',
  attributes: { action: 'create' },
  // The issue puts create on the environment resource type too, so policies
  // can answer it with owner-scoped conditions.
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Read an environment and its status. @public */
export const environmentReadPermission = createPermission({
  name: 'environment.read',
  attributes: { action: 'read' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Change an environment: extend, redeploy, upgrade. @public */
export const environmentUpdatePermission = createPermission({
  name: 'environment.update',
  attributes: { action: 'update' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Destroy an environment. @public */
export const environmentDeletePermission = createPermission({
  name: 'environment.delete',
  attributes: { action: 'delete' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Use an environment template to create environments. @public */
export const environmentTemplateUsePermission = createPermission({
  name: 'environment-template.use',
  attributes: { action: 'read' },
  resourceType: ENVIRONMENT_TEMPLATE_RESOURCE_TYPE,
});

/** Every permission Envkit defines. @public */
export const environmentsPermissions = [
  environmentCreatePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentDeletePermission,
  environmentTemplateUsePermission,
];
