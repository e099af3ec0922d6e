import {
  DriverFailureKind,
  isDriverFailure,
} from '@envkit/plugin-environments-node';

/**
 * A thrown `DriverFailure` as a plain value, so tests can compare results
 * and failures alike.
 *
 * @public
 */
export interface FailedOutcome {
  status: 'Failed';
  kind: DriverFailureKind;
  reason: string;
  message: string;
  resource?: string;
  retryAt?: Date;
  /** Never set; lets tests read `outputs` of either kind of outcome. */
  outputs?: undefined;
}

/**
 * Runs a driver call and resolves with its result, or with a
 * {@link FailedOutcome} when it throws a `DriverFailure` (other errors
 * still reject).
 *
 * @public
 */
export async function driverOutcome<T>(
  call: () => Promise<T>,
): Promise<T | FailedOutcome> {
  try {
    return await call();
  } catch (error) {
    if (!isDriverFailure(error)) throw error;
    return {
      status: 'Failed',
      kind: error.kind,
      reason: error.reason,
      message: error.message,
      ...(error.resource ? { resource: error.resource } : {}),
      ...(error.retryAt ? { retryAt: error.retryAt } : {}),
    };
  }
}
