import { setTimeout as delay } from 'node:timers/promises';
import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Environment,
  environmentEventLine,
  EnvironmentPhase,
  unseenEnvironmentEvents,
} from '@envkit/plugin-environments-common';
import type { EnvironmentsService } from '@envkit/plugin-environments-node';

/** How long to wait between status polls unless told otherwise. */
export const DEFAULT_POLL_INTERVAL_MS = 5000;

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    throw new Error('The task was cancelled');
  }
}

export interface WaitForEnvironmentOptions {
  environments: EnvironmentsService;
  credentials: BackstageCredentials;
  id: string;
  /** The phase that ends the wait successfully. */
  until: Extract<EnvironmentPhase, 'Ready' | 'Destroyed'>;
  logger: LoggerService;
  timeoutMs: number;
  pollIntervalMs: number;
  signal?: AbortSignal;
}

/**
 * Polls an environment until it reaches `until`, writing each phase change
 * and each new event to the task log. Throws with the environment's own
 * reason when it fails, and when the time is up.
 */
export async function waitForEnvironment(
  options: WaitForEnvironmentOptions,
): Promise<Environment> {
  const { environments, credentials, id, until, logger, signal } = options;
  const deadline = Date.now() + options.timeoutMs;
  const seenEvents = new Set<string>();
  let lastPhase: EnvironmentPhase | undefined;
  let eventsBroken = false;

  for (;;) {
    if (signal?.aborted) throw new Error('The task was cancelled');
    const environment = await environments.getEnvironment(id, { credentials });
    const name = environment.spec.name;
    const phase = environment.status.phase;

    if (!eventsBroken) {
      try {
        const events = await environments.listEnvironmentEvents(id, {
          credentials,
        });
        for (const event of unseenEnvironmentEvents(events, seenEvents)) {
          logger.info(environmentEventLine(event));
        }
      } catch (error) {
        // Events are a courtesy; status is what the step waits for.
        eventsBroken = true;
        logger.warn(
          `Could not read the events of '${name}': ${(error as Error).message}`,
        );
      }
    }

    if (phase !== lastPhase) {
      logger.info(`Environment '${name}' is ${phase}`);
      lastPhase = phase;
    }

    if (phase === until) return environment;
    // Nothing happens until someone decides: the step ends here and the
    // caller reports that it waits, rather than holding the task open.
    if (until === 'Ready' && phase === 'AwaitingApproval') return environment;
    if (phase === 'Rejected') {
      const reason = environment.status.lastError;
      throw new Error(
        `Environment '${name}' was not approved: ${
          reason?.message ?? 'no reason was given'
        }`,
      );
    }
    if (phase === 'Failed') {
      const reason = environment.status.lastError;
      throw new Error(
        `Environment '${name}' failed: ${
          reason?.message ?? 'no reason was given'
        }${reason?.reason ? ` (${reason.reason})` : ''}`,
      );
    }
    if (
      until === 'Ready' &&
      (phase === 'Destroying' || phase === 'Destroyed')
    ) {
      throw new Error(
        `Environment '${name}' is ${phase} and will never become Ready`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Environment '${name}' is still ${phase} after ${Math.round(
          options.timeoutMs / 60000,
        )} minutes; it was not cancelled and may still become ${until}`,
      );
    }
    await sleep(options.pollIntervalMs, signal);
  }
}
