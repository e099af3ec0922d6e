/**
 * Who a Kubernetes request comes from and what it may do: ServiceAccount
 * tokens issued through the TokenRequest API (signed JWTs that expire on
 * the sandbox clock) and RBAC over the stored Roles, ClusterRoles and their
 * bindings. Any other bearer token is the driver's own admin credential,
 * which the sandbox has always accepted, so it keeps full access.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { findType, type ResourceType } from './discovery';
import { KubeError } from './status';
import type { KubeObject, KubeStore } from './store';

/** The `iss` (and default audience) of the tokens the sandbox issues. */
export const TOKEN_ISSUER = 'https://kubernetes.default.svc.cluster.local';

const RBAC = 'rbac.authorization.k8s.io';
const SERVICE_ACCOUNTS = findType('', 'v1', 'serviceaccounts') as ResourceType;
const ROLES = findType(RBAC, 'v1', 'roles') as ResourceType;
const ROLE_BINDINGS = findType(RBAC, 'v1', 'rolebindings') as ResourceType;
const CLUSTER_ROLES = findType(RBAC, 'v1', 'clusterroles') as ResourceType;
const CLUSTER_ROLE_BINDINGS = findType(
  RBAC,
  'v1',
  'clusterrolebindings',
) as ResourceType;

/** A caller whose rights RBAC decides. */
export interface ServiceAccountUser {
  username: string;
  groups: string[];
  namespace: string;
  name: string;
}

/** What a request asks for, in RBAC's terms. */
export interface AccessRequest {
  verb: string;
  group: string;
  /** `pods`, or `serviceaccounts/token` for a subresource. */
  resource: string;
  namespace?: string;
  name?: string;
}

type Json = Record<string, any>;

const base64url = (data: Buffer | string) =>
  Buffer.from(data).toString('base64url');

function unauthorized(): KubeError {
  // What the API server answers for a missing, expired or unknown token.
  return new KubeError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });
}

export function forbidden(
  user: ServiceAccountUser,
  request: AccessRequest,
): KubeError {
  const [resource] = request.resource.split('/');
  const qualified = request.group ? `${resource}.${request.group}` : resource;
  const subject = request.name
    ? `${qualified} "${request.name}"`
    : `${qualified}`;
  const where = request.namespace
    ? `in the namespace "${request.namespace}"`
    : 'at the cluster scope';
  return new KubeError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${subject} is forbidden: User "${user.username}" cannot ${request.verb} resource "${request.resource}" in API group "${request.group}" ${where}`,
    reason: 'Forbidden',
    details: {
      ...(request.name ? { name: request.name } : {}),
      ...(request.group ? { group: request.group } : {}),
      kind: resource,
    },
    code: 403,
  });
}

/** Issues and checks ServiceAccount tokens; the key lives as long as the sandbox. */
export class ServiceAccountTokens {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => Date) {}

  issue(
    serviceAccount: KubeObject,
    expirationSeconds: number,
    audiences: string[],
  ): { token: string; expirationTimestamp: string } {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const exp = issuedAt + expirationSeconds;
    const { name, namespace, uid } = serviceAccount.metadata;
    const payload = {
      aud: audiences,
      exp,
      iat: issuedAt,
      nbf: issuedAt,
      iss: TOKEN_ISSUER,
      sub: `system:serviceaccount:${namespace}:${name}`,
      'kubernetes.io': { namespace, serviceaccount: { name, uid } },
    };
    const unsigned = `${base64url(
      JSON.stringify({ alg: 'HS256', kid: 'cloud-sandbox' }),
    )}.${base64url(JSON.stringify(payload))}`;
    return {
      token: `${unsigned}.${this.sign(unsigned)}`,
      expirationTimestamp: new Date(exp * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    };
  }

  /**
   * The ServiceAccount a bearer token stands for; `undefined` for tokens the
   * sandbox did not issue (the admin credential). Throws 401 for an issued
   * token that is forged, expired, or whose ServiceAccount is gone.
   */
  authenticate(
    authorization: string | undefined,
    store: KubeStore,
  ): ServiceAccountUser | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const parts = match[1].split('.');
    if (parts.length !== 3) return undefined;
    let claims: Json;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (claims?.iss !== TOKEN_ISSUER) return undefined;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      throw unauthorized();
    if (
      typeof claims.exp !== 'number' ||
      claims.exp * 1000 <= this.now().getTime()
    )
      throw unauthorized();
    const bound = claims['kubernetes.io'] ?? {};
    const namespace = String(bound.namespace ?? '');
    const name = String(bound.serviceaccount?.name ?? '');
    const account = store.get(SERVICE_ACCOUNTS, namespace, name);
    // A token dies with its ServiceAccount, even one of the same name made again.
    if (!account || account.metadata.uid !== bound.serviceaccount?.uid)
      throw unauthorized();
    return {
      username: `system:serviceaccount:${namespace}:${name}`,
      groups: [
        'system:serviceaccounts',
        `system:serviceaccounts:${namespace}`,
        'system:authenticated',
      ],
      namespace,
      name,
    };
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

function subjectMatches(subject: Json, user: ServiceAccountUser): boolean {
  switch (subject?.kind) {
    case 'ServiceAccount':
      return (
        subject.name === user.name &&
        (subject.namespace ?? '') === user.namespace
      );
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    default:
      return false;
  }
}

const listHas = (list: unknown, value: string) =>
  Array.isArray(list) && (list.includes('*') || list.includes(value));

function ruleAllows(rule: Json, request: AccessRequest): boolean {
  if (!listHas(rule.verbs, request.verb)) return false;
  if (!listHas(rule.apiGroups, request.group)) return false;
  const resources: unknown[] = Array.isArray(rule.resources)
    ? rule.resources
    : [];
  const [main] = request.resource.split('/');
  const resourceOk =
    resources.includes('*') ||
    resources.includes(request.resource) ||
    (request.resource.includes('/') && resources.includes(`${main}/*`)) ||
    (request.resource.includes('/') &&
      resources.includes(`*/${request.resource.split('/')[1]}`));
  if (!resourceOk) return false;
  const names = rule.resourceNames;
  if (Array.isArray(names) && names.length > 0) {
    return request.name !== undefined && names.includes(request.name);
  }
  return true;
}

/** Whether the bindings in the store grant `request` to `user`. */
export function rbacAllows(
  store: KubeStore,
  user: ServiceAccountUser,
  request: AccessRequest,
): boolean {
  const rulesOf = (roleRef: Json, namespace?: string): Json[] => {
    let role: KubeObject | undefined;
    if (roleRef?.kind === 'Role' && namespace) {
      role = store.get(ROLES, namespace, roleRef.name);
    } else if (roleRef?.kind === 'ClusterRole') {
      role = store.get(CLUSTER_ROLES, undefined, roleRef.name);
    }
    return Array.isArray(role?.rules) ? (role!.rules as Json[]) : [];
  };
  const grants = (binding: KubeObject, namespace?: string) =>
    Array.isArray(binding.subjects) &&
    binding.subjects.some((s: Json) => subjectMatches(s, user)) &&
    rulesOf(binding.roleRef as Json, namespace).some(r =>
      ruleAllows(r, request),
    );
  if (store.list(CLUSTER_ROLE_BINDINGS).some(b => grants(b))) return true;
  if (!request.namespace) return false;
  return store
    .list(ROLE_BINDINGS, request.namespace)
    .some(b => grants(b, request.namespace));
}
