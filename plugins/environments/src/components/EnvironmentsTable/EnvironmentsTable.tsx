import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { EnvironmentSummary } from '@envkit/plugin-environments-common';
import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { endpointUrl, formatExpiry, formatUsd, PhaseStatus } from '../shared';
import { ELLIPSIS, NO_WRAP, WHOLE_WORDS } from '../shared/layout';
import { useEnvironmentEntityRefs } from './useEnvironmentEntityRefs';

/**
 * Where the Environments page shows the history of environment `id`: the
 * page for environments the catalog no longer has.
 */
export const environmentHistoryPath = (id: string) =>
  `/environments/history/${encodeURIComponent(id)}`;

/** Phases whose environments are gone, as the history link names them. */
const GONE_PHASES: Partial<Record<string, string>> = {
  Destroyed: 'destroyed',
  Rejected: 'rejected',
};

/** How wide an endpoint may be before it is cut with an ellipsis. */
const ENDPOINT_WIDTH = '18em';

/** Columns a view may show; `name`, `phase`, `endpoint`, `expiry` always are. */
export type OptionalColumn = 'template' | 'owner' | 'component' | 'cost';

/** A list of environments with phase, endpoint and expiry. */
export const EnvironmentsTable = (props: {
  title?: string;
  environments: EnvironmentSummary[];
  columns?: OptionalColumn[];
  emptyContent?: ReactNode;
  /** More environments match than are listed: totals cover only these. */
  partial?: boolean;
}) => {
  const { environments, columns = [], emptyContent } = props;
  const entityRefs = useEnvironmentEntityRefs(environments);
  const now = Date.now();

  const all: Array<TableColumn<EnvironmentSummary> | false> = [
    {
      title: 'Name',
      highlight: true,
      cellStyle: NO_WRAP,
      render: env => {
        // A destroyed (or refused) environment's page is its history, also
        // while the catalog still holds its entity for a moment.
        const gone = GONE_PHASES[env.status.phase];
        if (gone) {
          return (
            <Link
              to={environmentHistoryPath(env.id)}
              aria-label={`History of ${env.spec.name} (${gone})`}
            >
              {env.spec.name}
            </Link>
          );
        }
        const ref = entityRefs.get(env.id);
        if (ref) return <EntityRefLink entityRef={ref} title={env.spec.name} />;
        return env.spec.name;
      },
    },
    {
      title: 'Phase',
      cellStyle: NO_WRAP,
      render: env => <PhaseStatus phase={env.status.phase} />,
    },
    {
      title: 'Endpoint',
      // One line, cut with an ellipsis: a full URL would push the other
      // columns off the page. The whole URL is the link's text (read out by
      // screen readers) and shows on hover.
      cellStyle: { ...NO_WRAP, maxWidth: ENDPOINT_WIDTH },
      render: env => {
        const endpoint = env.status.outputs?.endpoint;
        return endpoint ? (
          <Link
            to={endpointUrl(endpoint)}
            title={endpoint}
            style={{ ...ELLIPSIS, maxWidth: ENDPOINT_WIDTH }}
          >
            {endpoint}
          </Link>
        ) : (
          '—'
        );
      },
    },
    {
      title: 'Expires',
      cellStyle: NO_WRAP,
      render: env =>
        env.status.phase === 'Destroyed'
          ? '—'
          : formatExpiry(env.spec.expiresAt, now),
    },
    columns.includes('template') && {
      title: 'Template',
      cellStyle: WHOLE_WORDS,
      render: env => (
        <>
          <EntityRefLink
            entityRef={env.spec.templateRef}
            defaultKind="environmenttemplate"
          />{' '}
          {env.spec.templateVersion}
        </>
      ),
    },
    columns.includes('owner') && {
      title: 'Owner',
      cellStyle: WHOLE_WORDS,
      render: env => (
        <EntityRefLink entityRef={env.spec.owner} defaultKind="group" />
      ),
    },
    columns.includes('component') && {
      title: 'Component',
      cellStyle: WHOLE_WORDS,
      render: env =>
        env.spec.component ? (
          <EntityRefLink
            entityRef={env.spec.component}
            defaultKind="component"
          />
        ) : (
          '—'
        ),
    },
    columns.includes('cost') && {
      title: 'Cost',
      cellStyle: WHOLE_WORDS,
      render: env =>
        env.cost ? (
          <>
            {formatUsd(env.cost.accrued)} so far
            <br />
            {formatUsd(env.cost.projectedMonthly)} a month
          </>
        ) : (
          '—'
        ),
    },
  ];
  const totals = columns.includes('cost') ? monthlyByOwner(environments) : [];

  return (
    <>
      <Table<EnvironmentSummary>
        title={props.title}
        data={environments}
        columns={all.filter((c): c is TableColumn<EnvironmentSummary> =>
          Boolean(c),
        )}
        options={{
          paging: environments.length > 20,
          pageSize: 20,
          search: false,
          toolbar: Boolean(props.title),
          padding: 'dense',
          // Columns are rendered, not sortable fields; a sort button in each
          // header also nests one control in another (axe: nested-interactive).
          sorting: false,
        }}
        emptyContent={emptyContent}
      />
      {totals.length > 0 && (
        <Box mt={1} component="section" aria-label="Cost per owner">
          <Typography variant="subtitle2">
            Projected a month per owner, at list prices
            {props.partial ? ', of the environments shown' : ''}
          </Typography>
          {totals.map(([owner, total]) => (
            <Typography key={owner} variant="body2">
              <EntityRefLink entityRef={owner} defaultKind="group" />:{' '}
              {formatUsd(total)}
            </Typography>
          ))}
        </Box>
      )}
    </>
  );
};

/** Each owner's environments' projected monthly cost, largest first. */
function monthlyByOwner(
  environments: EnvironmentSummary[],
): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const env of environments) {
    if (!env.cost || env.status.phase === 'Destroyed') continue;
    totals.set(
      env.spec.owner,
      (totals.get(env.spec.owner) ?? 0) + env.cost.projectedMonthly,
    );
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
