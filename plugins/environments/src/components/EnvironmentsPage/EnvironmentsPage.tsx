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
import Button from '@material-ui/core/Button';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type EnvironmentSummary,
  type EnvironmentPhase,
} from '@envkit/plugin-environments-common';
import { useState } from 'react';
import { Route, Routes, useParams, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { environmentsApiRef } from '../../api';
import { usePolledAsync } from '../../hooks';
import { EnvironmentOverview } from '../EnvironmentOverviewCard/EnvironmentOverview';
import { EnvironmentsTable } from '../EnvironmentsTable';
import { listAllEnvironments } from '../shared';
import {
  EnvironmentFilterValues,
  EnvironmentFilters,
} from './EnvironmentFilters';
import { TemplatesTable } from './TemplatesTable';
import { useOwnerOptions } from './useOwnerOptions';
import { ApprovalsTable } from './ApprovalsTable';

const TABS = [
  { id: 'mine', label: 'Mine' },
  { id: 'all', label: 'All' },
  { id: 'templates', label: 'Templates' },
  { id: 'approvals', label: 'Approvals' },
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

/**
 * Environments owned by the signed-in user or any group they belong to.
 * Every page is followed: the per-owner guardrail keeps this list small.
 */
const MyEnvironments = () => {
  const api = useApi(environmentsApiRef);
  const identityApi = useApi(identityApiRef);
  const { value, error, loading } = usePolledAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const byId = new Map<string, EnvironmentSummary>();
    await Promise.all(
      ownershipEntityRefs.map(async owner => {
        for (const env of await listAllEnvironments(api, { owner })) {
          byId.set(env.id, env);
        }
      }),
    );
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
      columns={['component', 'template', 'owner', 'cost']}
    />
  );
};

/** Every environment the user may read, filtered by owner, template and phase. */
const AllEnvironments = () => {
  const api = useApi(environmentsApiRef);
  // A link may preset the filters, e.g. a template page's usage link.
  const [searchParams] = useSearchParams();
  const [filters, setFilters] = useState<EnvironmentFilterValues>(() => ({
    owner: searchParams.get('owner') ?? '',
    template: searchParams.get('template') ?? '',
    phase: searchParams.get('phase') ?? '',
  }));
  const owners = useOwnerOptions();
  const [applied, setApplied] = useState(filters);
  // Rows asked for: one page at first, one more on each "Show more".
  const [limit, setLimit] = useState(DEFAULT_PAGE_SIZE);
  // Quick changes of the filters send one request; new filters start again
  // from the first rows. The debounce also fires once after mounting, with
  // the filters unchanged: that must not take back a "Show more" clicked in
  // the first moments.
  useDebounce(
    () => {
      if (
        applied.owner !== filters.owner ||
        applied.template !== filters.template ||
        applied.phase !== filters.phase
      ) {
        setApplied(filters);
        setLimit(DEFAULT_PAGE_SIZE);
      }
    },
    400,
    [filters],
  );
  const templates = useAsync(() => api.listTemplates(), [api]);

  const { value, error, loading } = usePolledAsync(
    () =>
      api.listEnvironments({
        owner: applied.owner || undefined,
        template: applied.template || undefined,
        phase: (applied.phase || undefined) as EnvironmentPhase | undefined,
        limit,
      }),
    [api, applied.owner, applied.template, applied.phase, limit],
  );
  const shown = value?.items.length ?? 0;
  const filtered = Boolean(applied.owner || applied.template || applied.phase);
  const more = Boolean(value?.nextCursor);

  return (
    <>
      <EnvironmentFilters
        value={filters}
        templates={templates.value ?? []}
        owners={owners}
        onChange={setFilters}
      />
      {loading && <Progress aria-label="Loading environments" />}
      {error && !value && <ResponseErrorPanel error={error} />}
      {value && value.totalCount === 0 && !filtered && (
        <NoEnvironments title="No environments yet" />
      )}
      {value && (value.totalCount > 0 || filtered) && (
        <EnvironmentsTable
          title={
            more
              ? `All environments (${shown} of ${value.totalCount})`
              : `All environments (${value.totalCount})`
          }
          environments={value.items}
          columns={['component', 'template', 'owner', 'cost']}
          partial={more}
          emptyContent={<Box p={2}>No environments match these filters.</Box>}
        />
      )}
      {more && limit < MAX_PAGE_SIZE && (
        <Box display="flex" justifyContent="center" p={2}>
          <Button
            variant="outlined"
            onClick={() =>
              setLimit(Math.min(limit + DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
            }
          >
            Show {Math.min(DEFAULT_PAGE_SIZE, value!.totalCount - shown)} more
          </Button>
        </Box>
      )}
      {more && limit >= MAX_PAGE_SIZE && (
        <Box p={2}>
          Showing the newest {shown} environments; narrow the filters to see the
          others.
        </Box>
      )}
    </>
  );
};

/**
 * The history of one environment, also after it is destroyed and the
 * catalog has dropped its entity: status, inputs, resources and events as
 * the backend keeps them.
 */
const EnvironmentHistory = () => {
  const { id = '' } = useParams();
  return (
    <Content>
      <ContentHeader title="Environment history">
        <LinkButton to="/environments?tab=all" variant="outlined">
          All environments
        </LinkButton>
      </ContentHeader>
      <EnvironmentOverview environmentId={id} />
    </Content>
  );
};

/** The Mine, All, Templates and Approvals tabs. */
const EnvironmentsTabs = () => {
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
        {tab === 'approvals' && <ApprovalsTable />}
      </Box>
    </Content>
  );
};

/** The body of the Environments page, without the app's page chrome. */
export const EnvironmentsContent = () => (
  <Routes>
    <Route path="/history/:id" element={<EnvironmentHistory />} />
    <Route path="*" element={<EnvironmentsTabs />} />
  </Routes>
);
