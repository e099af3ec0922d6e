import type {
  EnvironmentPhase,
  ResourcePhase,
} from '@envkit/plugin-environments-common';
import { StatusKind, StatusText } from './StatusText';

const KIND_BY_PHASE: Record<EnvironmentPhase | ResourcePhase, StatusKind> = {
  Pending: 'pending',
  AwaitingApproval: 'pending',
  Provisioning: 'running',
  InProgress: 'running',
  Ready: 'ok',
  Updating: 'running',
  Degraded: 'warning',
  Sleeping: 'paused',
  Failed: 'error',
  Destroying: 'running',
  Destroyed: 'aborted',
  Rejected: 'error',
};

/** The phase of an environment (or of one of its resources). */
export const PhaseStatus = (props: {
  phase: EnvironmentPhase | ResourcePhase;
  /** What the screen reader hears before the phase. */
  label?: string;
  live?: boolean;
}) => (
  <StatusText
    kind={KIND_BY_PHASE[props.phase] ?? 'pending'}
    text={props.phase}
    label={props.label ?? 'Phase'}
    live={props.live}
  />
);
