import {
  CloudFormationServiceException,
  InsufficientCapabilitiesException,
} from '@aws-sdk/client-cloudformation';
import { InputError, NotFoundError, stringifyError } from '@backstage/errors';
import {
  DriverFailure,
  isDriverFailure,
} from '@envkit/plugin-environments-node';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';

type SdkError = Parameters<typeof isThrottlingError>[0];

/** Whether AWS asked the caller to slow down (the SDK's own judgement). */
export function isThrottling(error: unknown): boolean {
  return typeof error === 'object' && isThrottlingError(error as SdkError);
}

/** Whether the call may pass if tried again: network trouble, 5xx, timeouts. */
export function isTransient(error: unknown): boolean {
  return typeof error === 'object' && isTransientError(error as SdkError);
}

/**
 * CloudFormation reports some expected conditions only as its generic,
 * unmodeled `ValidationError` (a client fault); its message is then the only
 * thing that tells them apart. These are the sole message checks the driver
 * makes, for conditions with no exception class of their own.
 */
function isGenericValidationError(error: unknown): error is Error {
  return (
    error instanceof CloudFormationServiceException &&
    error.$fault === 'client' &&
    !(error instanceof InsufficientCapabilitiesException)
  );
}

/** DescribeStacks of a stack that does not exist. */
export function isMissingStack(error: unknown): boolean {
  return (
    isGenericValidationError(error) && /does not exist/i.test(error.message)
  );
}

/** UpdateStack with nothing to change. */
export function isNoUpdate(error: unknown): boolean {
  return (
    isGenericValidationError(error) &&
    /No updates are to be performed/i.test(error.message)
  );
}

/** UpdateStack while another operation runs on the stack. */
export function isStackBusy(error: unknown): boolean {
  return (
    isGenericValidationError(error) &&
    /state and can ?not be updated/i.test(error.message)
  );
}

/** ListImports of an export no stack imports (yet). */
export function isNotImported(error: unknown): boolean {
  return (
    isGenericValidationError(error) &&
    /is not imported by any stack/i.test(error.message)
  );
}

/**
 * The {@link DriverFailure} for an error of a call about `resource`, by the
 * SDK's exception classes and its retry classification. A request AWS
 * refuses (a client fault) is permanent only where the caller names the
 * `refused` reason, i.e. for the calls that send the stack's own template
 * and parameters. Everything else may pass on another try (the engine
 * gives up after its maximum of tries), so it is retryable.
 */
export function toDriverFailure(
  error: unknown,
  resource: string,
  refused?: string,
): DriverFailure {
  if (isDriverFailure(error)) return error;
  if (error instanceof InputError) {
    return DriverFailure.permanent({
      reason: 'InvalidParameters',
      message: error.message,
      resource,
    });
  }
  if (error instanceof NotFoundError) {
    return DriverFailure.permanent({
      reason: 'TemplateNotFound',
      message: error.message,
      resource,
    });
  }
  if (error instanceof InsufficientCapabilitiesException) {
    return DriverFailure.permanent({
      reason: 'InsufficientCapabilities',
      message: `CloudFormation refused ${resource}: ${error.message}`,
      resource,
    });
  }
  if (refused && isGenericValidationError(error)) {
    return DriverFailure.permanent({
      reason: refused,
      message: `CloudFormation refused ${resource}: ${error.message}`,
      resource,
    });
  }
  let reason = 'AwsCallFailed';
  if (isThrottling(error)) reason = 'AwsThrottled';
  else if (isTransient(error)) reason = 'AwsUnavailable';
  return DriverFailure.retryable({
    reason,
    message: `A call about ${resource} failed: ${stringifyError(error)}`,
    resource,
    cause: error,
  });
}
