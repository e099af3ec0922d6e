import { isQuantity, sameQuantity } from '@envkit/plugin-environments-common';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.keys(v).length === 0);

/**
 * Paths where `actual` does not hold what `desired` asks for. Fields only
 * `actual` has (server defaults, other managers' additions) are ignored;
 * lists must match element by element and in length, since an extra rule
 * or subject changes what a guardrail allows. Quantities compare by value,
 * and empty values equal absent ones, as the API server drops both.
 */
export function differences(
  desired: unknown,
  actual: unknown,
  path = '',
): string[] {
  if (isEmpty(desired)) {
    return isEmpty(actual) || (isObject(desired) && isObject(actual))
      ? []
      : [path || '.'];
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) {
      return [path || '.'];
    }
    return desired.flatMap((d, i) =>
      differences(d, actual[i], `${path}[${i}]`),
    );
  }
  if (isObject(desired)) {
    if (!isObject(actual)) return [path || '.'];
    return Object.entries(desired).flatMap(([k, d]) =>
      differences(d, actual[k], path ? `${path}.${k}` : k),
    );
  }
  if (typeof desired === 'string' && isQuantity(desired)) {
    return sameQuantity(desired, actual) ? [] : [path];
  }
  return desired === actual ? [] : [path];
}
