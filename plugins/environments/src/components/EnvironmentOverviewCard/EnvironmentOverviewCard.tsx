import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ENVIRONMENT_ID_ANNOTATION } from '../../constants';
import { EnvironmentOverview } from './EnvironmentOverview';

/** The overview card of an environment's catalog entity. */
export const EnvironmentOverviewCard = () => {
  const { entity } = useEntity();
  const id = entity.metadata.annotations?.[ENVIRONMENT_ID_ANNOTATION];
  if (!id) {
    return (
      <MissingAnnotationEmptyState annotation={ENVIRONMENT_ID_ANNOTATION} />
    );
  }
  return <EnvironmentOverview environmentId={id} />;
};
