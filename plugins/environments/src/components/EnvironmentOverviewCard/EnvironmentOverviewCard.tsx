import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  MissingAnnotationEmptyState,
  useAsyncEntity,
} from '@backstage/plugin-catalog-react';
import type { EnvironmentPhase } from '@envkit/plugin-environments-common';
import { useCallback, useEffect, useState } from 'react';
import { ENVIRONMENT_ID_ANNOTATION, PHASE_LABEL } from '../../constants';
import { EnvironmentOverview } from './EnvironmentOverview';

/** How long to wait before reading the entity again while it lags behind. */
export const ENTITY_FOLLOW_DELAY_MS = 1500;

/**
 * Reads the page's entity again while its phase label disagrees with the
 * environment's live phase, so the About card, the labels and the links
 * follow the environment without a reload. The catalog takes a second or
 * two to catch up. A destroyed environment's entity is gone, and one being
 * destroyed may be gone before the card sees Destroyed: reading it through
 * the page then would swap the page for "not found", so the entity is
 * looked up first and the page keeps the one it has once it is gone.
 */
function useEntityFollowsPhase(phase: EnvironmentPhase | undefined) {
  const { entity, refresh } = useAsyncEntity();
  const catalogApi = useApi(catalogApiRef);
  const entityPhase = entity?.metadata.labels?.[PHASE_LABEL];
  useEffect(() => {
    if (!entity || !phase || !entityPhase || !refresh) return undefined;
    if (phase === entityPhase || phase === 'Destroyed') return undefined;
    let cancelled = false;
    const timer = setTimeout(async () => {
      const current = await catalogApi
        .getEntityByRef(stringifyEntityRef(entity))
        .catch(() => undefined);
      if (!cancelled && current) await refresh();
    }, ENTITY_FOLLOW_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [phase, entityPhase, refresh, entity, catalogApi]);
}

/** The overview card of an environment's catalog entity. */
export const EnvironmentOverviewCard = () => {
  const { entity } = useAsyncEntity();
  const [phase, setPhase] = useState<EnvironmentPhase>();
  const onPhase = useCallback((p: EnvironmentPhase) => setPhase(p), []);
  useEntityFollowsPhase(phase);
  const id = entity?.metadata.annotations?.[ENVIRONMENT_ID_ANNOTATION];
  if (!id) {
    return (
      <MissingAnnotationEmptyState annotation={ENVIRONMENT_ID_ANNOTATION} />
    );
  }
  return <EnvironmentOverview environmentId={id} onPhase={onPhase} />;
};
