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
        proxy.url,
      );
      const withWorkload = namespaceResource({
        workload: { image: 'nginx:1.27', port: 80 },
      });
      const withoutWorkload = namespaceResource();

      await driver.validate(withWorkload, ctx);
      await driver.plan(withWorkload, ctx);
      await untilSettled(() => driver.apply(withWorkload, ctx));
      await driver.observe(withWorkload, ctx);
      await suite.admin.delete(at.quota);
      await driver.observe(withWorkload, ctx);
      await untilSettled(() => driver.apply(withWorkload, ctx));
      // The template drops its workload.
      await untilSettled(() => driver.apply(withoutWorkload, ctx));
      await untilSettled(() => driver.destroy(withoutWorkload, ctx));

      const used = new Set(proxy.requests.map(r => key(permissionOf(r))));
      const documented = granted(documentedClusterRole());
      expect([...used].filter(p => !documented.has(p))).toEqual([]);
      // `bind` is checked by RBAC itself, not requested, so no request shows it.
      const unused = [...documented].filter(p => !used.has(p));
      expect(unused).toEqual(['bind clusterroles.rbac.authorization.k8s.io']);
      expect(used).toContain('delete deployments.apps');
      expect(used).toContain('patch rolebindings.rbac.authorization.k8s.io');
    } finally {
      await proxy.close();
    }
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
