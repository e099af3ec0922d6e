/*
 * The example backend's permissions service. Backstage decides a service
 * principal's permission requests without the permission policy: allowed,
 * within the `accessRestrictions` of its external-access entry (and the
 * permission backend refuses service tokens outright). That would leave a CI
 * token free to do anything with environments. Here, a caller from outside
 * Backstage has its Envkit permissions decided by the example policy too, so
 * `envkit.ciPrincipals` limits what it may do; backend plugins and every
 * other permission keep Backstage's behaviour.
 */
import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  AuthorizeResult,
  Permission,
  PolicyDecision,
  QueryPermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQueryUser,
  ServerPermissionClient,
} from '@backstage/plugin-permission-node';
import { ENVKIT_PERMISSIONS, readCiPrincipals } from './ciPrincipals';
import { EnvkitExamplePolicy } from './permissionPolicy';

/**
 * Backstage's permissions service, with external callers' Envkit
 * permissions also put to `policy`.
 */
export class CiPrincipalPermissions implements PermissionsService {
  constructor(
    private readonly standard: PermissionsService,
    private readonly policy: PermissionPolicy,
    private readonly auth: AuthService,
  ) {}

  async authorizeConditional(
    queries: QueryPermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<PolicyDecision[]> {
    const decisions = await this.standard.authorizeConditional(
      queries,
      options,
    );
    return this.refine(queries, decisions, options);
  }

  async authorize(
    requests: AuthorizePermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse[]> {
    const decisions = await this.standard.authorize(requests, options);
    const refined = await this.refine(requests, decisions, options);
    // Envkit asks for its environment decisions with authorizeConditional
    // and applies the conditions itself; a conditional answer here has no
    // one to apply it, so it is a refusal.
    return refined.map(decision =>
      decision.result === AuthorizeResult.CONDITIONAL
        ? { result: AuthorizeResult.DENY }
        : decision,
    );
  }

  private async refine<D extends PolicyDecision>(
    requests: { permission: Permission }[],
    decisions: D[],
    options: PermissionsServiceRequestOptions,
  ): Promise<(D | PolicyDecision)[]> {
    const caller = this.externalCaller(options);
    if (!caller) return decisions;
    return Promise.all(
      decisions.map((decision, i) => {
        const { permission } = requests[i];
        // Access restrictions refused it already, or it is not Envkit's.
        if (
          decision.result !== AuthorizeResult.ALLOW ||
          !ENVKIT_PERMISSIONS.has(permission.name)
        ) {
          return decision;
        }
        return this.policy.handle({ permission }, caller);
      }),
    );
  }

  /** The caller as the policy sees it, when it comes from outside Backstage. */
  private externalCaller(
    options: PermissionsServiceRequestOptions,
  ): PolicyQueryUser | undefined {
    if (!options || !('credentials' in options)) return undefined;
    const credentials: BackstageCredentials = options.credentials;
    if (!this.auth.isPrincipal(credentials, 'service')) return undefined;
    const subject = credentials.principal.subject;
    if (subject.startsWith('plugin:')) return undefined;
    // PolicyQueryUser is the only shape a policy is handed a caller in; a
    // service has no user info, so its deprecated `info` claims nothing.
    return {
      credentials,
      info: { userEntityRef: subject, ownershipEntityRefs: [] },
    };
  }
}

/** Replaces the default permissions service; add it to the backend. */
export default createServiceFactory({
  service: coreServices.permissions,
  deps: {
    auth: coreServices.auth,
    config: coreServices.rootConfig,
    discovery: coreServices.discovery,
  },
  async factory({ auth, config, discovery }) {
    return new CiPrincipalPermissions(
      ServerPermissionClient.fromConfig(config, { auth, discovery }),
      new EnvkitExamplePolicy(readCiPrincipals(config)),
      auth,
    );
  },
});
