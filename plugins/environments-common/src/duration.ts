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
