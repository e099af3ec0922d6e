import { InputError } from '@backstage/errors';
import { parseCreateEnvironmentRequest } from './createRequest';

describe('parseCreateEnvironmentRequest', () => {
  it('refuses an input named __proto__ by name instead of dropping it', () => {
    const body = JSON.parse(
      '{"name":"dev","templateRef":"ecs","inputs":{"__proto__":{"x":1}}}',
    );
    expect(() => parseCreateEnvironmentRequest(body)).toThrow(
      'inputs.__proto__: is not an input name',
    );
  });

  it('parses a request and normalises refs', () => {
    expect(
      parseCreateEnvironmentRequest({
        name: 'dev',
        templateRef: 'ecs-service',
        inputs: { port: 80 },
        owner: 'team-a',
        component: 'component:default/shop',
        ttl: 'PT8H',
      }),
    ).toEqual({
      name: 'dev',
      templateRef: 'environmenttemplate:default/ecs-service',
      inputs: { port: 80 },
      owner: 'group:default/team-a',
      component: 'component:default/shop',
      ttl: 'PT8H',
    });
    expect(
      parseCreateEnvironmentRequest({ name: 'dev', templateRef: 'x' }).inputs,
    ).toEqual({});
  });

  it.each([
    [{ templateRef: 'x' }, /^name: Required/],
    [{ name: 'Dev', templateRef: 'x' }, /^name: must be lowercase/],
    [{ name: '../x', templateRef: 'x' }, /^name: may only contain/],
    [{ name: 'default', templateRef: 'x' }, /^name: 'default' is reserved/],
    [{ name: 'dev' }, /^templateRef: Required/],
    [{ name: 'dev', templateRef: 'a:b:c/' }, /^templateRef: /],
    [{ name: 'dev', templateRef: 'x', inputs: [] }, /^inputs: /],
    [{ name: 'dev', templateRef: 'x', ttl: '8h' }, /^ttl: must be an ISO-8601/],
    [{ name: 'dev', templateRef: 'x', owner: 'user:' }, /^owner: /],
    [{ name: 'dev', templateRef: 'x', extra: 1 }, /Unrecognized key/],
    [null, /Expected object/],
  ])('rejects %j', (body, message) => {
    expect(() => parseCreateEnvironmentRequest(body)).toThrow(InputError);
    expect(() => parseCreateEnvironmentRequest(body)).toThrow(message);
  });
});
