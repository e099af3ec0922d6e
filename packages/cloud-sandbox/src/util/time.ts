/** ISO-8601 with milliseconds, the shape CloudFormation's XML timestamps use. */
export function isoMillis(date: Date): string {
  return date.toISOString();
}

/** RFC 3339 without fractional seconds, the shape Kubernetes metadata uses. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Epoch seconds with a fraction, the shape AWS JSON 1.1 timestamps use. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** A short human age like kubectl prints ("5s", "3m", "2h"). */
export function humanAge(from: Date, now: Date = new Date()): string {
  const seconds = Math.max(
    0,
    Math.floor((now.getTime() - from.getTime()) / 1000),
  );
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
