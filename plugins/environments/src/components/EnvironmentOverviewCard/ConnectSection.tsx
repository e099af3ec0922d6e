import { CodeSnippet } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  environmentAccessPermission,
  type Environment,
  type EnvironmentKubeconfig,
} from '@envkit/plugin-environments-common';
import { useState } from 'react';
import { environmentsApiRef } from '../../api';
import { formatTimestamp } from '../shared';
import type { NamespaceView } from './namespaceEnvironment';
import { useAttempt } from './useAttempt';

/** Phases in which the namespace exists and a kubeconfig can reach it. */
const CONNECTABLE = new Set(['Ready', 'Updating', 'Degraded', 'Sleeping']);

/** Hands `text` to the browser as a download named `fileName`. */
function saveFile(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/**
 * Shell commands to copy. Long ones wrap inside the card rather than scroll
 * out of it (`wrapLongLines` already wraps the code; `overflowWrap` breaks
 * words too long for a line): a scrolling region would need keyboard focus
 * of its own.
 */
const CommandSnippet = (props: { text: string }) => (
  <CodeSnippet
    language="bash"
    text={props.text}
    showCopyCodeButton
    wrapLongLines
    customStyle={{ overflowWrap: 'anywhere', overflowX: 'hidden' }}
  />
);

/** The kubectl commands offered for a namespace, with the file the download saves. */
export function connectCommands(
  fileName: string,
  namespace: string,
  hasWorkload: boolean,
): string {
  const kubectl = `kubectl --kubeconfig ${fileName}`;
  return [
    `${kubectl} get pods -n ${namespace}`,
    `${kubectl} get all -n ${namespace}`,
    ...(hasWorkload
      ? [`${kubectl} logs deployment/workload -n ${namespace}`]
      : []),
    `${kubectl} describe resourcequota -n ${namespace}`,
  ].join('\n');
}

/**
 * Connect to a namespace environment: download a kubeconfig (for callers
 * with `environment.access`) and the kubectl commands that use it.
 */
export const ConnectSection = (props: {
  environment: Environment;
  view: NamespaceView;
}) => {
  const { environment, view } = props;
  const api = useApi(environmentsApiRef);
  const access = usePermission({
    permission: environmentAccessPermission,
    resourceRef: environment.id,
  });
  const { busy, failure, attempt } = useAttempt();
  const [issued, setIssued] = useState<EnvironmentKubeconfig | undefined>();
  const name = environment.spec.name;
  const fileName = `${name}.kubeconfig`;
  const connectable = CONNECTABLE.has(environment.status.phase);

  const download = () =>
    attempt(`Could not get a kubeconfig for ${name}`, async () => {
      const kubeconfig = await api.getEnvironmentKubeconfig(environment.id);
      saveFile(fileName, kubeconfig.kubeconfig);
      setIssued(kubeconfig);
    });

  if (!access.loading && !access.allowed) {
    return (
      <Typography variant="body2">
        You cannot connect to namespace <code>{view.namespace}</code>: your
        permissions do not include <code>environment.access</code> for {name}.
        Ask its owner or your platform team for access.
      </Typography>
    );
  }

  return (
    <>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 16 }}
      >
        <Button
          variant="contained"
          color="primary"
          disabled={access.loading || busy || !connectable}
          onClick={download}
          aria-label={`Download kubeconfig for ${name}`}
        >
          Download kubeconfig
        </Button>
        <Typography variant="body2" color="textSecondary">
          {!connectable &&
            `The namespace can be reached once ${name} is Ready.`}
          {connectable &&
            issued?.authentication === 'token' &&
            `Saved ${fileName}. Its token expires ${formatTimestamp(
              issued.expiresAt,
            )}; download a new one then.`}
          {connectable &&
            issued?.authentication === 'exec' &&
            `Saved ${fileName}. It signs in with your own cluster login.`}
          {connectable &&
            !issued &&
            'The kubeconfig holds a short-lived token for this namespace only.'}
        </Typography>
      </Box>
      {failure && (
        <Typography variant="body2" color="error" role="alert">
          {failure}
        </Typography>
      )}
      <Box mt={2}>
        <CommandSnippet
          text={connectCommands(
            fileName,
            view.namespace,
            Boolean(view.workload),
          )}
        />
      </Box>
    </>
  );
};

/** One way in to an environment's resource, as the Connect section lists it. */
export interface ConnectEntry {
  /** The resource's name in the template. */
  resource: string;
  kind: 'database' | 'cache' | 'bucket' | 'queue' | 'service';
  /** Label and value pairs to show, in order; never a secret's value. */
  fields: [string, string][];
  /** The shell command that reads the credentials, for those that have one. */
  command?: string;
}

/**
 * What the Connect section shows for each resource, read from its outputs:
 * a database (host, port, database, secret), a cache (host, port, secret),
 * a bucket, a queue, and a service on the endpoint (path, log group).
 * Secrets are shown only as their ARN and the command that reads them.
 */
export function connectEntries(environment: Environment): ConnectEntry[] {
  return (environment.status.resources ?? []).flatMap(resource => {
    const entry = connectEntryOf(resource.outputs ?? {});
    return entry ? [{ resource: resource.name, ...entry }] : [];
  });
}

/** How to reach a resource with outputs `o`; `undefined` for other kinds. */
function connectEntryOf(
  o: Record<string, string>,
): Omit<ConnectEntry, 'resource'> | undefined {
  /** The fields that have a value. */
  const present = (fields: [string, string | undefined][]) =>
    fields.filter((f): f is [string, string] => Boolean(f[1]));
  /** A server: its host and port, then `more`, and how to read its secret. */
  const server = (
    kind: 'database' | 'cache',
    more: [string, string | undefined][],
  ): Omit<ConnectEntry, 'resource'> => ({
    kind,
    fields: present([['Host', o.Host], ['Port', o.Port], ...more]),
    ...(o.SecretArn
      ? {
          command: `aws secretsmanager get-secret-value --secret-id ${o.SecretArn} --query SecretString --output text`,
        }
      : {}),
  });
  if (o.Host && o.DatabaseName) {
    return server('database', [
      ['Database', o.DatabaseName],
      ['User', o.Username],
      ['Credentials', o.SecretArn],
    ]);
  }
  if (o.Host && o.SecretArn) {
    return server('cache', [
      ['URL', o.Port ? `rediss://${o.Host}:${o.Port}` : ''],
      ['Auth token', o.SecretArn],
    ]);
  }
  if (o.BucketName) {
    return {
      kind: 'bucket',
      fields: [
        ['Bucket', o.BucketName],
        ['URL', `s3://${o.BucketName}`],
      ],
    };
  }
  if (o.QueueUrl) {
    return { kind: 'queue', fields: [['Queue URL', o.QueueUrl]] };
  }
  if (o.Endpoint && o.LogGroup) {
    let path = o.Endpoint;
    try {
      path = new URL(o.Endpoint).pathname;
    } catch {
      // Not a URL: show it as it is.
    }
    return {
      kind: 'service',
      fields: [
        ['Path', path],
        ['URL', o.Endpoint],
        ['Log group', o.LogGroup],
      ],
    };
  }
  return undefined;
}

/**
 * Connect to the data services and services of an environment: where each
 * one is and how to read its credentials (the secret's ARN and the `aws`
 * command), never the credentials themselves. Renders nothing for an
 * environment without such resources.
 */
export const DataServicesConnect = (props: { environment: Environment }) => {
  const entries = connectEntries(props.environment);
  if (entries.length === 0) return null;
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {entries.map(entry => (
        <Box
          key={entry.resource}
          component="section"
          aria-label={`Connect to ${entry.resource}`}
        >
          <Typography variant="subtitle2">
            {entry.resource} ({entry.kind})
          </Typography>
          {entry.fields.map(([label, value]) => (
            <Typography key={label} variant="body2">
              {label}: <code>{value}</code>
            </Typography>
          ))}
          {entry.command && <CommandSnippet text={entry.command} />}
        </Box>
      ))}
    </Box>
  );
};
