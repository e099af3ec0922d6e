import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { EnvironmentTemplateGuardrails } from './template';

/**
 * The entity refs that hold an environment: its owner (a user or a group)
 * and the user who created it.
 *
 * @public
 */
export type EnvironmentHolders = {
  /** Full entity ref of the owner, e.g. `group:default/team-a`. */
  owner: string;
  /** Full entity ref of the creating user, when known. */
  createdBy?: string;
};

/**
 * The one visibility rule for environments, used by the environments API
 * (`IS_ENVIRONMENT_OWNER` on `environment` resources) and by the catalog
 * (`IS_ENVIRONMENT_OWNER` on `catalog-entity` resources): an environment is
 * visible to a caller when one of the caller's ownership claims (the user
 * ref and the refs of the groups the user belongs to) is its owner or its
 * creator. Refs are compared as given; both sides hold them in full form.
 *
 * @public
 */
export function isEnvironmentVisibleTo(
  holders: EnvironmentHolders,
  claims: readonly string[],
): boolean {
  return (
    claims.includes(holders.owner) ||
    (!!holders.createdBy && claims.includes(holders.createdBy))
  );
}

function fullRef(ref: string, defaultKind: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
  );
}

/**
 * Who may use an EnvironmentTemplate: its `allowedUsers` and `allowedGroups`
 * guardrails as full entity refs (`user:default/jane`,
 * `group:default/team-a`). An empty list means the template is open to
 * everyone.
 *
 * @public
 */
export function environmentTemplateAudience(
  guardrails: EnvironmentTemplateGuardrails | undefined,
): string[] {
  return [
    ...(guardrails?.allowedUsers ?? []).map(ref => fullRef(ref, 'user')),
    ...(guardrails?.allowedGroups ?? []).map(ref => fullRef(ref, 'group')),
  ];
}

/**
 * Whether a caller with `claims` is in a restricted template's `audience`
 * (from {@link environmentTemplateAudience}): the user is listed, or one of
 * the user's groups is. Always false for an empty audience; callers decide
 * what an unrestricted template means for them.
 *
 * @public
 */
export function isInEnvironmentTemplateAudience(
  audience: readonly string[],
  claims: readonly string[],
): boolean {
  return claims.some(claim => audience.includes(claim));
}
