import type { ParameterPolicy } from '@envkit/plugin-environments-common';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A short human duration: `2d 4h`, `3h 20m`, `12m`, `less than a minute`. */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return hours ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes ? `${hours}h ${minutes}m` : `${hours}h`;
  return `${minutes}m`;
}

/** `in 3h 20m`, or `expired` once `expiresAt` has passed. */
export function formatExpiry(
  expiresAt: string | undefined,
  now: number,
): string {
  if (!expiresAt) return 'never';
  const left = Date.parse(expiresAt) - now;
  return left <= 0 ? 'expired' : `in ${formatDuration(left)}`;
}

/** A timestamp in the reader's locale, e.g. `12 Mar 2025, 14:05`. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/**
 * The URL of an endpoint output. Load balancer DNS names come without a
 * scheme; they serve plain HTTP.
 */
export function endpointUrl(endpoint: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)
    ? endpoint
    : `http://${endpoint}`;
}

/** Whether an output value is worth rendering as a link. */
export function looksLikeUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** An amount in US dollars, e.g. `$1,234.50`. */
export function formatUsd(amount: number): string {
  return amount.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

/** A schedule's awake windows, e.g. `Mon–Fri 08:00–20:00 (Europe/Berlin)`. */
export function formatSchedule(schedule: {
  timeZone?: string;
  awake: Array<{ days: string[]; from: string; to: string }>;
}): string {
  const windows = schedule.awake
    .map(w => `${w.days.join(', ')} ${w.from}–${w.to}`)
    .join('; ');
  return schedule.timeZone ? `${windows} (${schedule.timeZone})` : windows;
}

/**
 * Each parameter policy in words: `short` beside an environment's input (what
 * its developer may do with it), `full` on the template's page (the policy's
 * name and what it allows).
 */
export const PARAMETER_POLICY_TEXT: Record<
  ParameterPolicy,
  { short: string; full: string }
> = {
  locked: { short: 'Locked', full: 'Locked: always the default' },
  restricted: {
    short: 'One of a list',
    full: 'Restricted: one of the listed values',
  },
  overridable: { short: 'Changeable', full: 'Overridable: any valid value' },
};
