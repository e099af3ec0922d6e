import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import {
  environmentReadPermission,
  environmentUpdatePermission,
} from '@envkit/plugin-environments-common';
import { CachedPermissionDecisions } from './CachedPermissionDecisions';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from './rules';

const ownerRule = (claims: string[]): PolicyDecision =>
  createEnvironmentConditionalDecision(
    environmentReadPermission,
    environmentConditions.isEnvironmentOwner({ claims }),
  );

function setup(ttlMs = 5_000) {
  let clock = 1_000_000;
  // What the policy answers now; a test changes it as a group change would.
  let answer = (user: string) => ownerRule([user]);
  const delegate = mockServices.permissions.mock({
    authorizeConditional: async (queries, options) => {
      const user = (options as any).credentials.principal.userEntityRef;
      return queries.map(() => answer(user));
    },
  });
  const cached = new CachedPermissionDecisions(delegate, ttlMs, () => clock);
  const read = (
    credentials: BackstageCredentials = mockCredentials.user(
      'user:default/ana',
    ),
  ) =>
    cached.authorizeConditional([{ permission: environmentReadPermission }], {
      credentials,
    });
  return {
    delegate,
    cached,
    read,
    advance: (ms: number) => {
      clock += ms;
    },
    answerWith: (fn: typeof answer) => {
      answer = fn;
    },
  };
}

describe('CachedPermissionDecisions', () => {
  it("reuses a user's decision within the time, and asks again after it", async () => {
    const { delegate, read, advance, answerWith } = setup();
    expect(await read()).toEqual([ownerRule(['user:default/ana'])]);
    advance(4_999);
    // A group joined meanwhile is not seen yet...
    answerWith(user => ownerRule([user, 'group:default/team-a']));
    expect(await read()).toEqual([ownerRule(['user:default/ana'])]);
    expect(delegate.authorizeConditional).toHaveBeenCalledTimes(1);
    // ...and is once the time is up.
    advance(1);
    expect(await read()).toEqual([
      ownerRule(['user:default/ana', 'group:default/team-a']),
    ]);
    expect(delegate.authorizeConditional).toHaveBeenCalledTimes(2);
  });

  it('keeps decisions apart per user and per permission', async () => {
    const { cached, delegate, read } = setup();
    expect(await read(mockCredentials.user('user:default/ana'))).toEqual([
      ownerRule(['user:default/ana']),
    ]);
    expect(await read(mockCredentials.user('user:default/bo'))).toEqual([
      ownerRule(['user:default/bo']),
    ]);
    await cached.authorizeConditional(
      [{ permission: environmentUpdatePermission }],
      { credentials: mockCredentials.user('user:default/ana') },
    );
    expect(delegate.authorizeConditional).toHaveBeenCalledTimes(3);
    await read(mockCredentials.user('user:default/bo'));
    expect(delegate.authorizeConditional).toHaveBeenCalledTimes(3);
  });

  it('shares one call between concurrent requests', async () => {
    const { delegate, read } = setup();
    const decisions = await Promise.all([read(), read(), read()]);
    expect(decisions).toEqual(Array(3).fill([ownerRule(['user:default/ana'])]));
    expect(delegate.authorizeConditional).toHaveBeenCalledTimes(1);
  });

  it('does not keep a failed call', async () => {
    const { delegate, read } = setup();
    delegate.authorizeConditional.mockRejectedValueOnce(
      new Error('permission backend unavailable'),
    );
    await expect(read()).rejects.toThrow('permission backend unavailable');
    expect(await read()).toEqual([ownerRule(['user:default/ana'])]);
    expect(delegate.authorizeConditional).toHaveBeenCalledTimes(2);
  });

  it('asks every time for service principals, and with a time of 0', async () => {
    const { delegate, read } = setup();
    await read(mockCredentials.service('plugin:catalog'));
    await read(mockCredentials.service('plugin:catalog'));
    expect(delegate.authorizeConditional).toHaveBeenCalledTimes(2);

    const off = setup(0);
    await off.read();
    await off.read();
    expect(off.delegate.authorizeConditional).toHaveBeenCalledTimes(2);
  });

  it('passes authorize (decisions about one resource) through', async () => {
    const { cached, delegate } = setup();
    const request = {
      permission: environmentReadPermission,
      resourceRef: 'env-1',
    };
    const credentials = mockCredentials.user('user:default/ana');
    await cached.authorize([request], { credentials });
    await cached.authorize([request], { credentials });
    expect(delegate.authorize).toHaveBeenCalledTimes(2);
  });
});
