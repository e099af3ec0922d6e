import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { untilSettled } from '@envkit/plugin-environments-node/testUtils';
import { namespaceResource } from './__testUtils__/fixtures';
import { sandboxScenario, useSandboxSuite } from './__testUtils__/sandboxSuite';
import {
  permissionOf,
  startRecordingProxy,
} from './__testUtils__/recordingProxy';

jest.setTimeout(60_000);

const DOC = resolve(
  __dirname,
  '../../../../docs/drivers/kubernetes-namespace.md',
);

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

/** The ClusterRole from the documentation's YAML blocks. */
function documentedClusterRole(): Rule[] {
  const markdown = readFileSync(DOC, 'utf8');
  const blocks = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    m => m[1],
  );
  const roles = blocks
    .flatMap(b => parseAllDocuments(b).map(d => d.toJS()))
    .filter(d => d?.kind === 'ClusterRole');
  expect(roles).toHaveLength(1);
  return roles[0].rules;
}

const key = (p: { verb: string; resource: string; group: string }) =>
  `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}`;

/** Whether a rule lets the request through, resourceNames included. */
function allows(rules: Rule[], p: ReturnType<typeof permissionOf>): boolean {
  return rules.some(
    r =>
      (r.apiGroups ?? []).includes(p.group) &&
      (r.resources ?? []).includes(p.resource) &&
      (r.verbs ?? []).includes(p.verb) &&
      (!r.resourceNames || (!!p.name && r.resourceNames.includes(p.name))),
  );
}

function granted(rules: Rule[]): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        for (const verb of rule.verbs ?? [])
          out.add(key({ verb, resource, group }));
      }
    }
  }
  return out;
}

describe('the ClusterRole in docs/drivers/kubernetes-namespace.md', () => {
  const suite = useSandboxSuite();

  it('grants every call the driver makes over a whole lifecycle, and nothing it does not make', async () => {
    const proxy = await startRecordingProxy(suite.sandbox.url);
    try {
      const { driver, ctx, at } = sandboxScenario(
        suite.sandbox,
        { name: 'rbac' },
        { url: proxy.url },
      );
      const withWorkload = {
        ...namespaceResource({
          workload: {
            image: 'nginx:1.27',
            port: 80,
            secretEnv: { DB_PASSWORD: 'hunter2' },
          },
        }),
        secretParameters: ['workload.secretEnv.DB_PASSWORD'],
      };
      const withoutWorkload = namespaceResource();

      await driver.validate(withWorkload, ctx);
      await driver.plan(withWorkload, ctx);
      await untilSettled(() => driver.apply(withWorkload, ctx));
      await driver.observe(withWorkload, ctx);
      // A kubeconfig: a token of the namespace's access ServiceAccount.
      const outputs = (await driver.observe(withWorkload, ctx)).outputs ?? {};
      await driver.access(
        {
          environment: ctx.environment,
          resource: { name: 'namespace', driver: driver.id, outputs },
        },
        ctx,
      );
      await suite.admin.delete(at.quota);
      await driver.observe(withWorkload, ctx);
      await untilSettled(() => driver.apply(withWorkload, ctx));
      // The template drops its workload.
      await untilSettled(() => driver.apply(withoutWorkload, ctx));
      await untilSettled(() => driver.destroy(withoutWorkload, ctx));

      const rules = documentedClusterRole();
      const calls = proxy.requests.map(r => permissionOf(r));
      const used = new Set(calls.map(key));
      const documented = granted(rules);
      expect(
        calls.filter(c => !allows(rules, c)).map(c => `${key(c)} ${c.name}`),
      ).toEqual([]);
      // `bind` is checked by RBAC itself, not requested, so no request shows it.
      const unused = [...documented].filter(p => !used.has(p));
      expect(unused).toEqual(['bind clusterroles.rbac.authorization.k8s.io']);
      expect(used).toContain('delete deployments.apps');
      expect(used).toContain('patch rolebindings.rbac.authorization.k8s.io');
      expect(used).toContain('create serviceaccounts/token');
      // Tokens only for the access account, never another ServiceAccount;
      // the status checks list accounts by label, naming none.
      expect(
        new Set(
          calls
            .filter(
              c =>
                c.resource.startsWith('serviceaccounts') && c.verb !== 'list',
            )
            .map(c => c.name),
        ),
      ).toEqual(new Set(['envkit-access']));
      // Writing, checking and removing the workload's Secret, and no other.
      const secretCalls = calls.filter(c => c.resource === 'secrets');
      expect([...new Set(secretCalls.map(c => c.verb))].sort()).toEqual([
        'delete',
        'get',
        'patch',
      ]);
      expect(new Set(secretCalls.map(c => c.name))).toEqual(
        new Set(['workload-env']),
      );
    } finally {
      await proxy.close();
    }
  });

  it('reaches no Secret but the one holding workload.secretEnv', () => {
    const rules = documentedClusterRole().filter(r =>
      r.resources?.includes('secrets'),
    );
    expect(rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['get', 'patch', 'delete'],
        resourceNames: ['workload-env'],
      },
    ]);
    const call = (verb: string, name?: string) => ({
      verb,
      resource: 'secrets',
      group: '',
      ...(name ? { name } : {}),
    });
    expect(allows(rules, call('get', 'workload-env'))).toBe(true);
    expect(allows(rules, call('get', 'default-token'))).toBe(false);
    expect(allows(rules, call('list'))).toBe(false);
  });

  it('lets the role be bound only for the configured admin ClusterRole', () => {
    const bind = documentedClusterRole().find(r => r.verbs?.includes('bind'));
    expect(bind).toEqual({
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      verbs: ['bind'],
      resourceNames: ['admin'],
    });
  });
});
