import { ConflictError } from '@backstage/errors';
import type { components } from './schema/openapi/generated';

/** The observed phase of an environment, as the REST contract names them. @public */
export type EnvironmentPhase = components['schemas']['Phase'];

/**
 * The transitions the lifecycle engine makes, and the only ones it may
 * make: it checks each one here. Any phase but Destroyed may be destroyed
 * (deletion can be asked for, or a TTL run out, at any moment). Only a
 * first creation fails (Failed, provisioned again when its spec changes);
 * an environment that has been Ready is Degraded instead when a change or a
 * health check fails, keeps running what worked, and is Ready again once
 * it recovers or a change succeeds. A delete is retried until it succeeds,
 * so Destroying only ends in Destroyed. An environment whose template
 * requires approval waits in AwaitingApproval, with nothing made in any
 * cloud: approved it is provisioned, rejected (or left undecided until the
 * request expires) it ends Rejected, withdrawn (destroyed) it ends Destroyed
 * at once, since there is nothing to remove. An environment with a
 * schedule is Sleeping, its services scaled to zero, outside its awake
 * windows; it reaches Sleeping (or Ready on waking) once every resource was
 * applied in that state.
 */
const TRANSITIONS: Record<EnvironmentPhase, readonly EnvironmentPhase[]> = {
  Pending: ['Provisioning', 'Destroying'],
  AwaitingApproval: ['Provisioning', 'Rejected', 'Destroyed'],
  Provisioning: ['Ready', 'Sleeping', 'Failed', 'Destroying'],
  Ready: ['Sleeping', 'Updating', 'Degraded', 'Destroying'],
  Updating: ['Ready', 'Sleeping', 'Degraded', 'Destroying'],
  Degraded: ['Ready', 'Sleeping', 'Updating', 'Destroying'],
  Sleeping: ['Ready', 'Updating', 'Degraded', 'Destroying'],
  Failed: ['Provisioning', 'Destroying'],
  Destroying: ['Destroyed'],
  Destroyed: [],
  Rejected: [],
};

/**
 * Every phase an environment passes through, in lifecycle order.
 *
 * @public
 */
export const ENVIRONMENT_PHASES = Object.keys(
  TRANSITIONS,
) as readonly EnvironmentPhase[];

/** Whether `value` is one of {@link ENVIRONMENT_PHASES}. @public */
export function isEnvironmentPhase(value: unknown): value is EnvironmentPhase {
  return (
    typeof value === 'string' &&
    (ENVIRONMENT_PHASES as readonly string[]).includes(value)
  );
}

/**
 * The phases an environment in `from` may move to next.
 *
 * @public
 */
export function nextPhases(
  from: EnvironmentPhase,
): readonly EnvironmentPhase[] {
  return TRANSITIONS[from] ?? [];
}

/**
 * Whether an environment may move from phase `from` to phase `to`. Staying in
 * the same phase is not a transition and returns `false`.
 *
 * @public
 */
export function canTransition(
  from: EnvironmentPhase,
  to: EnvironmentPhase,
): boolean {
  return nextPhases(from).includes(to);
}

/**
 * Throws a `ConflictError` unless an environment may move from `from` to
 * `to`.
 *
 * @public
 */
export function assertTransition(
  from: EnvironmentPhase,
  to: EnvironmentPhase,
): void {
  if (!canTransition(from, to)) {
    const allowed = nextPhases(from);
    throw new ConflictError(
      `An environment cannot move from ${from} to ${to}; from ${from} it may move to ${
        allowed.length ? allowed.join(', ') : 'nothing (it is final)'
      }`,
    );
  }
}

/**
 * Whether `phase` is final: the environment will never change again.
 *
 * @public
 */
export function isTerminal(phase: EnvironmentPhase): boolean {
  return nextPhases(phase).length === 0;
}
