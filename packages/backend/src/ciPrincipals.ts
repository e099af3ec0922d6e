/*
 * What the example policy lets a CI principal do: a caller authenticated by
 * an external-access token (`backend.auth.externalAccess`) whose subject is
 * listed under `envkit.ciPrincipals` may use only the templates and owners
 * listed there, and sees and changes only environments made from those
 * templates for those owners. Any other external caller may do nothing with
 * environments.
 */
import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from '@envkit/plugin-environments-backend';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  environmentsPermissions,
} from '@envkit/plugin-environments-common';

/** One `envkit.ciPrincipals` entry, with refs in full form. */
export interface CiPrincipalGrant {
  /** The `subject` of the principal's `backend.auth.externalAccess` entry. */
  subject: string;
  /** EnvironmentTemplate refs it may create from and act on. */
  templates: string[];
  /** Owners (groups or users) it may create for and act on. */
  owners: string[];
}

function fullRef(ref: string, defaultKind: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
  );
}

/** Reads `envkit.ciPrincipals`; none when it is not set. */
export function readCiPrincipals(config: Config): CiPrincipalGrant[] {
  const entries = config.getOptionalConfigArray('envkit.ciPrincipals') ?? [];
  return entries.map(entry => {
    const subject = entry.getString('subject');
    if (subject.startsWith('plugin:')) {
      // Backend plugins never reach Envkit's writes as themselves.
      throw new Error(
        `envkit.ciPrincipals: '${subject}' is a backend plugin; list the subject of a backend.auth.externalAccess entry`,
      );
    }
    return {
      subject,
      templates: entry
        .getStringArray('templates')
        .map(ref => fullRef(ref, 'environmenttemplate')),
      owners: entry.getStringArray('owners').map(ref => fullRef(ref, 'group')),
    };
  });
}

/** The names of Envkit's permissions. */
export const ENVKIT_PERMISSIONS = new Set(
  environmentsPermissions.map(p => p.name),
);

/**
 * The decision for a service principal's Envkit permission; `undefined` for
 * users and for permissions outside Envkit, which the rest of the policy
 * decides. `caller` is the principal of the caller's credentials, if any.
 */
export function ciPrincipalDecision(
  grants: CiPrincipalGrant[],
  permission: Permission,
  caller: unknown,
): PolicyDecision | undefined {
  const principal = caller as { type?: string; subject?: string } | undefined;
  if (principal?.type !== 'service') return undefined;
  if (!ENVKIT_PERMISSIONS.has(permission.name)) return undefined;
  const grant = grants.find(g => g.subject === principal.subject);
  if (!grant) return { result: AuthorizeResult.DENY };
  if (isResourcePermission(permission, ENVIRONMENT_RESOURCE_TYPE)) {
    // Create is checked against the environment as it would be made, so
    // this one condition limits what it may create as well as what it may
    // read, change and destroy.
    return createEnvironmentConditionalDecision(permission, {
      allOf: [
        environmentConditions.isFromTemplate({
          templateRefs: grant.templates,
        }),
        environmentConditions.isEnvironmentOwner({ claims: grant.owners }),
      ],
    });
  }
  // environment-template.use: a policy is not told which template is asked
  // for; the create condition above names the templates.
  return { result: AuthorizeResult.ALLOW };
}
