import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { tryParseDuration } from '@envkit/plugin-environments-common';
import { useEffect, useMemo, useState } from 'react';
import { formatDuration } from '../shared';
import { ConfirmDialog } from './ConfirmDialog';

const PRESETS = ['PT1H', 'PT4H', 'PT8H', 'P1D', 'P3D', 'P7D'];

/**
 * The lifetimes offered when extending: the presets up to the template's
 * maximum, plus the maximum itself.
 */
export function extendOptions(
  maxTtl?: string,
): Array<{ ttl: string; ms: number }> {
  const max = maxTtl ? tryParseDuration(maxTtl) : undefined;
  const options = PRESETS.map(ttl => ({
    ttl,
    ms: tryParseDuration(ttl)!,
  })).filter(o => max === undefined || o.ms <= max);
  if (max !== undefined && max > 0 && !options.some(o => o.ms === max)) {
    options.push({ ttl: maxTtl!, ms: max });
  }
  return options.sort((a, b) => a.ms - b.ms);
}

/** Asks how long the environment should live from now. */
export const ExtendDialog = (props: {
  open: boolean;
  environmentName: string;
  maxTtl?: string;
  defaultTtl?: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (ttl: string) => void;
}) => {
  const { open, environmentName, maxTtl, defaultTtl, busy } = props;
  const options = useMemo(() => extendOptions(maxTtl), [maxTtl]);
  const initial =
    options.find(o => o.ttl === defaultTtl)?.ttl ?? options[0]?.ttl ?? '';
  const [ttl, setTtl] = useState(initial);
  useEffect(() => {
    if (open) setTtl(initial);
  }, [open, initial]);

  const max = maxTtl ? tryParseDuration(maxTtl) : undefined;

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
      confirmDisabled={busy || !ttl}
      onCancel={props.onCancel}
      onConfirm={() => props.onConfirm(ttl)}
    >
      <TextField
        select
        fullWidth
        label="New lifetime"
        value={ttl}
        onChange={e => setTtl(e.target.value)}
        inputProps={{ 'data-testid': 'extend-ttl' }}
      >
        {options.map(o => (
          <MenuItem key={o.ttl} value={o.ttl}>
            {formatDuration(o.ms)}
          </MenuItem>
        ))}
      </TextField>
    </ConfirmDialog>
  );
};
