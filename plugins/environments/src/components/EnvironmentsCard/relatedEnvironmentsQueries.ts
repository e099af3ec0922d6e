import {
  Entity,
  parseEntityRef,
  RELATION_HAS_PART,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { ListEnvironmentsQuery } from '@envkit/plugin-environments-common';

/**
 * The list requests that find the environments related to `entity`: those
 * serving a component (or any component of a system), or owned by a group
 * or user.
 */
export function relatedEnvironmentsQueries(
  entity: Entity,
): ListEnvironmentsQuery[] {
  const ref = stringifyEntityRef(entity);
  switch (entity.kind.toLocaleLowerCase('en-US')) {
    case 'component':
      return [{ component: ref }];
    case 'group':
    case 'user':
      return [{ owner: ref }];
    case 'system':
      return (entity.relations ?? [])
        .filter(
          r =>
            r.type === RELATION_HAS_PART &&
            parseEntityRef(r.targetRef).kind.toLocaleLowerCase('en-US') ===
              'component',
        )
        .map(r => ({ component: r.targetRef }));
    default:
      return [];
  }
}
