import { EnvironmentView } from '../views';

/** What happened to the pull request's environment in this run. */
export type PrEnvironmentChange =
  | 'created'
  | 'updated'
  | 'redeployed'
  | 'destroyed'
  | 'absent'
  | 'failed'
  | 'timed-out';

/**
 * The hidden first line of the comment, so a workflow can find its earlier
 * comment and edit it rather than add another.
 */
export function commentMarker(name: string): string {
  return `<!-- envkit-pr-environment: ${name} -->`;
}

const HEADLINES: Record<PrEnvironmentChange, string> = {
  created: 'is ready',
  updated: 'is ready with the new changes',
  redeployed: 'was redeployed and is ready',
  destroyed: 'was destroyed',
  absent: 'does not exist; nothing to destroy',
  failed: 'did not become ready',
  'timed-out': 'is not ready yet',
};

/**
 * A Markdown comment on the environment for the pull request. Input values
 * are left out: outputs and the image say what a reviewer needs, and no
 * secret can slip in.
 */
export function commentBody(options: {
  name: string;
  change: PrEnvironmentChange;
  environment?: EnvironmentView;
  image?: string;
  headSha?: string;
  detail?: string;
}): string {
  const { name, change, environment: env } = options;
  const lines = [
    commentMarker(name),
    `### Preview environment \`${name}\` ${HEADLINES[change]}`,
    '',
  ];
  if (env && change !== 'destroyed' && change !== 'absent') {
    lines.push('| | |', '| --- | --- |');
    if (env.endpoint) lines.push(`| Endpoint | ${env.endpoint} |`);
    lines.push(`| Phase | ${env.phase} |`);
    if (options.image) lines.push(`| Image | \`${options.image}\` |`);
    if (options.headSha) lines.push(`| Commit | ${options.headSha} |`);
    lines.push(`| Template | \`${env.template}@${env.templateVersion}\` |`);
    lines.push(`| Owner | \`${env.owner}\` |`);
    if (env.expiresAt) lines.push(`| Expires | ${env.expiresAt} |`);
    lines.push('');
  }
  if (options.detail) lines.push(options.detail, '');
  lines.push(
    change === 'destroyed' || change === 'absent'
      ? '_Closed pull requests keep no environment._'
      : '_Updated on every push; destroyed when the pull request closes._',
  );
  return `${lines.join('\n')}\n`;
}
