import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  Environment,
  ENVIRONMENT_RESOURCE_TYPE,
  isEnvironmentVisibleTo,
} from '@envkit/plugin-environments-common';
import { z } from 'zod';

/** A store-side filter an environment permission condition turns into. @public */
export interface EnvironmentFilter {
  key: 'owner' | 'createdBy' | 'templateRef';
  values: string[];
}

/** The `environment` resource type of the environments plugin. @public */
export const environmentPermissionResourceRef = createPermissionResourceRef<
  Environment,
  EnvironmentFilter
>().with({ pluginId: 'environments', resourceType: ENVIRONMENT_RESOURCE_TYPE });

const isEnvironmentOwner = createPermissionRule({
  name: 'IS_ENVIRONMENT_OWNER',
  description:
    'Allow environments owned by, or created by, one of the given entity refs (usually the caller’s ownership claims)',
  // The catalog module's rule of the same name applies the same predicate
  // to the environments' Resource entities.
  resourceRef: environmentPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs, e.g. the user and the groups they belong to'),
  }),
  apply: (environment, { claims }) =>
    isEnvironmentVisibleTo(
      { owner: environment.spec.owner, createdBy: environment.createdBy },
      claims,
    ),
  toQuery: ({ claims }) => ({
    anyOf: [
      { key: 'owner', values: claims },
      { key: 'createdBy', values: claims },
    ],
  }),
});

const isFromTemplate = createPermissionRule({
  name: 'IS_FROM_TEMPLATE',
  description: 'Allow environments made from one of the given templates',
  resourceRef: environmentPermissionResourceRef,
  paramsSchema: z.object({
    templateRefs: z
      .array(z.string())
      .describe('EnvironmentTemplate entity refs'),
  }),
  apply: (environment, { templateRefs }) =>
    templateRefs.includes(environment.spec.templateRef),
  toQuery: ({ templateRefs }) => ({ key: 'templateRef', values: templateRefs }),
});

/**
 * Rules a permission policy can use in conditional decisions on environments.
 *
 * @public
 */
export const environmentPermissionRules = {
  isEnvironmentOwner,
  isFromTemplate,
};

const conditionExports = createConditionExports({
  resourceRef: environmentPermissionResourceRef,
  rules: environmentPermissionRules,
});

/**
 * Conditions for permission policies, e.g.
 * `createEnvironmentConditionalDecision(permission, environmentConditions.isEnvironmentOwner({ claims }))`.
 *
 * @public
 */
export const environmentConditions = conditionExports.conditions;

/**
 * Makes a conditional decision on environments from
 * {@link environmentConditions}.
 *
 * @public
 */
export const createEnvironmentConditionalDecision =
  conditionExports.createConditionalDecision;
