import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  environmentApprovePermission,
  environmentAccessPermission,
  environmentCreatePermission,
  environmentDeletePermission,
  environmentReadPermission,
  environmentTemplateUsePermission,
} from '@envkit/plugin-environments-common';
import { EnvkitExamplePolicy } from './permissionPolicy';

function user(userEntityRef: string, groups: string[]) {
  return {
    identity: {
      type: 'user' as const,
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...groups],
    },
    info: { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] },
    token: 'token',
    credentials: {} as any,
  };
}

describe('EnvkitExamplePolicy', () => {
  const policy = new EnvkitExamplePolicy();
  const lena = user('user:default/lena', ['group:default/team-storefront']);
  const priya = user('user:default/priya', ['group:default/platform-team']);

  it('lets the platform team do everything', async () => {
    for (const permission of [
      environmentCreatePermission,
      environmentReadPermission,
      environmentDeletePermission,
    ]) {
      await expect(policy.handle({ permission }, priya)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('gives kubeconfigs only to owners, the platform team included', async () => {
    for (const [who, claims] of [
      [priya, ['user:default/priya', 'group:default/platform-team']],
      [lena, ['user:default/lena', 'group:default/team-storefront']],
    ] as const) {
      await expect(
        policy.handle({ permission: environmentAccessPermission }, who),
      ).resolves.toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: { rule: 'IS_ENVIRONMENT_OWNER', params: { claims } },
      });
    }
    await expect(
      policy.handle({ permission: environmentAccessPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('scopes everyone else to what they or their groups own', async () => {
    const decision = await policy.handle(
      { permission: environmentDeletePermission },
      lena,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'environments',
      resourceType: 'environment',
      conditions: {
        rule: 'IS_ENVIRONMENT_OWNER',
        params: {
          claims: ['user:default/lena', 'group:default/team-storefront'],
        },
      },
    });
  });

  it('lets any signed-in user be asked to approve, leaving group membership to the API', async () => {
    await expect(
      policy.handle({ permission: environmentApprovePermission }, lena),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: environmentApprovePermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('denies anonymous callers and leaves template use to the guardrails', async () => {
    await expect(
      policy.handle({ permission: environmentReadPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle({ permission: environmentTemplateUsePermission }, lena),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets catalog reads of Envkit entities follow the environment rule and the template audience', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      lena,
    );
    const claims = ['user:default/lena', 'group:default/team-storefront'];
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        anyOf: [
          {
            not: {
              anyOf: [
                {
                  allOf: [
                    {
                      rule: 'IS_ENTITY_KIND',
                      resourceType: 'catalog-entity',
                      params: { kinds: ['Resource'] },
                    },
                    {
                      rule: 'HAS_SPEC',
                      resourceType: 'catalog-entity',
                      params: { key: 'type', value: 'environment' },
                    },
                  ],
                },
                {
                  rule: 'HAS_SPEC',
                  resourceType: 'catalog-entity',
                  params: { key: 'envkit.audience' },
                },
              ],
            },
          },
          {
            rule: 'IS_ENVIRONMENT_OWNER',
            resourceType: 'catalog-entity',
            params: { claims },
          },
          {
            rule: 'IS_IN_TEMPLATE_AUDIENCE',
            resourceType: 'catalog-entity',
            params: { claims },
          },
          {
            allOf: [
              {
                rule: 'HAS_SPEC',
                resourceType: 'catalog-entity',
                params: { key: 'envkit.audience' },
              },
              {
                rule: 'IS_ENTITY_OWNER',
                resourceType: 'catalog-entity',
                params: { claims },
              },
            ],
          },
        ],
      },
    });
  });

  it('leaves other catalog permissions alone and the platform team unrestricted', async () => {
    await expect(
      policy.handle({ permission: catalogEntityDeletePermission }, lena),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: catalogEntityReadPermission }, priya),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});
