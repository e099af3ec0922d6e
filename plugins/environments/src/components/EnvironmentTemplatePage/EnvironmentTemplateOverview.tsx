import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  parameterPolicy,
  topologicalOrder,
  tryParseDuration,
  type EnvironmentTemplateEntity,
  type EnvironmentTemplateGuardrails,
  type EnvironmentTemplateParameter,
  type EnvironmentTemplateResource,
} from '@envkit/plugin-environments-common';
import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  DataTable,
  findEntities,
  formatDuration,
  PARAMETER_POLICY_TEXT,
  type DataColumn,
} from '../shared';
import { Field, Section, WHOLE_WORDS } from '../shared/layout';
import { describeUsage } from './templateUsage';
import { useTemplateUsage } from './useTemplateUsage';

/** The annotation the catalog module puts on the Template it generates. */
const SOURCE_TEMPLATE_ANNOTATION = 'envkit.io/environment-template';

/** `8h (PT8H)`: an ISO-8601 duration in words, with the text as written. */
function duration(iso: string): string {
  const ms = tryParseDuration(iso);
  return ms === undefined ? iso : `${formatDuration(ms)} (${iso})`;
}

const valueText = (value: unknown) =>
  value === undefined ? '—' : String(value);

type ParameterEntry = [string, EnvironmentTemplateParameter];

const parameterColumns = (required: string[]): DataColumn<ParameterEntry>[] => [
  {
    title: 'Parameter',
    style: WHOLE_WORDS,
    cell: ([name, p]) => (
      <>
        {p.title ?? name}
        <Typography variant="caption" color="textSecondary" component="div">
          {name}
          {required.includes(name) ? ' · required' : ''}
          {p.secret ? ' · secret' : ''}
        </Typography>
      </>
    ),
  },
  { title: 'Type', style: WHOLE_WORDS, cell: ([, p]) => p.type },
  {
    title: 'Policy',
    style: WHOLE_WORDS,
    cell: ([, p]) => PARAMETER_POLICY_TEXT[parameterPolicy(p)].full,
  },
  {
    title: 'Default',
    style: WHOLE_WORDS,
    cell: ([, p]) => (p.secret ? 'hidden' : valueText(p.default)),
  },
  {
    title: 'Allowed values',
    style: WHOLE_WORDS,
    cell: ([, p]) => (p.enum ? p.enum.map(String).join(', ') : 'any'),
  },
];

const ParametersTable = (props: {
  properties: Record<string, EnvironmentTemplateParameter>;
  required: string[];
}) => {
  const entries = Object.entries(props.properties);
  if (entries.length === 0) {
    return (
      <Typography variant="body2">This template takes no inputs.</Typography>
    );
  }
  return (
    <DataTable
      label="Parameters"
      columns={parameterColumns(props.required)}
      rows={entries}
      rowKey={([name]) => name}
    />
  );
};

/** The resources in the order they are applied, each with what it needs. */
const ResourceGraph = (props: { resources: EnvironmentTemplateResource[] }) => {
  let ordered = props.resources;
  try {
    ordered = topologicalOrder(props.resources);
  } catch {
    // An invalid graph is reported by the template's validation; list as is.
  }
  const neededBy = (name: string) =>
    props.resources
      .filter(r => r.dependsOn?.includes(name))
      .map(r => r.name)
      .join(', ') || '—';
  const columns: DataColumn<EnvironmentTemplateResource>[] = [
    { title: 'Step', style: WHOLE_WORDS, cell: (_, index) => index + 1 },
    { title: 'Resource', style: WHOLE_WORDS, cell: r => r.name },
    { title: 'Driver', style: WHOLE_WORDS, cell: r => r.driver },
    {
      title: 'Depends on',
      style: WHOLE_WORDS,
      cell: r => (r.dependsOn?.length ? r.dependsOn.join(', ') : '—'),
    },
    { title: 'Needed by', style: WHOLE_WORDS, cell: r => neededBy(r.name) },
  ];
  return <DataTable label="Resources" columns={columns} rows={ordered} />;
};

const Guardrails = (props: {
  guardrails?: EnvironmentTemplateGuardrails;
  failurePolicy?: string;
}) => {
  const g = props.guardrails ?? {};
  const refs = (list?: string[]) =>
    list?.map((ref, i) => (
      <span key={ref}>
        {i > 0 && ', '}
        <EntityRefLink entityRef={ref} />
      </span>
    ));
  const rows: Array<[string, ReactNode]> = [
    ['Default lifetime', g.ttl ? duration(g.ttl.default) : 'none'],
    ['Longest extension', g.ttl ? duration(g.ttl.max) : 'no limit'],
    [
      'Longest life from creation',
      g.lifetime ? duration(g.lifetime.max) : 'no limit',
    ],
    [
      'Environments per owner',
      g.maxEnvironmentsPerOwner === undefined
        ? 'no limit'
        : `at most ${g.maxEnvironmentsPerOwner}`,
    ],
    [
      'Who may use it',
      g.allowedUsers?.length || g.allowedGroups?.length ? (
        <>
          {refs(g.allowedUsers)}
          {g.allowedUsers?.length && g.allowedGroups?.length ? ', ' : ''}
          {refs(g.allowedGroups)}
        </>
      ) : (
        'everyone'
      ),
    ],
    [
      'Approval',
      g.approval ? (
        <>
          {g.approval.required === 'always'
            ? 'every new environment'
            : `above $${g.approval.aboveMonthlyCost} a month`}
          , by a member of <EntityRefLink entityRef={g.approval.approvers} />
        </>
      ) : (
        'not needed'
      ),
    ],
    [
      'On a failed create',
      props.failurePolicy === 'keep'
        ? 'keep what was made, for inspection'
        : 'roll back what was made',
    ],
  ];
  return (
    <Grid container spacing={2} component="dl">
      {rows.map(([label, value]) => (
        <Field key={label} label={label}>
          {value}
        </Field>
      ))}
    </Grid>
  );
};

/** The software template the catalog generated from this one, if any. */
function useGeneratedTemplate(sourceRef: string) {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const items = await findEntities(
      catalogApi,
      {
        kind: 'Template',
        [`metadata.annotations.${SOURCE_TEMPLATE_ANNOTATION}`]: sourceRef,
      },
      ['metadata.title'],
    );
    return items[0];
  }, [catalogApi, sourceRef]);
}

const Usage = (props: { templateRef: string; version: string }) => {
  const usage = useTemplateUsage(props.templateRef, props.version);
  if (usage.loading) return <Progress aria-label="Loading usage" />;
  if (usage.error) return <ResponseErrorPanel error={usage.error} />;
  const value = usage.value!;
  return (
    <>
      <Typography variant="body2" paragraph>
        {describeUsage(value)}.
      </Typography>
      {value.byVersion.length > 0 && (
        <DataTable
          label="Environments by version"
          columns={[
            { title: 'Version', style: WHOLE_WORDS, cell: v => v.version },
            { title: 'Environments', style: WHOLE_WORDS, cell: v => v.count },
            {
              title: 'State',
              style: WHOLE_WORDS,
              cell: v =>
                v.outdated
                  ? `Outdated: can be upgraded to ${props.version}`
                  : 'Current',
            },
          ]}
          rows={value.byVersion}
          rowKey={v => v.version}
        />
      )}
      <Typography variant="body2">
        <Link
          to={`/environments?tab=all&template=${encodeURIComponent(
            props.templateRef,
          )}`}
        >
          List them on the Environments page
        </Link>
      </Typography>
    </>
  );
};

/**
 * What an EnvironmentTemplate entity offers: its version, parameters with
 * their policies and defaults, the resources in the order they are applied,
 * the guardrails, who uses it, and the software template to create from it.
 */
export const EnvironmentTemplateOverview = () => {
  const { entity } = useEntity<EnvironmentTemplateEntity>();
  const ref = stringifyEntityRef(entity);
  const spec = entity.spec;
  const generated = useGeneratedTemplate(ref);
  const created = generated.value;
  return (
    <InfoCard
      title={entity.metadata.title ?? entity.metadata.name}
      subheader={`Environment template, version ${spec.version}`}
    >
      <Grid container spacing={2} component="dl">
        <Field label="Version">{spec.version}</Field>
        <Field label="Type">{spec.type}</Field>
        <Field label="Create from it">
          {created ? (
            <>
              <Link
                to={`/create/templates/${
                  created.metadata.namespace ?? 'default'
                }/${created.metadata.name}`}
              >
                {created.metadata.title ?? created.metadata.name}
              </Link>{' '}
              (<EntityRefLink entityRef={created} title="its catalog entry" />)
            </>
          ) : (
            <>
              {generated.loading
                ? 'Looking for its software template…'
                : 'No software template is generated for it'}
            </>
          )}
        </Field>
      </Grid>
      <Section title="Parameters">
        <ParametersTable
          properties={spec.parameters?.properties ?? {}}
          required={spec.parameters?.required ?? []}
        />
      </Section>
      <Section title="Resources">
        <ResourceGraph resources={spec.resources ?? []} />
      </Section>
      <Section title="Guardrails">
        <Guardrails
          guardrails={spec.guardrails}
          failurePolicy={spec.failurePolicy}
        />
      </Section>
      <Section title="Environments using it">
        <Usage templateRef={ref} version={spec.version} />
      </Section>
    </InfoCard>
  );
};
