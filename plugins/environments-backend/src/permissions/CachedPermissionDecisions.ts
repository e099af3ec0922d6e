import {
  BackstageCredentials,
  PermissionsService,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  PolicyDecision,
  QueryPermissionRequest,
} from '@backstage/plugin-permission-common';

/** How long a user's decision is reused unless configured otherwise. */
export const DEFAULT_DECISION_TTL_MS = 5_000;

/** Entries kept at most; the oldest go first past it. */
const MAX_ENTRIES = 10_000;

interface Entry {
  promise: Promise<PolicyDecision[]>;
  expiresAt: number;
}

function userRefOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: unknown;
    userEntityRef?: unknown;
  };
  return principal?.type === 'user' &&
    typeof principal.userEntityRef === 'string'
    ? principal.userEntityRef
    : undefined;
}

/**
 * The permissions service with a user's conditional decisions kept for a
 * few seconds.
 *
 * Backstage's permissions service asks the permission backend over HTTP for
 * every decision, even in the same process: a request of its own with a
 * service token to issue and two tokens to verify, which cost a list or get
 * more than the database does. A conditional decision (`authorizeConditional`)
 * depends only on the user and the permission, never on an environment (its
 * conditions are applied to each environment here), so the decision for a
 * (user, permissions) pair is reused for `ttlMs`. Concurrent requests share
 * one call; a failed call is not kept.
 *
 * The price: a change to what the policy answers for a user (a group joined
 * or left, a policy redeployed) takes effect within `ttlMs`, 5 s by default,
 * the same time Backstage's own user-info cache keeps a user's ownership
 * refs. Only user principals are cached: service principals are decided in
 * the process already. `authorize` (decisions about one resource) is passed
 * through.
 */
export class CachedPermissionDecisions implements PermissionsService {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly delegate: PermissionsService,
    private readonly ttlMs: number = DEFAULT_DECISION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  authorize(
    requests: AuthorizePermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse[]> {
    return this.delegate.authorize(requests, options);
  }

  authorizeConditional(
    queries: QueryPermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<PolicyDecision[]> {
    const credentials =
      'credentials' in options ? options.credentials : undefined;
    const user = credentials && userRefOf(credentials);
    if (this.ttlMs <= 0 || !user) {
      return this.delegate.authorizeConditional(queries, options);
    }
    const key = JSON.stringify([
      user,
      queries.map(q => [q.permission.name, q.permission.resourceType]),
    ]);
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.promise;
    if (cached) this.entries.delete(key);
    this.evict(now);
    const promise = this.delegate
      .authorizeConditional(queries, options)
      .catch(error => {
        if (this.entries.get(key)?.promise === promise) {
          this.entries.delete(key);
        }
        throw error;
      });
    this.entries.set(key, { promise, expiresAt: now + this.ttlMs });
    return promise;
  }

  /** Drops expired entries, and the oldest while there are too many. */
  private evict(now: number) {
    if (this.entries.size < MAX_ENTRIES) return;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now || this.entries.size >= MAX_ENTRIES) {
        this.entries.delete(key);
      } else {
        break;
      }
    }
  }
}
