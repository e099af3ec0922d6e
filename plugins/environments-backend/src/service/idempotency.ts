import { CustomErrorBase } from '@backstage/errors';
import type { CreateEnvironmentRequest } from '@envkit/plugin-environments-common';
import { createHash } from 'node:crypto';

/**
 * An `Idempotency-Key` sent again with a different request: answered 422,
 * as payment APIs do, instead of the first request's environment.
 */
export class IdempotencyKeyReusedError extends CustomErrorBase {
  name = 'IdempotencyKeyReusedError' as const;
  // Read by Backstage's error middleware, which has no named 422 error.
  readonly statusCode = 422;
}

// Key order must not matter: a client may serialise the same body anew.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map(key => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** A digest of what a create asked for, to tell a retry from a new request. */
export function requestFingerprint(request: CreateEnvironmentRequest): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');
}
