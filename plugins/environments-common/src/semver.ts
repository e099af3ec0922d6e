import {
  compare as compareSemver,
  parse as parseSemver,
  valid as validSemver,
} from 'semver';

/**
 * Whether `version` is a Semantic Versioning 2.0.0 version such as `1.4.0`,
 * `2.0.0-rc.1` or `1.0.0+build.7`, written exactly so: no leading `v` or
 * `=`, no surrounding whitespace (the `semver` package forgives those).
 *
 * @public
 */
export function isSemver(version: string): boolean {
  if (typeof version !== 'string') return false;
  const parsed = parseSemver(version);
  if (!parsed) return false;
  const build = parsed.build.length ? `+${parsed.build.join('.')}` : '';
  return `${parsed.version}${build}` === version;
}

/**
 * Orders two semantic versions: negative when `a` is older than `b`, zero
 * when they have the same precedence, positive when `a` is newer.
 * Pre-releases sort before their release; build metadata is ignored. Text
 * that is no version at all compares equal to anything, so a display never
 * fails on it.
 *
 * @public
 */
export function compareVersions(a: string, b: string): number {
  return validSemver(a) && validSemver(b) ? compareSemver(a, b) : 0;
}
