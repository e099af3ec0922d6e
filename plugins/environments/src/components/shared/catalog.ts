import type { Entity } from '@backstage/catalog-model';
import type { CatalogApi } from '@backstage/plugin-catalog-react';

type EntityFilter = NonNullable<
  Parameters<CatalogApi['getEntities']>[0]
>['filter'];

/**
 * The catalog's entities that match `filter`, each read only as far as its
 * ref (kind, name and namespace) and `fields`.
 */
export async function findEntities(
  catalogApi: CatalogApi,
  filter: EntityFilter,
  fields: string[],
): Promise<Entity[]> {
  const { items } = await catalogApi.getEntities({
    filter,
    fields: ['kind', 'metadata.name', 'metadata.namespace', ...fields],
  });
  return items;
}
