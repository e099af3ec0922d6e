import { Entity } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import type { EnvironmentSummary } from '@envkit/plugin-environments-common';
import { useMemo } from 'react';
import { environmentsApiRef } from '../../api';
import { usePolledAsync } from '../../hooks';
import { CreateEnvironmentButton } from '../CreateEnvironmentButton';
import { EnvironmentsTable } from '../EnvironmentsTable';
import { relatedEnvironmentsQueries } from './relatedEnvironmentsQueries';

const NoEnvironments = ({ component }: { component?: Entity }) => (
  <EmptyState
    missing="data"
    title="No environments yet"
    description="Create a short-lived environment from a template your platform team publishes."
    action={<CreateEnvironmentButton component={component} />}
  />
);

/**
 * The environments of a component (or a system's components), group or
 * user, with phase, endpoint and expiry; destroyed ones are left out.
 */
export const EnvironmentsCard = () => {
  const { entity } = useEntity();
  const api = useApi(environmentsApiRef);
  const queries = useMemo(() => relatedEnvironmentsQueries(entity), [entity]);
  const key = JSON.stringify(queries);

  const { value, error, loading } = usePolledAsync(async () => {
    const pages = await Promise.all(queries.map(q => api.listEnvironments(q)));
    const byId = new Map<string, EnvironmentSummary>();
    for (const page of pages) {
      for (const env of page.items) byId.set(env.id, env);
    }
    return [...byId.values()].sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
  }, [api, key]);

  const live = value?.filter(env => env.status.phase !== 'Destroyed') ?? [];
  const destroyed = (value?.length ?? 0) - live.length;
  // From a component's page, the new environment serves that component.
  const component =
    entity.kind.toLocaleLowerCase('en-US') === 'component' ? entity : undefined;

  return (
    <InfoCard
      title="Environments"
      noPadding={Boolean(value?.length)}
      action={
        live.length > 0 ? (
          <CreateEnvironmentButton component={component} variant="outlined" />
        ) : undefined
      }
    >
      {loading && <Progress aria-label="Loading environments" />}
      {error && !value && <ResponseErrorPanel error={error} />}
      {value && live.length === 0 && <NoEnvironments component={component} />}
      {live.length > 0 && (
        <EnvironmentsTable
          environments={live}
          columns={component ? ['owner'] : ['component', 'owner']}
        />
      )}
      {value && destroyed > 0 && live.length > 0 && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="p"
          style={{ padding: 16 }}
        >
          {destroyed} destroyed{' '}
          {destroyed === 1 ? 'environment' : 'environments'} not shown.
        </Typography>
      )}
    </InfoCard>
  );
};
