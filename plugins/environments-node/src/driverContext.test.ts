import { mockServices } from '@backstage/backend-test-utils';
import { createDriverContext, idempotencyToken } from './driverContext';

const base = {
  environmentId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  generation: 3,
  resource: 'network',
  operation: 'apply',
};

describe('idempotencyToken', () => {
  it('is stable for a retried call', () => {
    expect(idempotencyToken(base)).toBe(idempotencyToken({ ...base }));
  });

  it('changes with any input', () => {
    const tokens = new Set([
      idempotencyToken(base),
      idempotencyToken({ ...base, environmentId: 'other' }),
      idempotencyToken({ ...base, generation: 4 }),
      idempotencyToken({ ...base, resource: 'service' }),
      idempotencyToken({ ...base, operation: 'destroy' }),
    ]);
    expect(tokens.size).toBe(5);
  });

  it('fits CloudFormation ClientRequestToken rules', () => {
    for (const operation of ['apply', 'Create Stack!', '', 'x'.repeat(200)]) {
      const token = idempotencyToken({
        ...base,
        generation: 2 ** 40,
        operation,
      });
      expect(token.length).toBeLessThanOrEqual(64);
      expect(token).toMatch(/^[a-zA-Z][-a-zA-Z0-9]*$/);
    }
  });
});

describe('createDriverContext', () => {
  it('derives tokens from environment, generation and resource', () => {
    const environment = {
      id: base.environmentId,
      name: 'dev',
      owner: 'user:default/jane',
      generation: 3,
      templateRef: 'environmenttemplate:default/ecs',
      templateVersion: '1.0.0',
    };
    const ctx = createDriverContext({
      environment,
      resource: 'network',
      logger: mockServices.logger.mock(),
    });
    expect(ctx.token('apply')).toBe(idempotencyToken(base));
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.environment).toBe(environment);
  });
});
