import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import type { EnvironmentTemplateSummary } from '@envkit/plugin-environments-common';
import { environmentsApiRef } from '../../api';
import { StatusText } from '../shared';
import { describeUsage } from '../EnvironmentTemplatePage/templateUsage';
import { useTemplateUsage } from '../EnvironmentTemplatePage/useTemplateUsage';

/** Material Table keeps per-row state by `id`; a template's is its ref. */
type Row = EnvironmentTemplateSummary & { id: string };

/** How many environments use template `t`, and how many are outdated. */
const Usage = (props: { template: EnvironmentTemplateSummary }) => {
  const { value, error, loading } = useTemplateUsage(
    props.template.ref,
    props.template.entity.spec?.version,
  );
  if (loading) return <>…</>;
  if (error) return <>Unknown</>;
  return <>{describeUsage(value!)}</>;
};

const columns: TableColumn<Row>[] = [
  {
    title: 'Template',
    highlight: true,
    render: t => (
      <EntityRefLink
        entityRef={t.ref}
        title={t.entity.metadata.title ?? t.entity.metadata.name}
      />
    ),
  },
  { title: 'Version', render: t => t.entity.spec?.version ?? '—' },
  { title: 'Type', render: t => t.entity.spec?.type ?? '—' },
  {
    title: 'Description',
    render: t => t.entity.metadata.description ?? '',
  },
  {
    title: 'Owner',
    render: t =>
      t.entity.spec?.owner ? (
        <EntityRefLink entityRef={t.entity.spec.owner} defaultKind="group" />
      ) : (
        '—'
      ),
  },
  {
    title: 'In use by',
    render: t => <Usage template={t} />,
  },
  {
    title: 'Validation',
    render: t =>
      t.valid ? (
        <StatusText kind="ok" text="Valid" label="Validation" />
      ) : (
        <>
          <StatusText kind="error" text="Invalid" label="Validation" />
          {t.error && (
            <div>
              <small>{t.error}</small>
            </div>
          )}
        </>
      ),
  },
];

/** Every EnvironmentTemplate the user can see, with its validation state. */
export const TemplatesTable = () => {
  const api = useApi(environmentsApiRef);
  const { value, loading, error } = useAsync(() => api.listTemplates(), [api]);
  if (loading) return <Progress aria-label="Loading templates" />;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Table<Row>
      title="Environment templates"
      data={(value ?? []).map(t => ({ ...t, id: t.ref }))}
      columns={columns}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        sorting: false,
      }}
      emptyContent={
        <div style={{ padding: 16 }}>
          No environment templates are published yet. Your platform team
          registers them in the catalog as EnvironmentTemplate entities.
        </div>
      }
    />
  );
};
