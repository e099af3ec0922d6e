import { InputError } from '@backstage/errors';
import { assertEnvironmentDriver, EnvironmentDriver } from './driver';

const complete: EnvironmentDriver = {
  id: 'aws-cloudformation',
  apply: async () => ({ status: 'Ready', outputs: {} }),
  observe: async () => ({ status: 'Ready', exists: true }),
  destroy: async () => ({ status: 'Destroyed' }),
};

describe('assertEnvironmentDriver', () => {
  it('accepts a complete driver', () => {
    expect(() => assertEnvironmentDriver(complete)).not.toThrow();
  });

  it('names the missing methods', () => {
    expect(() => assertEnvironmentDriver({ id: 'stub' })).toThrow(
      "Environment driver 'stub' does not implement apply, observe, destroy",
    );
    expect(() =>
      assertEnvironmentDriver({ ...complete, destroy: undefined }),
    ).toThrow(/does not implement destroy$/);
  });

  it.each(['', 'AWS', 'aws_cfn', 'aws-', '1aws', undefined])(
    'rejects the id %p',
    id => {
      expect(() =>
        assertEnvironmentDriver({ ...complete, id: id as any }),
      ).toThrow(InputError);
    },
  );
});
