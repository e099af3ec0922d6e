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

function parseSemver(version: string) {
  const [core, pre] = version.split('+')[0].split(/-(.*)/s);
  const numbers = core.split('.').map(n => Number(n));
  return { numbers, pre };
}

/**
 * Compares two semantic versions: negative when `a` is older than `b`, zero
 * when equal, positive when newer. Pre-releases sort before their release.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  for (let i = 0; i < 3; i++) {
    const diff = (pa.numbers[i] ?? 0) - (pb.numbers[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === undefined) return 1;
  if (pb.pre === undefined) return -1;
  const xs = pa.pre.split('.');
  const ys = pb.pre.split('.');
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
