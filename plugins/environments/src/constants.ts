import { Entity } from '@backstage/catalog-model';

/** The annotation that ties a catalog entity to an environment. @public */
export const ENVIRONMENT_ID_ANNOTATION = 'envkit.io/environment-id';

/**
 * Whether `entity` is an environment published to the catalog, i.e. has the
 * {@link ENVIRONMENT_ID_ANNOTATION}.
 *
 * @public
 */
export function isEnvironmentsAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ENVIRONMENT_ID_ANNOTATION]);
}

/** Kinds whose pages get the environments card. */
export const ENVIRONMENTS_CARD_KINDS = ['component', 'system', 'group', 'user'];

/** Whether `entity` can list related environments (see `EnvironmentsCard`). @public */
export function hasRelatedEnvironments(entity: Entity): boolean {
  return ENVIRONMENTS_CARD_KINDS.includes(
    entity.kind.toLocaleLowerCase('en-US'),
  );
}

/** The label the catalog module puts the environment's phase in. */
export const PHASE_LABEL = 'envkit.io/phase';

/**
 * Whether `entity` is an EnvironmentTemplate, whose page gets the template
 * overview card.
 *
 * @public
 */
export function isEnvironmentTemplate(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'environmenttemplate';
}
