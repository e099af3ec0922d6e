import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { EnvironmentSummary } from '@envkit/plugin-environments-common';
import { ReactNode } from 'react';
import { endpointUrl, formatExpiry, PhaseStatus } from '../shared';
import { useEnvironmentEntityRefs } from './useEnvironmentEntityRefs';

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
      render: env => {
        const ref = entityRefs.get(env.id);
        return ref ? (
          <EntityRefLink entityRef={ref} title={env.spec.name} />
        ) : (
          env.spec.name
        );
      },
    },
    {
      title: 'Phase',
      render: env => <PhaseStatus phase={env.status.phase} />,
    },
    {
      title: 'Endpoint',
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
      }}
      emptyContent={emptyContent}
    />
  );
};
