import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { EnvironmentSummary } from '@envkit/plugin-environments-common';
import { useCallback, useEffect, useState } from 'react';
import { ENVIRONMENT_ID_ANNOTATION } from '../../constants';
import { usePolledAsync } from '../../hooks';
import { findEntities } from '../shared';

const NONE = new Map<string, string>();

/**
 * Maps environment ids to the refs of their catalog entities, so lists can
 * link to each environment's page. An environment made a moment ago reaches
 * the catalog a few seconds later: while any listed environment (other than
 * a Destroyed one, which the catalog drops) has no entity, the catalog is
 * asked again on the live views' poll interval, and the name turns into a
 * link once it is there. A catalog error simply leaves names unlinked.
 */
export function useEnvironmentEntityRefs(
  environments: EnvironmentSummary[],
): Map<string, string> {
  const catalogApi = useApi(catalogApiRef);
  const load = useCallback(async () => {
    const items = await findEntities(
      catalogApi,
      { kind: 'Resource', 'spec.type': 'environment' },
      ['metadata.annotations'],
    );
    const refs = new Map<string, string>();
    for (const entity of items) {
      const id = entity.metadata.annotations?.[ENVIRONMENT_ID_ANNOTATION];
      if (id) refs.set(id, stringifyEntityRef(entity));
    }
    return refs;
  }, [catalogApi]);

  const [waiting, setWaiting] = useState(false);
  const { value, loading } = usePolledAsync(load, [load], {
    enabled: waiting,
  });
  const refs = value ?? NONE;
  const missing =
    !loading &&
    environments.some(
      env => env.status.phase !== 'Destroyed' && !refs.has(env.id),
    );
  useEffect(() => setWaiting(missing), [missing]);
  return refs;
}
