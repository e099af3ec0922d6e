import {
  BackstageCredentials,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';

/*
 * The users of the REST API tests: who a request's mock credentials are
 * for, what they own, and requests made as them.
 */

/** The user entity ref of mock user credentials. */
export function userOf(credentials: BackstageCredentials): string {
  return (credentials.principal as { userEntityRef: string }).userEntityRef;
}

/**
 * A userInfo service in which each user's ownership refs are what `groups`
 * lists for them (themselves included), or only themselves.
 */
export function userInfoOf(groups: Record<string, string[]>): ServiceFactory {
  return mockServices.userInfo.mock({
    async getUserInfo(credentials) {
      const user = userOf(credentials);
      return {
        userEntityRef: user,
        ownershipEntityRefs: groups[user] ?? [user],
      };
    },
  }).factory;
}

/** Requests to the environments API as `user`; paths below `/api/environments`. */
export function environmentsApi(
  server: Parameters<typeof request>[0],
  user: string,
) {
  const call =
    (method: 'get' | 'post' | 'patch' | 'delete') =>
    (path: string, body?: object) => {
      const req = request(server)
        [method](`/api/environments${path}`)
        .set('Authorization', mockCredentials.user.header(user));
      return body === undefined ? req : req.send(body);
    };
  return {
    get: call('get'),
    post: call('post'),
    patch: call('patch'),
    delete: call('delete'),
  };
}
