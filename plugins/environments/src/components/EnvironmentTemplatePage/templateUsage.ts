import {
  compareVersions,
  type EnvironmentSummary,
} from '@envkit/plugin-environments-common';

/** How many live environments run each version of a template. */
export interface TemplateUsage {
  /** Environments that exist (not Destroyed, not Rejected). */
  total: number;
  /** Those on a version older than the template's current one. */
  outdated: number;
  /** Newest version first. */
  byVersion: Array<{ version: string; count: number; outdated: boolean }>;
}

/** Phases of environments that no longer run anything. */
const GONE = new Set(['Destroyed', 'Rejected']);

/** Counts `environments` by pinned version against `currentVersion`. */
export function summarizeUsage(
  environments: EnvironmentSummary[],
  currentVersion: string | undefined,
): TemplateUsage {
  const counts = new Map<string, number>();
  for (const env of environments) {
    if (GONE.has(env.status.phase)) continue;
    const version = env.spec.templateVersion;
    counts.set(version, (counts.get(version) ?? 0) + 1);
  }
  const isOutdated = (version: string) =>
    Boolean(currentVersion) && compareVersions(version, currentVersion!) < 0;
  const byVersion = [...counts.entries()]
    .map(([version, count]) => ({
      version,
      count,
      outdated: isOutdated(version),
    }))
    .sort((a, b) => compareVersions(b.version, a.version));
  return {
    total: byVersion.reduce((sum, v) => sum + v.count, 0),
    outdated: byVersion
      .filter(v => v.outdated)
      .reduce((sum, v) => sum + v.count, 0),
    byVersion,
  };
}

/** `3 environments, 1 on an older version`, or `Not used`. */
export function describeUsage(usage: TemplateUsage): string {
  if (usage.total === 0) return 'Not used';
  const envs = `${usage.total} environment${usage.total === 1 ? '' : 's'}`;
  return usage.outdated
    ? `${envs}, ${usage.outdated} on an older version`
    : `${envs}, all on the current version`;
}
