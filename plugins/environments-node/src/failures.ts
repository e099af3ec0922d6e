import { CustomErrorBase } from '@backstage/errors';

/**
 * How the lifecycle engine should react to a {@link DriverFailure}:
 *
 * - `retryable`: the cloud may accept the same call later (throttling, an
 *   unreachable endpoint, a lost race). The engine backs off, never earlier
 *   than {@link DriverFailure.retryAt}.
 * - `permanent`: the same call will fail again until the spec changes
 *   (invalid parameters, a rejected template, missing permissions). The
 *   engine applies the template's failure policy.
 * - `needsAttention`: only a person can unblock it (a namespace that someone
 *   else owns, a finalizer that never finishes). The engine keeps the
 *   environment where it is, shows the message and looks again slowly.
 *
 * @public
 */
export type DriverFailureKind = 'retryable' | 'permanent' | 'needsAttention';

/**
 * What every {@link DriverFailure} carries.
 *
 * @public
 */
export interface DriverFailureDetails {
  /** For the owner: what went wrong and, where known, what to do. */
  message: string;
  /** Machine-readable CamelCase code, e.g. `StackRollbackComplete`. */
  reason: string;
  /**
   * The cloud object the failure concerns, e.g.
   * `AWS::CloudFormation::Stack envkit-dev-net-1a2b3c4d`.
   */
  resource?: string;
  cause?: unknown;
}

/**
 * The one way drivers report that a call did not succeed. Results of
 * `apply`, `observe` and `destroy` carry only progress; anything else is
 * thrown as a `DriverFailure`. Any other error a driver throws is treated
 * as retryable.
 *
 * @public
 */
export class DriverFailure extends CustomErrorBase {
  name = 'DriverFailure' as const;
  readonly kind: DriverFailureKind;
  readonly reason: string;
  readonly resource?: string;
  /** For retryable failures: not to be tried again before this time. */
  readonly retryAt?: Date;

  private constructor(
    kind: DriverFailureKind,
    details: DriverFailureDetails,
    retryAt?: Date,
  ) {
    super(details.message, details.cause);
    this.kind = kind;
    this.reason = details.reason;
    this.resource = details.resource;
    this.retryAt = retryAt;
  }

  /**
   * A failure that may pass if the call is made again. `retryAfterMs` (e.g.
   * from a `Retry-After` header) or `retryAt` sets the earliest retry.
   */
  static retryable(
    details: DriverFailureDetails & { retryAfterMs?: number; retryAt?: Date },
  ): DriverFailure {
    const retryAt =
      details.retryAt ??
      (details.retryAfterMs !== undefined
        ? new Date(Date.now() + details.retryAfterMs)
        : undefined);
    return new DriverFailure('retryable', details, retryAt);
  }

  /** A failure that repeats until the resource's spec changes. */
  static permanent(details: DriverFailureDetails): DriverFailure {
    return new DriverFailure('permanent', details);
  }

  /** A failure only a person can resolve. */
  static needsAttention(details: DriverFailureDetails): DriverFailure {
    return new DriverFailure('needsAttention', details);
  }
}

/**
 * Whether `error` is a {@link DriverFailure}, also across copies of this
 * package (a module built against another version).
 *
 * @public
 */
export function isDriverFailure(error: unknown): error is DriverFailure {
  if (error instanceof DriverFailure) return true;
  const e = error as Partial<DriverFailure> | undefined;
  return (
    typeof e === 'object' &&
    e !== null &&
    e.name === 'DriverFailure' &&
    (e.kind === 'retryable' ||
      e.kind === 'permanent' ||
      e.kind === 'needsAttention') &&
    typeof e.reason === 'string'
  );
}
