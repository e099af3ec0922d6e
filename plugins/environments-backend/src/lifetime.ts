import type { EnvironmentSpec } from '@envkit/plugin-environments-common';

/**
 * Whether the environment's lifetime has run out at `now`. The API and the
 * engine must agree on it: from that moment the environment is being
 * destroyed, whether or not the engine has begun.
 */
export function hasExpired(
  spec: Pick<EnvironmentSpec, 'expiresAt'>,
  now: Date,
): boolean {
  return (
    spec.expiresAt !== undefined && Date.parse(spec.expiresAt) <= now.getTime()
  );
}
