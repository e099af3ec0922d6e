import {
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
 * destroyed may be gone before the card sees Destroyed: reading it then
 * would swap the page for "not found", so the page keeps the one it has.
 */
function useEntityFollowsPhase(phase: EnvironmentPhase | undefined) {
  const { entity, refresh } = useAsyncEntity();
  const entityPhase = entity?.metadata.labels?.[PHASE_LABEL];
  useEffect(() => {
    if (!phase || !entityPhase || !refresh) return undefined;
    if (phase === entityPhase || phase === 'Destroying') return undefined;
    if (phase === 'Destroyed') return undefined;
    const timer = setTimeout(refresh, ENTITY_FOLLOW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [phase, entityPhase, refresh, entity]);
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
