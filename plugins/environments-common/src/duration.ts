import { InputError } from '@backstage/errors';
import { Duration } from 'luxon';

/**
 * Parses an ISO-8601 duration into milliseconds, or returns `undefined` when
 * the text is not one.
 *
 * @remarks
 * Envkit durations are ISO-8601 only (`PT8H`, `P7D`, `P1DT12H`, `PT90M`,
 * `P2W`). Years and months are refused because their length in milliseconds
 * depends on the calendar; fractions and negative parts are refused to keep
 * TTL arithmetic exact. A zero duration (`PT0S`) is valid syntax; callers
 * decide whether it makes sense.
 *
 * @public
 */
export function tryParseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || text.length < 3 || text.length > 32) {
    return undefined;
  }
  // Luxon also takes a leading sign, fractions and designators with no
  // number after `P` or `T`; Envkit's narrower grammar refuses them.
  if (!text.startsWith('P') || /[-+.,]|T$/.test(text)) return undefined;
  const duration = Duration.fromISO(text);
  if (!duration.isValid) return undefined;
  const units = Object.keys(duration.toObject());
  if (
    units.length === 0 ||
    units.includes('years') ||
    units.includes('months')
  ) {
    return undefined;
  }
  const ms = duration.as('milliseconds');
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Parses an ISO-8601 duration (see {@link tryParseDuration}) into
 * milliseconds, throwing an `InputError` that names `field` when it is not
 * one.
 *
 * @public
 */
export function parseDuration(text: string, field = 'duration'): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) {
    throw new InputError(
      `${field}: '${String(text).slice(
        0,
        64,
      )}' is not an ISO-8601 duration such as 'PT8H', 'P7D' or 'P1DT12H' (years and months are not supported)`,
    );
  }
  return ms;
}

/** Lifetimes a form offers, shortest first, before the template's bounds. */
const LIFETIME_PRESETS = ['PT1H', 'PT4H', 'PT8H', 'P1D', 'P3D', 'P7D'];

/** A lifetime a form offers: the duration, its length and its words. @public */
export type LifetimeChoice = { ttl: string; ms: number; label: string };

/** `8 hours`, `1 day`, `1 day, 12 hours` for an ISO-8601 duration. @public */
export function durationLabel(ttl: string): string {
  const duration = Duration.fromISO(ttl);
  if (!duration.isValid) return ttl;
  return duration.toHuman({ unitDisplay: 'long' });
}

/**
 * The lifetimes a form offers for a template: the presets up to
 * `maxTtl`, plus the maximum itself and the default when they are not
 * presets, shortest first. Without a maximum every preset is offered.
 *
 * @public
 */
export function lifetimeChoices(
  maxTtl?: string,
  defaultTtl?: string,
): LifetimeChoice[] {
  const max = maxTtl ? tryParseDuration(maxTtl) : undefined;
  const choices = new Map<number, string>();
  for (const ttl of LIFETIME_PRESETS) {
    const ms = tryParseDuration(ttl)!;
    if (max === undefined || ms <= max) choices.set(ms, ttl);
  }
  for (const ttl of [maxTtl, defaultTtl]) {
    const ms = ttl ? tryParseDuration(ttl) : undefined;
    if (ms && (max === undefined || ms <= max) && !choices.has(ms)) {
      choices.set(ms, ttl!);
    }
  }
  return [...choices.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ms, ttl]) => ({ ttl, ms, label: durationLabel(ttl) }));
}
