import { useApi } from '@backstage/core-plugin-api';
import { toastApiRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  Environment,
  environmentDeletePermission,
  environmentUpdatePermission,
} from '@envkit/plugin-environments-common';
import { useState } from 'react';
import { environmentsApiRef } from '../../api';
import { ConfirmDialog } from './ConfirmDialog';
import { DestroyDialog } from './DestroyDialog';
import { ExtendDialog } from './ExtendDialog';

type Action =
  | 'retry'
  | 'wake'
  | 'keep awake'
  | 'redeploy'
  | 'upgrade'
  | 'extend'
  | 'destroy';

/** The actions confirmed in a dialog first. */
type DialogAction = 'redeploy' | 'extend' | 'destroy';

/**
 * Retry (for a Failed or Degraded environment), Wake now and Keep awake
 * tonight (for one with a schedule), Redeploy, Upgrade, Extend and Destroy. Each is disabled while the
 * permission check runs, when the policy says no (with the reason shown),
 * and when the environment is on its way out.
 */
export const EnvironmentActions = (props: {
  environment: Environment;
  /** The template's current version when it is newer than the pinned one. */
  newerVersion?: string;
  onChanged: (environment: Environment) => void;
}) => {
  const { environment, newerVersion, onChanged } = props;
  const api = useApi(environmentsApiRef);
  const toastApi = useApi(toastApiRef);
  const update = usePermission({
    permission: environmentUpdatePermission,
    resourceRef: environment.id,
  });
  const remove = usePermission({
    permission: environmentDeletePermission,
    resourceRef: environment.id,
  });
  const [busy, setBusy] = useState<Action | undefined>();
  const [dialog, setDialog] = useState<DialogAction | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  const { phase } = environment.status;
  const leaving =
    phase === 'Destroying' ||
    phase === 'Destroyed' ||
    Boolean(environment.spec.deletionRequestedAt);
  const guardrails = environment.spec.templateSnapshot?.guardrails;
  const name = environment.spec.name;

  const run = async (
    action: Action,
    call: () => Promise<Environment>,
    done: string,
  ) => {
    setBusy(action);
    setFailure(undefined);
    try {
      const changed = await call();
      setDialog(undefined);
      toastApi.post({ title: done, status: 'success', timeout: 5000 });
      onChanged(changed);
    } catch (e) {
      setDialog(undefined);
      setFailure(`Could not ${action} ${name}: ${(e as Error).message}`);
    } finally {
      setBusy(undefined);
    }
  };

  /**
   * Ties the dialog of `action` to the card: open once chosen, busy while its
   * request runs, closed by Cancel, and sending `call` (with what the dialog
   * asks for) on confirm.
   */
  const dialogFor = <A extends unknown[]>(
    action: DialogAction,
    call: (...args: A) => Promise<Environment>,
    done: string,
  ) => ({
    open: dialog === action,
    busy: busy === action,
    onCancel: () => setDialog(undefined),
    onConfirm: (...args: A) => run(action, () => call(...args), done),
  });
  const redeploy = dialogFor(
    'redeploy',
    () => api.redeployEnvironment(environment.id),
    `Redeploying ${name}`,
  );
  const extend = dialogFor(
    'extend',
    (ttl: string) => api.extendEnvironment(environment.id, ttl),
    `Extended ${name}`,
  );
  const destroy = dialogFor(
    'destroy',
    () => api.destroyEnvironment(environment.id),
    `Destroying ${name}`,
  );

  // Nothing runs yet (or ever): no change applies; a pending request may
  // still be withdrawn with Destroy.
  const undecided = phase === 'AwaitingApproval' || phase === 'Rejected';
  const canUpdate = update.allowed && !leaving && !undecided && !busy;
  const canDelete = remove.allowed && !leaving && phase !== 'Rejected' && !busy;
  const denied = [
    !update.loading && !update.allowed ? 'change' : undefined,
    !remove.loading && !remove.allowed ? 'destroy' : undefined,
  ].filter(Boolean);

  const buttons: Array<{
    label: string;
    ariaLabel: string;
    enabled: boolean;
    color?: 'secondary';
    onClick: () => void;
  }> = [
    ...(phase === 'Failed' || phase === 'Degraded'
      ? [
          {
            label: 'Retry',
            ariaLabel: `Retry ${name}`,
            enabled: canUpdate,
            onClick: () =>
              run(
                'retry',
                () => api.retryEnvironment(environment.id),
                `Retrying ${name}`,
              ),
          },
        ]
      : []),
    ...(environment.spec.schedule
      ? [
          {
            label: 'Wake now',
            ariaLabel: `Wake ${name} now`,
            enabled: canUpdate && phase === 'Sleeping',
            onClick: () =>
              run(
                'wake',
                () => api.wakeEnvironment(environment.id),
                `Waking ${name}`,
              ),
          },
          {
            label: 'Keep awake tonight',
            ariaLabel: `Keep ${name} awake tonight`,
            enabled: canUpdate,
            onClick: () =>
              run(
                'keep awake',
                () => api.wakeEnvironment(environment.id, { tonight: true }),
                `${name} stays awake tonight`,
              ),
          },
        ]
      : []),
    {
      label: 'Redeploy',
      ariaLabel: `Redeploy ${name}`,
      enabled: canUpdate,
      onClick: () => setDialog('redeploy'),
    },
    {
      label: 'Upgrade',
      ariaLabel: newerVersion
        ? `Upgrade ${name} to version ${newerVersion}`
        : `Upgrade ${name} (already on the newest version)`,
      enabled: canUpdate && Boolean(newerVersion),
      onClick: () =>
        run(
          'upgrade',
          () => api.upgradeEnvironment(environment.id),
          `Upgrading ${name} to ${newerVersion}`,
        ),
    },
    {
      label: 'Extend',
      ariaLabel: `Extend ${name}`,
      enabled: canUpdate,
      onClick: () => setDialog('extend'),
    },
    {
      label: 'Destroy',
      ariaLabel: `Destroy ${name}`,
      enabled: canDelete,
      color: 'secondary',
      onClick: () => setDialog('destroy'),
    },
  ];

  // Why Upgrade cannot be pressed, in words on the page (not only in the
  // button's accessible name), when the reason is the template version.
  const upgradeNote =
    !leaving && !undecided && !newerVersion
      ? `Upgrade is off: ${name} already runs version ${environment.spec.templateVersion}, the newest of its template.`
      : undefined;

  return (
    <Box>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {buttons.map(b => (
          <Button
            key={b.label}
            variant="outlined"
            color={b.color ?? 'default'}
            disabled={!b.enabled}
            aria-label={b.ariaLabel}
            onClick={b.onClick}
          >
            {b.label}
          </Button>
        ))}
      </Box>
      {failure && (
        <Box mt={1}>
          <Typography variant="body2" color="error" role="alert">
            {failure}
          </Typography>
        </Box>
      )}
      {upgradeNote && (
        <Typography variant="caption" color="textSecondary" component="p">
          {upgradeNote}
        </Typography>
      )}
      {denied.length > 0 && (
        <Typography variant="caption" color="textSecondary" component="p">
          You are not allowed to {denied.join(' or ')} this environment.
        </Typography>
      )}
      <ConfirmDialog
        open={redeploy.open}
        id="envkit-redeploy"
        title={`Redeploy ${name}?`}
        text={
          <>
            Every resource of {name} is rolled out again with the same inputs
            and template version {environment.spec.templateVersion}: services
            start new tasks or pods (pulling the image tag again) and replace
            the running ones once they are healthy. The endpoint stays the same
            and the environment stays usable meanwhile.
          </>
        }
        confirmLabel="Redeploy"
        confirmColor="primary"
        confirmDisabled={redeploy.busy}
        onCancel={redeploy.onCancel}
        onConfirm={redeploy.onConfirm}
      />
      <ExtendDialog
        {...extend}
        environmentName={name}
        maxTtl={guardrails?.ttl?.max}
        defaultTtl={guardrails?.ttl?.default}
        expiresAt={environment.spec.expiresAt}
      />
      <DestroyDialog {...destroy} environmentName={name} />
    </Box>
  );
};
