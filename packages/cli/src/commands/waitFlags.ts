import { Command } from 'commander';
import {
  Environment,
  EnvironmentsRestApi,
} from '@envkit/plugin-environments-common';
import { CommandContext } from '../context';
import { CliError } from '../exitCodes';
import { parseDurationFlag } from '../inputs';
import { printEnvironment } from '../output';
import { environmentView } from '../views';
import { currentEventKeys, waitForEnvironment } from '../wait';

export interface WaitFlags {
  wait?: boolean;
  timeout: string;
  pollInterval: string;
}

/** `--timeout` and `--poll-interval`, shared by every command that waits. */
export function addWaitTimingFlags(command: Command): Command {
  return command
    .option(
      '--timeout <duration>',
      'how long to wait, e.g. 90s, 15m, 1h (exit 5 when it runs out)',
      '20m',
    )
    .option('--poll-interval <duration>', 'how often to look', '5s');
}

/** `--wait` plus its timing flags. */
export function addWaitFlags(command: Command, what: string): Command {
  return addWaitTimingFlags(
    command.option('--wait', `wait until ${what}, printing progress`),
  );
}

/**
 * A wait that ended without success (exit 4 or 5), with the environment as
 * it was last seen, for the command to print.
 */
export class WaitError extends CliError {
  constructor(cause: CliError, readonly environment: Environment) {
    super(cause.message, cause.exitCode);
    this.name = 'WaitError';
  }
}

/**
 * Prints the environment, after waiting for it when asked. A failed or
 * timed-out wait prints the environment as last seen, then fails.
 */
export async function finish(
  ctx: CommandContext,
  client: EnvironmentsRestApi,
  environment: Environment,
  flags: WaitFlags & { until: 'Ready' | 'Destroyed' },
  seenEvents?: Set<string>,
): Promise<void> {
  let shown = environment;
  try {
    if (flags.wait) {
      shown = await waitUntil(ctx, client, environment, flags, seenEvents);
    }
  } catch (error) {
    if (error instanceof WaitError) shown = error.environment;
    throw error;
  } finally {
    printEnvironment(ctx.io, ctx.format(), environmentView(shown));
  }
}

/**
 * Waits; resolves to the environment as last seen (phase Destroyed once it
 * is gone), rejects with a {@link WaitError}.
 */
export async function waitUntil(
  ctx: CommandContext,
  client: EnvironmentsRestApi,
  environment: Environment,
  flags: Omit<WaitFlags, 'wait'> & { until: 'Ready' | 'Destroyed' },
  seenEvents?: Set<string>,
): Promise<Environment> {
  const timeoutMs = parseDurationFlag('--timeout', flags.timeout);
  const pollIntervalMs = parseDurationFlag(
    '--poll-interval',
    flags.pollInterval,
  );
  let last = environment;
  try {
    const done = await waitForEnvironment(client, environment.id, {
      until: flags.until,
      timeoutMs,
      pollIntervalMs,
      progress: ctx.progress,
      seenEvents:
        seenEvents ?? (await currentEventKeys(client, environment.id)),
      onPoll: seen => {
        last = seen;
      },
    });
    return (
      done ?? {
        ...last,
        status: { ...last.status, phase: 'Destroyed', outputs: {} },
      }
    );
  } catch (error) {
    if (error instanceof CliError) throw new WaitError(error, last);
    throw error;
  }
}
