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
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
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
import { formatDuration } from '../shared';
import { Field, Section, WHOLE_WORDS } from '../shared/layout';
import { describeUsage } from './templateUsage';
import { useTemplateUsage } from './useTemplateUsage';

/** The annotation the catalog module puts on the Template it generates. */
const SOURCE_TEMPLATE_ANNOTATION = 'envkit.io/environment-template';

const POLICY_TEXT = {
  locked: 'Locked: always the default',
  restricted: 'Restricted: one of the listed values',
  overridable: 'Overridable: any valid value',
} as const;

/** `8h (PT8H)`: an ISO-8601 duration in words, with the text as written. */
function duration(iso: string): string {
  const ms = tryParseDuration(iso);
  return ms === undefined ? iso : `${formatDuration(ms)} (${iso})`;
}

const valueText = (value: unknown) =>
  value === undefined ? '—' : String(value);

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
    <Table size="small" aria-label="Parameters">
      <TableHead>
        <TableRow>
          <TableCell style={WHOLE_WORDS}>Parameter</TableCell>
          <TableCell style={WHOLE_WORDS}>Type</TableCell>
          <TableCell style={WHOLE_WORDS}>Policy</TableCell>
          <TableCell style={WHOLE_WORDS}>Default</TableCell>
          <TableCell style={WHOLE_WORDS}>Allowed values</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {entries.map(([name, p]) => (
          <TableRow key={name}>
            <TableCell style={WHOLE_WORDS}>
              {p.title ?? name}
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {name}
                {props.required.includes(name) ? ' · required' : ''}
                {p.secret ? ' · secret' : ''}
              </Typography>
            </TableCell>
            <TableCell style={WHOLE_WORDS}>{p.type}</TableCell>
            <TableCell style={WHOLE_WORDS}>
              {POLICY_TEXT[parameterPolicy(p)]}
            </TableCell>
            <TableCell style={WHOLE_WORDS}>
              {p.secret ? 'hidden' : valueText(p.default)}
            </TableCell>
            <TableCell style={WHOLE_WORDS}>
              {p.enum ? p.enum.map(String).join(', ') : 'any'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
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
  return (
    <Table size="small" aria-label="Resources">
      <TableHead>
        <TableRow>
          <TableCell style={WHOLE_WORDS}>Step</TableCell>
          <TableCell style={WHOLE_WORDS}>Resource</TableCell>
          <TableCell style={WHOLE_WORDS}>Driver</TableCell>
          <TableCell style={WHOLE_WORDS}>Depends on</TableCell>
          <TableCell style={WHOLE_WORDS}>Needed by</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {ordered.map((r, index) => (
          <TableRow key={r.name}>
            <TableCell style={WHOLE_WORDS}>{index + 1}</TableCell>
            <TableCell style={WHOLE_WORDS}>{r.name}</TableCell>
            <TableCell style={WHOLE_WORDS}>{r.driver}</TableCell>
            <TableCell style={WHOLE_WORDS}>
              {r.dependsOn?.length ? r.dependsOn.join(', ') : '—'}
            </TableCell>
            <TableCell style={WHOLE_WORDS}>{neededBy(r.name)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
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
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'Template',
        [`metadata.annotations.${SOURCE_TEMPLATE_ANNOTATION}`]: sourceRef,
      },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
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
        <Table size="small" aria-label="Environments by version">
          <TableHead>
            <TableRow>
              <TableCell style={WHOLE_WORDS}>Version</TableCell>
              <TableCell style={WHOLE_WORDS}>Environments</TableCell>
              <TableCell style={WHOLE_WORDS}>State</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.byVersion.map(v => (
              <TableRow key={v.version}>
                <TableCell style={WHOLE_WORDS}>{v.version}</TableCell>
                <TableCell style={WHOLE_WORDS}>{v.count}</TableCell>
                <TableCell style={WHOLE_WORDS}>
                  {v.outdated
                    ? `Outdated: can be upgraded to ${props.version}`
                    : 'Current'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
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
