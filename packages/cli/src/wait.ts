import { setTimeout as delay } from 'node:timers/promises';
import {
  Environment,
  environmentEventKey,
  environmentEventLine,
  EnvironmentsRestApi,
  unseenEnvironmentEvents,
} from '@envkit/plugin-environments-common';
import ms from 'ms';
import { isNotFound } from './client';
import { CliError, ExitCode } from './exitCodes';

export interface WaitOptions {
  /** `Ready`: the current generation applied; `Destroyed`: gone. */
  until: 'Ready' | 'Destroyed';
  timeoutMs: number;
  pollIntervalMs: number;
  /** One line of progress: phase changes and new events. */
  progress(line: string): void;
  /** Events already on the timeline that are not news (e.g. before a change). */
  seenEvents?: Set<string>;
  /** Each environment as polled, e.g. to print the last one seen. */
  onPoll?(environment: Environment): void;
}

/** The keys of the events an environment has now, to print only what follows. */
export async function currentEventKeys(
  client: EnvironmentsRestApi,
  id: string,
): Promise<Set<string>> {
  try {
    return new Set(
      (await client.getEnvironmentEvents(id)).map(environmentEventKey),
    );
  } catch {
    return new Set();
  }
}

function isProgressing(environment: Environment): boolean {
  return environment.status.conditions.some(
    c => c.type === 'Progressing' && c.status === 'True',
  );
}

function failureOf(environment: Environment): string {
  const error = environment.status.lastError;
  return error
    ? `${error.message} (${error.reason}${
        error.resource ? `, resource ${error.resource}` : ''
      })`
    : 'no reason was given';
}

/**
 * Polls until the environment is Ready at its current generation (or gone),
 * reporting progress. Throws a CliError with exit code 4 when it ends
 * Failed or Degraded, or is destroyed while waited on for Ready, and 5 when
 * the time runs out. Resolves to the environment (`undefined` once it is
 * gone altogether).
 */
export async function waitForEnvironment(
  client: EnvironmentsRestApi,
  id: string,
  options: WaitOptions,
): Promise<Environment | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  const seen = options.seenEvents ?? new Set<string>();
  let lastPhase: string | undefined;
  let eventsReadable = true;

  for (;;) {
    let environment: Environment;
    try {
      environment = await client.getEnvironment(id);
    } catch (error) {
      if (options.until === 'Destroyed' && isNotFound(error)) return undefined;
      throw error;
    }
    options.onPoll?.(environment);
    const { spec, status } = environment;

    if (eventsReadable) {
      try {
        const events = await client.getEnvironmentEvents(id);
        for (const event of unseenEnvironmentEvents(events, seen)) {
          options.progress(environmentEventLine(event));
        }
      } catch {
        // Events are a courtesy; the status decides the wait.
        eventsReadable = false;
      }
    }
    if (status.phase !== lastPhase) {
      options.progress(`Environment '${spec.name}' is ${status.phase}`);
      if (status.phase === 'AwaitingApproval' && spec.approval) {
        // Nothing happens until someone decides; say who, and why.
        options.progress(
          `Waiting for a member of ${
            spec.approval.approvers
          } to approve it (until ${spec.approval.expiresAt})${
            spec.approval.why ? `: ${spec.approval.why}` : ''
          }`,
        );
      }
      lastPhase = status.phase;
    }

    const settled = status.observedGeneration >= spec.generation;
    if (options.until === 'Destroyed') {
      if (status.phase === 'Destroyed') return environment;
    } else {
      if (status.phase === 'Ready' && settled && !isProgressing(environment)) {
        return environment;
      }
      if (
        settled &&
        (status.phase === 'Failed' || status.phase === 'Degraded')
      ) {
        throw new CliError(
          `Environment '${spec.name}' is ${status.phase}: ${failureOf(
            environment,
          )}`,
          ExitCode.environmentFailed,
        );
      }
      if (status.phase === 'Rejected') {
        throw new CliError(
          `Environment '${spec.name}' was not approved: ${failureOf(
            environment,
          )}`,
          ExitCode.environmentFailed,
        );
      }
      if (
        spec.deletionRequestedAt ||
        status.phase === 'Destroying' ||
        status.phase === 'Destroyed'
      ) {
        throw new CliError(
          `Environment '${spec.name}' is being destroyed and will never be Ready`,
          ExitCode.environmentFailed,
        );
      }
    }

    const left = deadline - Date.now();
    if (left <= 0) {
      throw new CliError(
        `Environment '${spec.name}' is still ${status.phase} after ${ms(
          options.timeoutMs,
          { long: true },
        )}; nothing was cancelled, it may still become ${options.until}`,
        ExitCode.timedOut,
      );
    }
    await delay(Math.min(options.pollIntervalMs, left));
  }
}
