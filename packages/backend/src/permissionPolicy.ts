import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from '@envkit/plugin-environments-backend';
import {
  environmentCatalogConditions,
  TEMPLATE_AUDIENCE_SPEC_KEY,
} from '@envkit/plugin-catalog-backend-module-environments';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  environmentApprovePermission,
  environmentAccessPermission,
} from '@envkit/plugin-environments-common';
import { CiPrincipalGrant, ciPrincipalDecision } from './ciPrincipals';

/** The group whose members may do everything with environments. */
export const PLATFORM_TEAM = 'group:default/platform-team';

/**
 * Which catalog entities a caller with `claims` may read. Envkit's entities
 * follow the environments API; every other entity stays readable:
 * - an environment's Resource entity (`spec.type: environment`) only by its
 *   owner (the user, or members of the group) and its creator: the rule
 *   `environment.read` uses;
 * - a generated software Template of an EnvironmentTemplate restricted by
 *   `allowedUsers`/`allowedGroups` only by those users, members of those
 *   groups and the template's owners.
 */
export function catalogReadConditions(
  claims: string[],
): PermissionCriteria<PermissionCondition<'catalog-entity'>> {
  type Criteria = PermissionCriteria<PermissionCondition<'catalog-entity'>>;
  const environmentEntity: Criteria = {
    allOf: [
      catalogConditions.isEntityKind({ kinds: ['Resource'] }),
      catalogConditions.hasSpec({ key: 'type', value: 'environment' }),
    ],
  };
  const restrictedTemplate = catalogConditions.hasSpec({
    key: TEMPLATE_AUDIENCE_SPEC_KEY,
  });
  return {
    anyOf: [
      { not: { anyOf: [environmentEntity, restrictedTemplate] } },
      environmentCatalogConditions.isEnvironmentOwner({ claims }),
      environmentCatalogConditions.isInTemplateAudience({ claims }),
      {
        allOf: [
          restrictedTemplate,
          catalogConditions.isEntityOwner({ claims }),
        ],
      },
    ],
  };
}

/**
 * The example app's policy for Envkit:
 * - the platform team may do everything but reach into other people's
 *   namespaces: `environment.access` (a kubeconfig) is for the owner and
 *   the owning group's members only;
 * - everyone else may create environments owned by themselves or one of
 *   their groups (the template's `allowedGroups` guardrail narrows who may
 *   use each template), and read, update, extend and destroy only the
 *   environments they or their groups own;
 * - the catalog shows environments and restricted generated Templates
 *   to the same people ({@link catalogReadConditions});
 * - any signed-in user may be asked to approve (`environment.approve`):
 *   the API lets only members of the template's approver group decide,
 *   never on their own request;
 * - CI principals get only the templates and owners `envkit.ciPrincipals`
 *   grants them (see ciPrincipals.ts);
 * - everything else is allowed, as in a fresh Backstage app.
 */
export class EnvkitExamplePolicy implements PermissionPolicy {
  constructor(private readonly ciPrincipals: CiPrincipalGrant[] = []) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const forCi = ciPrincipalDecision(
      this.ciPrincipals,
      request.permission,
      user?.credentials?.principal,
    );
    if (forCi) return forCi;
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (isPermission(request.permission, environmentAccessPermission)) {
      if (!user) return { result: AuthorizeResult.DENY };
      return createEnvironmentConditionalDecision(
        request.permission,
        environmentConditions.isEnvironmentOwner({ claims }),
      );
    }
    if (claims.includes(PLATFORM_TEAM)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(request.permission, ENVIRONMENT_RESOURCE_TYPE)) {
      if (!user) return { result: AuthorizeResult.DENY };
      if (isPermission(request.permission, environmentApprovePermission)) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createEnvironmentConditionalDecision(
        request.permission,
        environmentConditions.isEnvironmentOwner({ claims }),
      );
    }
    if (isPermission(request.permission, catalogEntityReadPermission)) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogReadConditions(claims),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'envkit-example-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new EnvkitExamplePolicy());
      },
    });
  },
});
