/*
 * Users of the example org (examples/org.yaml) the suites act as, and what
 * an in-process backend resolves each to: the user and their team.
 */
export const lena = 'user:default/lena';
export const marco = 'user:default/marco';
export const priya = 'user:default/priya';
export const storefront = 'group:default/team-storefront';

/**
 * Their ownership refs, as `startApiBackend` takes them; any other user
 * owns only what is theirs.
 */
export const orgGroups: Record<string, string[]> = {
  [lena]: [lena, storefront],
  [marco]: [marco, 'group:default/team-payments'],
  [priya]: [priya, 'group:default/platform-team'],
};
