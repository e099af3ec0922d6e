import { namespaceName } from '@envkit/plugin-environments-common';
import { describeDriverContract } from '@envkit/plugin-environments-node/testUtils';
import {
  adminApi,
  namespaceResource,
  paths,
  sandboxDriver,
} from './kubernetes/__testUtils__/fixtures';

jest.setTimeout(60_000);

describeDriverContract({
  name: 'kubernetes-namespace',
  makeDriver: sandbox => sandboxDriver(sandbox),
  // Port 1 on loopback: nothing listens, every connection is refused.
  makeUnreachableDriver: sandbox =>
    sandboxDriver(sandbox, { url: 'http://127.0.0.1:1' }),
  resource: revision =>
    namespaceResource({ quota: revision === 1 ? 'small' : 'medium' }),
  revisionValues: { 1: '10', 2: '20' },
  readRevision: async (sandbox, environment) => {
    const at = paths(namespaceName(environment.name, environment.id));
    return (await adminApi(sandbox).get(at.quota))?.spec?.hard?.pods;
  },
  writeMarker: async (sandbox, environment) => {
    const at = paths(namespaceName(environment.name, environment.id));
    const admin = adminApi(sandbox);
    const objects = await Promise.all(
      [at.namespace, at.quota, at.limits, at.networkPolicy, at.roleBinding].map(
        path => admin.get(path),
      ),
    );
    return objects.map(o => o?.metadata?.resourceVersion);
  },
  leftovers: async (sandbox, environment) => {
    const namespace = namespaceName(environment.name, environment.id);
    const found = await adminApi(sandbox).get(paths(namespace).namespace);
    return found ? [`namespace ${namespace}`] : [];
  },
  // Refused before any call: an unknown quota size.
  invalidResource: namespaceResource({ quota: 'huge' }),
  outputKeys: ['namespace', 'cluster', 'quota'],
});
