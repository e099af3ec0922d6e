import { createHash } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { DriverContext, DriverEnvironment } from './driver';

/**
 * The idempotency token of one operation on one resource of one environment
 * generation: `envkit-<operation>-<generation>-<hash>`, at most 64 characters
 * of `[a-zA-Z0-9-]`. The same arguments always give the same token; any
 * different argument gives a different one.
 *
 * @public
 */
export function idempotencyToken(options: {
  environmentId: string;
  generation: number;
  resource: string;
  operation: string;
  /** Tells apart operations of one generation, e.g. each sleep and wake. */
  epoch?: string;
}): string {
  const { environmentId, generation, resource, operation, epoch } = options;
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        environmentId,
        generation,
        resource,
        operation,
        ...(epoch ? [epoch] : []),
      ]),
    )
    .digest('hex')
    .slice(0, 24);
  const label = operation
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 12);
  return `envkit-${label ? `${label}-` : ''}${generation}-${digest}`;
}

/**
 * Builds the {@link DriverContext} for one driver call on one resource; the
 * logger is tagged with the environment and resource.
 *
 * @public
 */
export function createDriverContext(options: {
  environment: DriverEnvironment;
  resource: string;
  logger: LoggerService;
  signal?: AbortSignal;
}): DriverContext {
  const { environment, resource } = options;
  return {
    environment,
    logger: options.logger.child({
      environment: environment.id,
      environmentName: environment.name,
      resource,
    }),
    token: operation =>
      idempotencyToken({
        environmentId: environment.id,
        generation: environment.generation,
        resource,
        operation,
        epoch: environment.sleepStateSince,
      }),
    signal: options.signal ?? new AbortController().signal,
  };
}
