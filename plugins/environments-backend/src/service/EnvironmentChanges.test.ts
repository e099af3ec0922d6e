import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  Environment,
  EnvironmentSpec,
} from '@envkit/plugin-environments-common';
import { EnvironmentChanges } from './EnvironmentChanges';

// A store and access layer whose every read and write waits a turn of the
// event loop, as a database over the network does, so that concurrent
// requests interleave the way they do on PostgreSQL.
function racingEnvironment() {
  const turn = () => new Promise(resolve => setImmediate(resolve));
  let spec = { name: 'checkout-demo', generation: 1 } as EnvironmentSpec;
  const current = () => ({ id: 'env-1', spec } as Environment);
  const store = {
    async updateSpec(
      _id: string,
      update: (s: EnvironmentSpec) => EnvironmentSpec | undefined,
    ) {
      await turn();
      const next = update(spec);
      if (next) spec = { ...next, generation: spec.generation + 1 };
      return current();
    },
  };
  const access = {
    async get() {
      await turn();
      return current();
    },
    async require() {},
    now: () => new Date(),
    async caller() {
      return { userEntityRef: 'user:default/lena' };
    },
    recordEvent: jest.fn(async () => {}),
  };
  const changes = new EnvironmentChanges(
    { store } as unknown as ConstructorParameters<typeof EnvironmentChanges>[0],
    access as unknown as ConstructorParameters<typeof EnvironmentChanges>[1],
  );
  return { changes, access, spec: () => spec };
}

describe('EnvironmentChanges.destroy', () => {
  it('collapses concurrent destroys into one request', async () => {
    const { changes, access, spec } = racingEnvironment();
    const credentials = mockCredentials.user('user:default/lena');

    await Promise.all(
      Array.from({ length: 10 }, () => changes.destroy('env-1', credentials)),
    );

    expect(spec().generation).toBe(2);
    expect(spec().deletionRequestedAt).toBeDefined();
    expect(access.recordEvent).toHaveBeenCalledTimes(1);
  });
});
