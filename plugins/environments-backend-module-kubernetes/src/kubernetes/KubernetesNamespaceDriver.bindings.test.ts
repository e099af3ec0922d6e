import { mockServices } from '@backstage/backend-test-utils';
import { untilSettled } from '@envkit/plugin-environments-node/testUtils';
import { namespaceName } from '@envkit/plugin-environments-common';
import {
  namespaceResource,
  paths,
  sandboxCluster,
  testContext,
  testEnvironment,
} from './__testUtils__/fixtures';
import { useSandboxSuite } from './__testUtils__/sandboxSuite';
import { KubernetesNamespaceDriver } from './KubernetesNamespaceDriver';

jest.setTimeout(60_000);

const rbac = 'rbac.authorization.k8s.io';

describe('who the namespace-admin RoleBinding names', () => {
  const suite = useSandboxSuite();

  function driver(
    options: {
      subjects?: 'groups' | 'users';
      members?: Record<string, string[]>;
    } = {},
  ) {
    return new KubernetesNamespaceDriver({
      clusters: [sandboxCluster(suite.sandbox)],
      subjectPrefix: 'oidc:',
      subjects: options.subjects,
      groupMembers: async ref => options.members?.[ref] ?? [],
      logger: mockServices.logger.mock(),
    });
  }

  async function bound(
    d: KubernetesNamespaceDriver,
    owner: string,
    adminGroups: string[],
    name: string,
  ) {
    const environment = testEnvironment({ name, owner });
    const ctx = testContext(environment);
    const resource = namespaceResource({ adminGroups });
    await untilSettled(() => d.apply(resource, ctx));
    const at = paths(namespaceName(environment.name, environment.id));
    return {
      subjects: async () => (await suite.admin.get(at.roleBinding)).subjects,
      ctx,
      resource,
    };
  }

  it('binds the owner group of a group-owned environment, as a Group under the OIDC prefix', async () => {
    const { subjects } = await bound(
      driver(),
      'group:default/team-storefront',
      [],
      'group-owned',
    );
    expect(await subjects()).toEqual([
      { apiGroup: rbac, kind: 'Group', name: 'oidc:team-storefront' },
    ]);
  });

  it("binds the template's groups for a user-owned environment", async () => {
    const { subjects } = await bound(
      driver(),
      'user:default/lena',
      ['group:default/team-a', 'group:default/platform-team'],
      'user-owned',
    );
    expect(await subjects()).toEqual([
      { apiGroup: rbac, kind: 'User', name: 'oidc:lena' },
      { apiGroup: rbac, kind: 'Group', name: 'oidc:team-a' },
      { apiGroup: rbac, kind: 'Group', name: 'oidc:platform-team' },
    ]);
  });

  it('with subjects: users, binds the catalog members one by one and follows a membership change on the next reconcile', async () => {
    const members: Record<string, string[]> = {
      'group:default/team-storefront': ['user:default/lena'],
    };
    const d = driver({ subjects: 'users', members });
    const { subjects, ctx, resource } = await bound(
      d,
      'group:default/team-storefront',
      [],
      'members',
    );
    expect(await subjects()).toEqual([
      { apiGroup: rbac, kind: 'User', name: 'oidc:lena' },
    ]);
    expect((await d.observe(resource, ctx)).status).toBe('Ready');

    // Tom joins the team in the catalog; lena leaves.
    members['group:default/team-storefront'] = ['user:default/tom'];
    const observed = await d.observe(resource, ctx);
    expect(observed.status).toBe('InProgress');
    expect(observed.reason).toBe('GuardrailDrift');
    await untilSettled(() => d.apply(resource, ctx));
    expect(await subjects()).toEqual([
      { apiGroup: rbac, kind: 'User', name: 'oidc:tom' },
    ]);
    expect((await d.observe(resource, ctx)).status).toBe('Ready');
  });
});
