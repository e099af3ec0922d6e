import type { EnvironmentEvent } from './environment';

/**
 * What tells one event of an environment's timeline from another: its id,
 * or, for an event without one, when and what happened.
 *
 * @public
 */
export function environmentEventKey(event: EnvironmentEvent): string {
  return event.id ?? `${event.at}|${event.reason}|${event.message}`;
}

/**
 * The events of a listing (newest first, as the API lists them) whose key
 * is not in `seen`, oldest first, as a log reads; their keys are added to
 * `seen`, so a poll that lists them again yields only what is new.
 *
 * @public
 */
export function unseenEnvironmentEvents(
  events: EnvironmentEvent[],
  seen: Set<string>,
): EnvironmentEvent[] {
  return [...events].reverse().filter(event => {
    const key = environmentEventKey(event);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * An event as one line of a log: `reason (resource): message`.
 *
 * @public
 */
export function environmentEventLine(event: EnvironmentEvent): string {
  const where = event.resource ? ` (${event.resource})` : '';
  return `${event.reason}${where}: ${event.message}`;
}
