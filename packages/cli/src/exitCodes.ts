import { ResponseError } from '@backstage/errors';
import { CommanderError } from 'commander';

/** The exit codes envkitctl documents (docs/reference/cli.md). */
export const ExitCode = {
  ok: 0,
  /** Anything not listed below: a conflict, a missing environment, a network error. */
  error: 1,
  /** Bad input: a flag, a file, or a field the API refused (400, 422). */
  badInput: 2,
  /** Not allowed: no or a bad token (401), or the policy said no (403). */
  notAllowed: 3,
  /** The environment ended Failed or Degraded, or is being destroyed. */
  environmentFailed: 4,
  /** The wait ran out of time; nothing was cancelled. */
  timedOut: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with its own exit code and message. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCodeValue) {
    super(message);
    this.name = 'CliError';
  }
}

/** A bad flag or file, found before anything was sent. */
export function badInput(message: string): CliError {
  return new CliError(message, ExitCode.badInput);
}

function exitCodeForStatus(status: number): ExitCodeValue {
  if (status === 400 || status === 422) return ExitCode.badInput;
  if (status === 401 || status === 403) return ExitCode.notAllowed;
  return ExitCode.error;
}

/**
 * The message to print and the exit code for anything a command threw. An
 * API error prints the API's own message, which names the field at fault.
 */
export function describeFailure(error: unknown): {
  message: string;
  exitCode: ExitCodeValue;
} {
  if (error instanceof CliError) {
    return { message: error.message, exitCode: error.exitCode };
  }
  if (ResponseError.is(error)) {
    const status = error.statusCode;
    const apiMessage: string | undefined = error.body?.error?.message;
    const message =
      status === 401
        ? `${
            apiMessage ?? 'Unauthorized'
          } (run 'envkitctl login' or set ENVKIT_TOKEN)`
        : apiMessage ?? `${status} ${error.statusText}`;
    return { message, exitCode: exitCodeForStatus(status) };
  }
  if (error instanceof CommanderError) {
    return { message: error.message, exitCode: ExitCode.badInput };
  }
  return {
    message: error instanceof Error ? error.message : String(error),
    exitCode: ExitCode.error,
  };
}
