import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { EnvironmentSummary } from '@envkit/plugin-environments-common';
import { ReactNode } from 'react';
import { endpointUrl, formatExpiry, PhaseStatus } from '../shared';
import { NO_WRAP } from '../shared/layout';
import { useEnvironmentEntityRefs } from './useEnvironmentEntityRefs';

/**
 * Where the Environments page shows the history of environment `id`: the
 * page for environments the catalog no longer has.
 */
export const environmentHistoryPath = (id: string) =>
  `/environments/history/${encodeURIComponent(id)}`;

/** Columns a view may show; `name`, `phase`, `endpoint`, `expiry` always are. */
export type OptionalColumn = 'template' | 'owner' | 'component';

/** A list of environments with phase, endpoint and expiry. */
export const EnvironmentsTable = (props: {
  title?: string;
  environments: EnvironmentSummary[];
  columns?: OptionalColumn[];
  emptyContent?: ReactNode;
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
        const ref = entityRefs.get(env.id);
        if (ref) return <EntityRefLink entityRef={ref} title={env.spec.name} />;
        // The catalog drops a destroyed environment's entity; its history
        // stays readable on the Environments page.
        if (env.status.phase === 'Destroyed') {
          return (
            <Link
              to={environmentHistoryPath(env.id)}
              aria-label={`History of ${env.spec.name} (destroyed)`}
            >
              {env.spec.name}
            </Link>
          );
        }
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
      // A URL on one line: squeezed, it would wrap a character per line.
      cellStyle: NO_WRAP,
      render: env => {
        const endpoint = env.status.outputs?.endpoint;
        return endpoint ? (
          <Link to={endpointUrl(endpoint)}>{endpoint}</Link>
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
      render: env => (
        <EntityRefLink entityRef={env.spec.owner} defaultKind="group" />
      ),
    },
    columns.includes('component') && {
      title: 'Component',
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
  ];

  return (
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
  );
};
