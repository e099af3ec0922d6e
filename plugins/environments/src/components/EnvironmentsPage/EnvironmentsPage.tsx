import {
  Content,
  ContentHeader,
  EmptyState,
  LinkButton,
  Progress,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import type {
  Environment,
  EnvironmentPhase,
} from '@envkit/plugin-environments-common';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { environmentsApiRef } from '../../api';
import { usePolledAsync } from '../../hooks';
import { EnvironmentsTable } from '../EnvironmentsTable';
import {
  EnvironmentFilterValues,
  EnvironmentFilters,
} from './EnvironmentFilters';
import { TemplatesTable } from './TemplatesTable';

const TABS = [
  { id: 'mine', label: 'Mine' },
  { id: 'all', label: 'All' },
  { id: 'templates', label: 'Templates' },
] as const;
type TabId = (typeof TABS)[number]['id'];

const NoEnvironments = (props: { title: string }) => (
  <EmptyState
    missing="data"
    title={props.title}
    description="Environments are created from templates your platform team publishes."
    action={
      <LinkButton to="/create" color="primary" variant="contained">
        Create an environment
      </LinkButton>
    }
  />
);

/** Environments owned by the signed-in user or any group they belong to. */
const MyEnvironments = () => {
  const api = useApi(environmentsApiRef);
  const identityApi = useApi(identityApiRef);
  const { value, error, loading } = usePolledAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const pages = await Promise.all(
      ownershipEntityRefs.map(owner => api.listEnvironments({ owner })),
    );
    const byId = new Map<string, Environment>();
    for (const page of pages) {
      for (const env of page.items) byId.set(env.id, env);
    }
    return [...byId.values()].sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
  }, [api, identityApi]);

  if (loading) return <Progress aria-label="Loading environments" />;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  if (!value?.length) {
    return <NoEnvironments title="You have no environments yet" />;
  }
  return (
    <EnvironmentsTable
      title="My environments"
      environments={value}
      columns={['component', 'template', 'owner']}
    />
  );
};

/** Every environment the user may read, filtered by owner, template and phase. */
const AllEnvironments = () => {
  const api = useApi(environmentsApiRef);
  const [filters, setFilters] = useState<EnvironmentFilterValues>({
    owner: '',
    template: '',
    phase: '',
  });
  const [applied, setApplied] = useState(filters);
  // Typing an owner ref should not send a request per keystroke.
  useDebounce(() => setApplied(filters), 400, [filters]);
  const templates = useAsync(() => api.listTemplates(), [api]);

  const { value, error, loading } = usePolledAsync(
    () =>
      api.listEnvironments({
        owner: applied.owner.trim() || undefined,
        template: applied.template || undefined,
        phase: (applied.phase || undefined) as EnvironmentPhase | undefined,
      }),
    [api, applied.owner, applied.template, applied.phase],
  );

  return (
    <>
      <EnvironmentFilters
        value={filters}
        templates={templates.value ?? []}
        onChange={setFilters}
      />
      {loading && <Progress aria-label="Loading environments" />}
      {error && !value && <ResponseErrorPanel error={error} />}
      {value && (
        <EnvironmentsTable
          title={`All environments (${value.totalCount})`}
          environments={value.items}
          columns={['component', 'template', 'owner']}
          emptyContent={<Box p={2}>No environments match these filters.</Box>}
        />
      )}
    </>
  );
};

/** The body of the Environments page, without the app's page chrome. */
export const EnvironmentsContent = () => {
  const [searchParams, setSearchParams] = useSearchParams();
  const requested = searchParams.get('tab');
  const tab: TabId = TABS.some(t => t.id === requested)
    ? (requested as TabId)
    : 'mine';

  return (
    <Content>
      <ContentHeader title="Environments">
        <LinkButton to="/create" color="primary" variant="contained">
          Create environment
        </LinkButton>
        <SupportButton>
          Environments are created from environment templates published by your
          platform team, and destroyed when their time is up.
        </SupportButton>
      </ContentHeader>
      <Tabs
        value={tab}
        onChange={(_e, next: TabId) =>
          setSearchParams({ tab: next }, { replace: true })
        }
        indicatorColor="primary"
        aria-label="Environment views"
      >
        {TABS.map(t => (
          <Tab
            key={t.id}
            value={t.id}
            label={t.label}
            id={`envkit-tab-${t.id}`}
            aria-controls={`envkit-tabpanel-${t.id}`}
          />
        ))}
      </Tabs>
      <Box
        mt={2}
        role="tabpanel"
        id={`envkit-tabpanel-${tab}`}
        aria-labelledby={`envkit-tab-${tab}`}
      >
        {tab === 'mine' && <MyEnvironments />}
        {tab === 'all' && <AllEnvironments />}
        {tab === 'templates' && <TemplatesTable />}
      </Box>
    </Content>
  );
};
