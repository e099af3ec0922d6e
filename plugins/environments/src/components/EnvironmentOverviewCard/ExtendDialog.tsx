import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  lifetimeChoices,
  tryParseDuration,
} from '@envkit/plugin-environments-common';
import { useEffect, useMemo, useState } from 'react';
import { formatDuration, formatTimestamp } from '../shared';
import { ConfirmDialog } from './ConfirmDialog';

/**
 * The lifetimes offered when extending: the same choices as the Create
 * form's, up to the template's maximum.
 */
export function extendOptions(
  maxTtl?: string,
): Array<{ ttl: string; ms: number }> {
  return lifetimeChoices(maxTtl);
}

/**
 * Asks how long the environment should live from now, and shows the expiry
 * that choice gives before anything is confirmed. A choice that would end
 * the environment sooner than it ends now is offered disabled, saying why:
 * Extend never shortens a lifetime.
 */
export const ExtendDialog = (props: {
  open: boolean;
  environmentName: string;
  maxTtl?: string;
  defaultTtl?: string;
  /** When the environment expires now. */
  expiresAt?: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (ttl: string) => void;
}) => {
  const { open, environmentName, maxTtl, defaultTtl, expiresAt, busy } = props;
  // "Now" is when the dialog opened: the choices and the expiry shown
  // stay put while it is open.
  const [openedAt, setOpenedAt] = useState(() => Date.now());
  useEffect(() => {
    if (open) setOpenedAt(Date.now());
  }, [open]);
  const current = expiresAt ? new Date(expiresAt).getTime() : undefined;
  const options = useMemo(
    () =>
      extendOptions(maxTtl).map(o => ({
        ...o,
        shorter: current !== undefined && openedAt + o.ms <= current,
      })),
    [maxTtl, current, openedAt],
  );
  const usable = options.filter(o => !o.shorter);
  const initial =
    usable.find(o => o.ttl === defaultTtl)?.ttl ?? usable[0]?.ttl ?? '';
  const [ttl, setTtl] = useState(initial);
  useEffect(() => {
    if (open) setTtl(initial);
  }, [open, initial]);

  const max = maxTtl ? tryParseDuration(maxTtl) : undefined;
  const chosen = options.find(o => o.ttl === ttl && !o.shorter);
  const newExpiry = chosen
    ? new Date(openedAt + chosen.ms).toISOString()
    : undefined;

  return (
    <ConfirmDialog
      open={open}
      id="envkit-extend"
      title={`Extend ${environmentName}`}
      text={`The environment will be destroyed this long from now.${
        max ? ` Its template allows at most ${formatDuration(max)}.` : ''
      }`}
      confirmLabel="Extend"
      confirmColor="primary"
      confirmDisabled={busy || !chosen}
      onCancel={props.onCancel}
      onConfirm={() => props.onConfirm(ttl)}
    >
      <TextField
        select
        fullWidth
        label="New lifetime"
        value={chosen ? ttl : ''}
        onChange={e => setTtl(e.target.value)}
        inputProps={{ 'data-testid': 'extend-ttl' }}
      >
        {options.map(o => (
          <MenuItem key={o.ttl} value={o.ttl} disabled={o.shorter}>
            {formatDuration(o.ms)}
            {o.shorter ? ' — shorter than the time left' : ''}
          </MenuItem>
        ))}
      </TextField>
      <Typography variant="body2" role="status" style={{ marginTop: 16 }}>
        {current !== undefined &&
          `Expires now: ${formatTimestamp(expiresAt)}. `}
        {newExpiry
          ? `After extending: ${formatTimestamp(newExpiry)}.`
          : 'Its lifetime is already as long as the template allows.'}
      </Typography>
    </ConfirmDialog>
  );
};
