import type { EnvironmentPhase } from '@envkit/plugin-environments-common';

/**
 * Topic on Backstage's events service where the environments backend says
 * that an environment changed in a way its catalog entity shows (phase or
 * endpoint). Subscribers read the environment back through the API; the
 * event carries no more than its id, so nothing secret travels on the bus.
 *
 * @public
 */
export const ENVIRONMENT_CHANGED_TOPIC = 'envkit.environment-changed';

/** Payload of {@link ENVIRONMENT_CHANGED_TOPIC}. @public */
export interface EnvironmentChangedEvent {
  environmentId: string;
  /** The phase the environment is in now. */
  phase: EnvironmentPhase;
}
