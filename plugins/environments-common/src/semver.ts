// Semantic Versioning 2.0.0, checked by hand (no backtracking regex).

function isNumericIdentifier(part: string): boolean {
  if (part.length === 0) return false;
  for (const c of part) {
    if (c < '0' || c > '9') return false;
  }
  return part === '0' || part[0] !== '0';
}

function isAlphanumericIdentifier(part: string): boolean {
  if (part.length === 0) return false;
  for (const c of part) {
    const ok =
      (c >= '0' && c <= '9') ||
      (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z') ||
      c === '-';
    if (!ok) return false;
  }
  return true;
}

function isAllDigits(part: string): boolean {
  for (const c of part) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

/**
 * Whether `version` is a Semantic Versioning 2.0.0 version such as `1.4.0`,
 * `2.0.0-rc.1` or `1.0.0+build.7` (no leading `v`).
 *
 * @public
 */
export function isSemver(version: string): boolean {
  if (typeof version !== 'string' || version.length > 256) return false;
  let rest = version;
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    const build = rest.slice(plus + 1).split('.');
    if (!build.every(isAlphanumericIdentifier)) return false;
    rest = rest.slice(0, plus);
  }
  const dash = rest.indexOf('-');
  if (dash >= 0) {
    const pre = rest.slice(dash + 1).split('.');
    const ok = pre.every(p =>
      isAllDigits(p) ? isNumericIdentifier(p) : isAlphanumericIdentifier(p),
    );
    if (!ok) return false;
    rest = rest.slice(0, dash);
  }
  const core = rest.split('.');
  return core.length === 3 && core.every(isNumericIdentifier);
}
