import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { findEntities } from '../shared';

/** A possible owner: a catalog group or user. */
export interface OwnerOption {
  value: string;
  label: string;
}

/**
 * The groups and users of the catalog, groups first, as owner filter
 * choices: only owners that exist can be picked. A catalog error leaves
 * the list empty (the filter then offers "Any owner" only).
 */
export function useOwnerOptions(): OwnerOption[] {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(async () => {
    const items = await findEntities(
      catalogApi,
      [{ kind: 'group' }, { kind: 'user' }],
      ['metadata.title', 'spec.profile.displayName'],
    );
    return items
      .map(entity => {
        const name =
          (entity.spec?.profile as { displayName?: string } | undefined)
            ?.displayName ??
          entity.metadata.title ??
          entity.metadata.name;
        const kind = entity.kind.toLocaleLowerCase('en-US');
        return {
          value: stringifyEntityRef(entity),
          label: `${name} (${kind === 'group' ? 'group' : 'user'})`,
          group: kind === 'group' ? 0 : 1,
        };
      })
      .sort((a, b) => a.group - b.group || a.label.localeCompare(b.label))
      .map(({ value: ref, label }) => ({ value: ref, label }));
  }, [catalogApi]);
  return value ?? [];
}
