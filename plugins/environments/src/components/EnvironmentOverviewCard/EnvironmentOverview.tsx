import { parseEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  compareVersions,
  type Environment,
  type EnvironmentEvent,
  type EnvironmentPhase,
} from '@envkit/plugin-environments-common';
import { useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { usePolledAsync } from '../../hooks';
import {
  endpointUrl,
  formatSchedule,
  formatTimestamp,
  formatUsd,
  looksLikeUrl,
  PhaseStatus,
} from '../shared';
import { Field, Section } from '../shared/layout';
import {
  ConnectSection,
  connectEntries,
  DataServicesConnect,
} from './ConnectSection';
import { EnvironmentActions } from './EnvironmentActions';
import { EventsTimeline } from './EventsTimeline';
import { InputsSection } from './InputsSection';
import { namespaceView } from './namespaceEnvironment';
import { NamespaceUsage } from './NamespaceUsage';
import { ResourcesList } from './ResourcesList';
import { TtlCountdown } from './TtlCountdown';

/** The template's current version, when it is newer than `pinned`. */
function useNewerTemplateVersion(templateRef: string, pinned: string) {
  const api = useApi(environmentsApiRef);
  const { value } = useAsync(async () => {
    const ref = parseEntityRef(templateRef, {
      defaultKind: 'environmenttemplate',
      defaultNamespace: 'default',
    });
    const template = await api.getTemplate(ref.namespace, ref.name);
    return template.entity?.spec?.version;
  }, [api, templateRef]);
  return value && compareVersions(value, pinned) > 0 ? value : undefined;
}

const EnvironmentDetails = (props: {
  environment: Environment;
  events: EnvironmentEvent[];
  onChanged: () => void;
}) => {
  const { environment, events, onChanged } = props;
  const { spec, status } = environment;
  const newerVersion = useNewerTemplateVersion(
    spec.templateRef,
    spec.templateVersion,
  );
  const destroyed = status.phase === 'Destroyed';
  // Nothing is offered to open while it is being taken down.
  const destroying = status.phase === 'Destroying';
  const endpoint =
    destroyed || destroying ? undefined : status.outputs?.endpoint;
  const namespace = destroyed ? undefined : namespaceView(environment);
  const otherOutputs = Object.entries(status.outputs ?? {}).filter(
    ([key]) => key !== 'endpoint',
  );

  return (
    <>
      <Box mb={2} display="flex" alignItems="center" style={{ gap: 16 }}>
        <Typography variant="h5" component="div">
          <PhaseStatus phase={status.phase} live />
        </Typography>
        {status.observedGeneration < spec.generation &&
          status.phase !== 'Destroyed' &&
          status.phase !== 'Destroying' && (
            <Typography variant="caption" color="textSecondary">
              Applying the latest change…
            </Typography>
          )}
      </Box>
      {status.phase === 'AwaitingApproval' && spec.approval && (
        <Box mb={2}>
          <WarningPanel
            severity="info"
            title={`Waiting for approval by a member of ${spec.approval.approvers}`}
            message={`Requested by ${
              spec.approval.requestedBy
            }. Nothing is made until someone in ${
              spec.approval.approvers
            } approves it; without a decision the request is rejected at ${new Date(
              spec.approval.expiresAt,
            ).toLocaleString()}.`}
          />
        </Box>
      )}
      {status.lastError &&
        (status.phase === 'Failed' ||
          status.phase === 'Degraded' ||
          status.phase === 'Rejected') && (
          <Box mb={2}>
            <WarningPanel
              severity={status.phase === 'Degraded' ? 'warning' : 'error'}
              title={`${status.lastError.reason}${
                status.lastError.resource
                  ? ` in ${status.lastError.resource}`
                  : ''
              }`}
              message={status.lastError.message}
            />
          </Box>
        )}
      <Grid container spacing={2} component="dl">
        <Field label="Endpoint">
          {endpoint ? (
            <Link
              to={endpointUrl(endpoint)}
              aria-label={`Open ${endpoint}`}
              // A long host name wraps inside its half of the card.
              style={{ overflowWrap: 'anywhere' }}
            >
              {endpoint}
            </Link>
          ) : (
            <>
              {destroyed && 'None; the environment is destroyed'}
              {destroying && 'None; the environment is being destroyed'}
              {!destroyed && !destroying && 'Not published yet'}
            </>
          )}
        </Field>
        <Field label="Expiry">
          {destroyed ? (
            'Destroyed'
          ) : (
            <TtlCountdown expiresAt={spec.expiresAt} />
          )}
        </Field>
        {spec.schedule && (
          <Field label="Schedule">
            Awake {formatSchedule(spec.schedule)}
            {status.sleep?.nextChangeAt && !destroyed && (
              <>
                ; {status.sleep.asleep ? 'wakes' : 'sleeps'}{' '}
                {formatTimestamp(status.sleep.nextChangeAt)}
              </>
            )}
            {spec.awakeUntil && Date.parse(spec.awakeUntil) > Date.now() && (
              <> (kept awake until {formatTimestamp(spec.awakeUntil)})</>
            )}
          </Field>
        )}
        {environment.cost && (
          <Field label="Cost">
            {formatUsd(environment.cost.accrued)} so far
            {environment.cost.projectedToExpiry !== undefined &&
              `, ${formatUsd(
                environment.cost.projectedToExpiry,
              )} projected to expiry`}
            ; {formatUsd(environment.cost.projectedMonthly)} a month
            {spec.schedule ? ' on its schedule' : ''} at list prices
          </Field>
        )}
        <Field label="Template">
          <EntityRefLink
            entityRef={spec.templateRef}
            defaultKind="environmenttemplate"
          />{' '}
          version {spec.templateVersion}
          {newerVersion && !destroyed && (
            <Chip
              size="small"
              color="primary"
              label={`Version ${newerVersion} available`}
              style={{ marginLeft: 8 }}
            />
          )}
        </Field>
        <Field label="Owner">
          <EntityRefLink entityRef={spec.owner} defaultKind="group" />
        </Field>
        {spec.component && (
          <Field label="Component">
            <EntityRefLink entityRef={spec.component} defaultKind="component" />
          </Field>
        )}
        <Field label="Created">
          {formatTimestamp(environment.createdAt)} by{' '}
          <EntityRefLink entityRef={environment.createdBy} defaultKind="user" />
        </Field>
        <Field label="Updated">{formatTimestamp(environment.updatedAt)}</Field>
        {otherOutputs.map(([key, value]) => (
          <Field key={key} label={`Output: ${key}`}>
            {looksLikeUrl(value) ? <Link to={value}>{value}</Link> : value}
          </Field>
        ))}
      </Grid>
      <InputsSection environment={environment} onChanged={onChanged} />
      <Section title="Actions">
        <EnvironmentActions
          environment={environment}
          newerVersion={newerVersion}
          onChanged={onChanged}
        />
      </Section>
      {namespace && (
        <>
          <Section title="Namespace usage">
            <NamespaceUsage view={namespace} />
          </Section>
          <Section title="Connect">
            <ConnectSection environment={environment} view={namespace} />
          </Section>
        </>
      )}
      {!namespace && !destroyed && connectEntries(environment).length > 0 && (
        <Section title="Connect">
          <DataServicesConnect environment={environment} />
        </Section>
      )}
      <Section title="Resources">
        <ResourcesList resources={status.resources ?? []} />
      </Section>
      <Section title="Events">
        <EventsTimeline events={events} />
      </Section>
    </>
  );
};

/**
 * Status, endpoint, outputs, expiry, resources, events and actions of one
 * environment, kept up to date by polling while the tab is visible.
 */
export const EnvironmentOverview = (props: {
  environmentId: string;
  /** Told the phase each time the environment is read. */
  onPhase?: (phase: EnvironmentPhase) => void;
}) => {
  const { environmentId, onPhase } = props;
  const onPhaseRef = useRef(onPhase);
  onPhaseRef.current = onPhase;
  const api = useApi(environmentsApiRef);
  const [finished, setFinished] = useState(false);
  const { value, error, loading, refresh } = usePolledAsync(
    async () => {
      const [environment, events] = await Promise.all([
        api.getEnvironment(environmentId),
        api.getEnvironmentEvents(environmentId),
      ]);
      // A destroyed environment never changes again.
      setFinished(environment.status.phase === 'Destroyed');
      onPhaseRef.current?.(environment.status.phase);
      return { environment, events };
    },
    [api, environmentId],
    { enabled: !finished },
  );

  return (
    <InfoCard
      title={value ? value.environment.spec.name : 'Environment'}
      subheader="Environment"
    >
      {loading && <Progress aria-label="Loading environment" />}
      {error && !value && <ResponseErrorPanel error={error} />}
      {value && (
        <EnvironmentDetails
          environment={value.environment}
          events={value.events}
          onChanged={() => {
            refresh();
          }}
        />
      )}
    </InfoCard>
  );
};
