import {
  createPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/** Resource type of environment permissions. @public */
export const ENVIRONMENT_RESOURCE_TYPE = 'environment';

/** Resource type of environment template permissions. @public */
export const ENVIRONMENT_TEMPLATE_RESOURCE_TYPE = 'environment-template';

// Every Envkit permission is a resource permission, so policies can answer
// each with owner-scoped conditions; create included, as the issue puts it
// on the environment resource type.
function environmentPermission<T extends string>(
  resourceType: T,
  name: string,
  action: 'create' | 'read' | 'update' | 'delete',
) {
  return createPermission({ name, attributes: { action }, resourceType });
}

/** Create an environment. @public */
export const environmentCreatePermission = environmentPermission(
  ENVIRONMENT_RESOURCE_TYPE,
  'environment.create',
  'create',
);

/** Read an environment and its status. @public */
export const environmentReadPermission = environmentPermission(
  ENVIRONMENT_RESOURCE_TYPE,
  'environment.read',
  'read',
);

/** Change an environment: extend, redeploy, upgrade. @public */
export const environmentUpdatePermission = environmentPermission(
  ENVIRONMENT_RESOURCE_TYPE,
  'environment.update',
  'update',
);

/** Destroy an environment. @public */
export const environmentDeletePermission = environmentPermission(
  ENVIRONMENT_RESOURCE_TYPE,
  'environment.delete',
  'delete',
);

/**
 * Decide (approve or reject) an environment request that waits for
 * approval. The API also requires the caller to be in the template's
 * approver group and not to be the requester.
 *
 * @public
 */
export const environmentApprovePermission = environmentPermission(
  ENVIRONMENT_RESOURCE_TYPE,
  'environment.approve',
  'update',
);

/**
 * Reach into an environment: a kubeconfig for its namespace. Separate from
 * update so a policy can let people see and change an environment without
 * handing them credentials for it. @public
 */
export const environmentAccessPermission = environmentPermission(
  ENVIRONMENT_RESOURCE_TYPE,
  'environment.access',
  'read',
);

/** Use an environment template to create environments. @public */
export const environmentTemplateUsePermission = environmentPermission(
  ENVIRONMENT_TEMPLATE_RESOURCE_TYPE,
  'environment-template.use',
  'read',
);

/** Every permission Envkit defines. @public */
// Typed by hand: an inferred union's member order follows the compiler's
// internal type ids, which made the API report differ between builds.
export const environmentsPermissions: Array<
  ResourcePermission<'environment'> | ResourcePermission<'environment-template'>
> = [
  environmentCreatePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentDeletePermission,
  environmentApprovePermission,
  environmentAccessPermission,
  environmentTemplateUsePermission,
];
