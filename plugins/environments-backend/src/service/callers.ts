import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';

/**
 * Who asks for a change, as the environment records it (`createdBy`, the
 * timeline).
 *
 * - A user: their entity ref and ownership claims. Backend plugins (the
 *   scaffolder) act on behalf of a user and are that user here.
 * - A service from outside Backstage, authenticated through
 *   `backend.auth.externalAccess` (a CI job): its subject, and no ownership
 *   of its own. It names the owner of what it creates; which owners and
 *   templates it may use is the permission policy's to decide.
 */
export interface Caller {
  ref: string;
  ownershipEntityRefs: string[];
  service: boolean;
}

/**
 * Refuses backend plugins acting as themselves. Backstage lets service
 * principals past the permission policy, and a plugin has no business
 * changing environments but on behalf of a user; an external caller is let
 * through to the policy and guardrails like a user.
 */
export function requireWriter(credentials: BackstageCredentials): void {
  const principal = credentials.principal as {
    type?: string;
    subject?: string;
  };
  if (principal.type === 'user') return;
  if (
    principal.type === 'service' &&
    principal.subject &&
    !principal.subject.startsWith('plugin:')
  ) {
    return;
  }
  throw new NotAllowedError(
    'Only users and external callers (backend.auth.externalAccess) can do this; backend plugins must act on behalf of a user',
  );
}

export async function callerOf(
  credentials: BackstageCredentials,
  userInfo: UserInfoService,
): Promise<Caller> {
  requireWriter(credentials);
  const principal = credentials.principal as {
    type: string;
    subject?: string;
  };
  if (principal.type === 'service') {
    return { ref: principal.subject!, ownershipEntityRefs: [], service: true };
  }
  const info = await userInfo.getUserInfo(credentials);
  return {
    ref: info.userEntityRef,
    ownershipEntityRefs: info.ownershipEntityRefs,
    service: false,
  };
}
