import { Entity } from '@backstage/catalog-model';
import { catalogEntityPermissionResourceRef } from '@backstage/plugin-catalog-node/alpha';
import {
  createConditionExports,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  isEnvironmentVisibleTo,
  isInEnvironmentTemplateAudience,
} from '@envkit/plugin-environments-common';
import { z } from 'zod';
import { ANNOTATION_CREATED_BY } from '../providers/environmentEntity';
import { TEMPLATE_AUDIENCE_SPEC_KEY } from '../templates/softwareTemplate';

/** `spec.type` of the Resource entities environments are published as. */
const ENVIRONMENT_SPEC_TYPE = 'environment';

const claimsSchema = z.object({
  claims: z
    .array(z.string())
    .describe('Entity refs, e.g. the user and the groups they belong to'),
});

/** Whether `entity` is an environment's Resource entity. */
function isEnvironmentEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === ENVIRONMENT_SPEC_TYPE
  );
}

function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

const isEnvironmentOwner = createPermissionRule({
  name: 'IS_ENVIRONMENT_OWNER',
  description:
    'Allow environment entities (Resource, spec.type environment) owned by, or created by, one of the given entity refs: the rule the environments API applies to environment.read',
  resourceRef: catalogEntityPermissionResourceRef,
  paramsSchema: claimsSchema,
  apply: (entity, { claims }) =>
    isEnvironmentEntity(entity) &&
    isEnvironmentVisibleTo(
      {
        owner: String(entity.spec?.owner ?? ''),
        createdBy: entity.metadata.annotations?.[ANNOTATION_CREATED_BY],
      },
      claims,
    ),
  toQuery: ({ claims }) => ({
    allOf: [
      { key: 'kind', values: ['resource'] },
      { key: 'spec.type', values: [ENVIRONMENT_SPEC_TYPE] },
      {
        anyOf: [
          { key: 'spec.owner', values: claims },
          {
            key: `metadata.annotations.${ANNOTATION_CREATED_BY}`,
            values: claims,
          },
        ],
      },
    ],
  }),
});

const isInTemplateAudience = createPermissionRule({
  name: 'IS_IN_TEMPLATE_AUDIENCE',
  description:
    'Allow generated software Templates whose audience (the allowedUsers and allowedGroups of their EnvironmentTemplate) includes one of the given entity refs',
  resourceRef: catalogEntityPermissionResourceRef,
  paramsSchema: claimsSchema,
  apply: (entity, { claims }) =>
    isInEnvironmentTemplateAudience(
      stringList(
        (entity.spec?.envkit as { audience?: unknown } | undefined)?.audience,
      ),
      claims,
    ),
  toQuery: ({ claims }) => ({
    key: `spec.${TEMPLATE_AUDIENCE_SPEC_KEY}`,
    values: claims,
  }),
});

/**
 * Catalog permission rules of Envkit, registered on `catalog-entity`
 * resources by the catalog module:
 * - `IS_ENVIRONMENT_OWNER`: environment entities whose owner or creator is
 *   one of `claims`, the same rule as the environments API's
 *   `IS_ENVIRONMENT_OWNER`;
 * - `IS_IN_TEMPLATE_AUDIENCE`: generated software Templates whose audience
 *   includes one of `claims`.
 *
 * @public
 */
export const environmentCatalogPermissionRules = {
  isEnvironmentOwner,
  isInTemplateAudience,
};

/**
 * Conditions for `catalog.entity.read` decisions on Envkit's entities, for
 * use with `createCatalogConditionalDecision` next to the catalog's own
 * `catalogConditions`.
 *
 * @public
 */
export const environmentCatalogConditions = createConditionExports({
  resourceRef: catalogEntityPermissionResourceRef,
  rules: environmentCatalogPermissionRules,
}).conditions;
