import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
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
import { ENVIRONMENT_RESOURCE_TYPE } from '@envkit/plugin-environments-common';
import { CiPrincipalGrant, ciPrincipalDecision } from './ciPrincipals';

/** The group whose members may do everything with environments. */
export const PLATFORM_TEAM = 'group:default/platform-team';

/**
 * The example app's policy for Envkit:
 * - the platform team may do everything;
 * - everyone else may create environments owned by themselves or one of
 *   their groups (the template's `allowedGroups` guardrail narrows who may
 *   use each template), and read, update, extend and destroy only the
 *   environments they or their groups own;
 * - CI principals get only the templates and owners `envkit.ciPrincipals`
 *   grants them (see ciPrincipals.ts);
 * - everything outside Envkit is allowed, as in a fresh Backstage app.
 */
export class EnvkitExamplePolicy implements PermissionPolicy {
  constructor(private readonly ciPrincipals: CiPrincipalGrant[] = []) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const forCi = ciPrincipalDecision(this.ciPrincipals, request, user);
    if (forCi) return forCi;
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.includes(PLATFORM_TEAM)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(request.permission, ENVIRONMENT_RESOURCE_TYPE)) {
      if (!user) return { result: AuthorizeResult.DENY };
      return createEnvironmentConditionalDecision(
        request.permission,
        environmentConditions.isEnvironmentOwner({ claims }),
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
