import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';

/** The kinds of status indicator Backstage draws. */
export type StatusKind =
  | 'ok'
  | 'pending'
  | 'running'
  | 'warning'
  | 'paused'
  | 'error'
  | 'aborted';

const INDICATORS: Record<StatusKind, typeof StatusOK> = {
  ok: StatusOK,
  pending: StatusPending,
  running: StatusRunning,
  warning: StatusWarning,
  paused: StatusPending,
  error: StatusError,
  aborted: StatusAborted,
};

const useStyles = makeStyles({
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
});

/**
 * A status indicator with its text. Backstage's indicators are hidden from
 * screen readers, so the text is repeated for them as `<label>: <text>`.
 * `live` makes it a polite live region that announces changes; use it once
 * per view, not in table rows.
 */
export const StatusText = (props: {
  kind: StatusKind;
  text: string;
  label: string;
  live?: boolean;
}) => {
  const { kind, text, label, live } = props;
  const classes = useStyles();
  const Indicator = INDICATORS[kind];
  return (
    <span
      role={live ? 'status' : undefined}
      aria-live={live ? 'polite' : undefined}
      data-status={kind}
    >
      <Indicator>{text}</Indicator>
      <span className={classes.visuallyHidden}>
        {label}: {text}
      </span>
    </span>
  );
};
