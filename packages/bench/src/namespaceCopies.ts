import type { Sandbox } from '@envkit/cloud-sandbox';
import { namespaceName } from '@envkit/plugin-environments-common';
import { markReady, type SeedEnvironment } from './environments';
import { mapLimit, sandboxCluster } from './util';

/**
 * The namespaced objects the driver makes for an environment without a
 * workload (the kubernetes module's manifests.ts, OBJECT_NAMES). A missing
 * one makes every copy drift; the smoke run's copies catch that.
 */
const OBJECTS = [
  '/api/v1/namespaces/{ns}/resourcequotas/envkit-quota',
  '/api/v1/namespaces/{ns}/limitranges/envkit-limits',
  '/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies/envkit-network',
  '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings/envkit-admins',
  '/api/v1/namespaces/{ns}/serviceaccounts/envkit-access',
  '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings/envkit-access',
];

/** `/api/v1/namespaces/x/resourcequotas/name` → the collection path to POST to. */
const collectionOf = (path: string) => path.slice(0, path.lastIndexOf('/'));

/**
 * Seeds many namespace environments quickly: the engine provisions the
 * first (`provisioned`), and every other one gets a copy of its objects
 * with the names, ids and labels swapped, posted straight to the sandbox,
 * and is stored Ready. Provisioning 10,000 through the engine would take
 * most of an hour on a busy 2-core machine; a copy is what the driver would
 * have made, which the sweep confirms (a wrong copy shows as drift and
 * extra reads in the results).
 */
export async function seedNamespaceCopies(
  sandbox: Sandbox,
  store: { createEnvironment(env: SeedEnvironment): Promise<unknown> },
  provisioned: SeedEnvironment,
  others: SeedEnvironment[],
): Promise<void> {
  const token = sandboxCluster(sandbox).serviceAccountToken;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const source = namespaceName(provisioned.spec.name, provisioned.id);
  const originals = [
    await call('GET', `/api/v1/namespaces/${source}`),
    ...(await Promise.all(
      OBJECTS.map(p => call('GET', p.replace('{ns}', source))),
    )),
  ].map(o => {
    const { uid, resourceVersion, creationTimestamp, managedFields, ...meta } =
      o.metadata;
    void [uid, resourceVersion, creationTimestamp, managedFields];
    return JSON.stringify({ ...o, metadata: meta, status: undefined });
  });
  await mapLimit(others, 32, async env => {
    const ns = namespaceName(env.spec.name, env.id);
    const copies = originals.map(text =>
      JSON.parse(
        text
          .split(source)
          .join(ns)
          .split(provisioned.id)
          .join(env.id)
          .split(`"${provisioned.spec.name}"`)
          .join(`"${env.spec.name}"`),
      ),
    );
    await call('POST', '/api/v1/namespaces', copies[0]);
    await Promise.all(
      OBJECTS.map((p, i) =>
        call('POST', collectionOf(p.replace('{ns}', ns)), copies[i + 1]),
      ),
    );
    await store.createEnvironment(markReady(env));
  });
}
