/**
 * Kubernetes resource quantities (`500m`, `2`, `4Gi`, `1e3`), parsed to
 * plain numbers so quotas can be capped and compared however the API server
 * chose to spell them back (it canonicalises `1000m` to `1`). The namespace
 * driver reads quotas with it and the cloud sandbox counts quota usage with it.
 */

const SUFFIXES: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/**
 * The value of a Kubernetes quantity, or `undefined` when `text` is not one.
 *
 * @public
 */
export function parseQuantity(text: unknown): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  if (typeof text !== 'string') return undefined;
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, number, suffix, exponent] = match;
  const base = Number(number);
  if (exponent !== undefined) return base * 10 ** Number(exponent);
  return base * SUFFIXES[suffix ?? ''];
}

/**
 * Whether `value` is a Kubernetes quantity.
 *
 * @public
 */
export function isQuantity(value: unknown): boolean {
  return parseQuantity(value) !== undefined;
}

/**
 * Equal as Kubernetes quantities when both parse, equal as text otherwise.
 *
 * @public
 */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (x === undefined || y === undefined) return a === b;
  return Math.abs(x - y) <= Math.abs(x) * 1e-9;
}
