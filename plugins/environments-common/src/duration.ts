import { InputError } from '@backstage/errors';

const UNIT_MS = {
  W: 7 * 24 * 3600_000,
  D: 24 * 3600_000,
  H: 3600_000,
  M: 60_000,
  S: 1000,
} as const;

/**
 * Parses an ISO-8601 duration into milliseconds, or returns `undefined` when
 * the text is not one.
 *
 * @remarks
 * Envkit durations are ISO-8601 only (`PT8H`, `P7D`, `P1DT12H`, `PT90M`,
 * `P2W`). Years and months are refused because their length in milliseconds
 * depends on the calendar; fractions are refused to keep TTL arithmetic exact.
 * A zero duration (`PT0S`) is valid syntax; callers decide whether it makes
 * sense.
 *
 * @public
 */
export function tryParseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || text.length < 3 || text.length > 32) {
    return undefined;
  }
  if (text[0] !== 'P') {
    return undefined;
  }
  let total = 0;
  let inTime = false;
  let digits = '';
  let sawComponent = false;
  let sawTimeComponent = false;
  // The order designators must appear in, per part of the duration.
  const dateOrder = ['W', 'D'];
  const timeOrder = ['H', 'M', 'S'];
  let lastIndex = -1;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      continue;
    }
    if (c === 'T') {
      if (inTime || digits) return undefined;
      inTime = true;
      lastIndex = -1;
      continue;
    }
    const order = inTime ? timeOrder : dateOrder;
    const index = order.indexOf(c);
    if (index < 0 || index <= lastIndex || !digits) return undefined;
    lastIndex = index;
    total += Number(digits) * UNIT_MS[c as keyof typeof UNIT_MS];
    digits = '';
    sawComponent = true;
    if (inTime) sawTimeComponent = true;
  }
  if (digits || !sawComponent || (inTime && !sawTimeComponent)) {
    return undefined;
  }
  return Number.isSafeInteger(total) ? total : undefined;
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
