import { DriverFailure } from '@envkit/plugin-environments-node';
import type { ClusterClient, KubeObject } from './clusterClient';
import { DEFAULTS, type KubernetesClusterOptions } from './config';
import { classifyKubernetesError } from './errors';
import {
  describeObject,
  FIELD_MANAGER,
  type DesiredObjects,
  type Manifest,
} from './manifests';
import type { NamespaceParameters } from './parameters';

/** Where a resource's namespace lives. */
export interface Target {
  cluster: KubernetesClusterOptions;
  api: ClusterClient;
  namespace: string;
}

/** A target with the resource's parameters and the objects it should have. */
export interface Plan extends Target {
  parameters: NamespaceParameters;
  desired: DesiredObjects;
}

/** The namespace as a failure's `resource`. */
export const describeTarget = (target: Target) =>
  `namespace '${target.namespace}' in cluster '${target.cluster.name}'`;

/** Someone else's namespace has the name: only a person can sort that out. */
export const foreignNamespace = (target: Target) => ({
  resource: describeTarget(target),
  reason: 'ForeignNamespace',
  message: `Namespace '${target.namespace}' already exists in cluster '${target.cluster.name}' and was not created by Envkit for this environment; Envkit will not adopt or change it. Delete or rename it, or create the environment under another name.`,
});

export function namespaceOutputs(plan: Plan): Record<string, string> {
  const workload = plan.parameters.workload;
  let endpoint = '';
  if (workload && plan.desired.host) {
    endpoint = (
      plan.cluster.endpointUrlTemplate ?? DEFAULTS.endpointUrlTemplate
    )
      .split('{host}')
      .join(plan.desired.host);
  } else if (workload) {
    endpoint = `http://workload.${plan.namespace}.svc.cluster.local:${workload.port}`;
  }
  return {
    namespace: plan.namespace,
    cluster: plan.cluster.name,
    endpoint,
    quota: Object.entries(plan.parameters.quotaSummary)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  };
}

/** Runs one API call, turning its failure into a `DriverFailure`. */
export async function callCluster<T>(
  target: Target,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classifyKubernetesError(
      error,
      target.cluster.name,
      what,
      describeTarget(target),
    );
  }
}

/** The object, or `undefined` when it does not exist. */
export function readObject(
  target: Target,
  manifest: Manifest,
): Promise<KubeObject | undefined> {
  return callCluster(target, `read ${describeObject(manifest)}`, () =>
    target.api.get(manifest),
  );
}

/** Deletes the object; one that does not exist counts as deleted. */
export async function deleteObject(
  target: Target,
  manifest: Manifest,
): Promise<undefined> {
  await callCluster(target, `delete ${describeObject(manifest)}`, () =>
    target.api.delete(manifest),
  );
  return undefined;
}

/** A forced server-side apply by Envkit's field manager. */
export function applyObject(
  target: Target,
  manifest: Manifest,
): Promise<KubeObject> {
  return callCluster(target, `apply ${describeObject(manifest)}`, () =>
    target.api.apply(manifest, FIELD_MANAGER),
  );
}

/**
 * The cluster a resource goes to: the one it names, else the default, else
 * the first allowed one; permanent failures for unknown or disallowed ones.
 */
export function pickCluster(
  clusters: ReadonlyMap<string, KubernetesClusterOptions>,
  defaultCluster: string | undefined,
  requested: string | undefined,
  allowed: string[] | undefined,
): KubernetesClusterOptions {
  const configured = [...clusters.keys()];
  let name = requested;
  if (name === undefined) {
    const preferred = defaultCluster ?? configured[0];
    name =
      !allowed || allowed.includes(preferred)
        ? preferred
        : allowed.find(a => clusters.has(a));
  }
  const cluster = name === undefined ? undefined : clusters.get(name);
  if (!cluster) {
    throw DriverFailure.permanent({
      resource: name ? `cluster '${name}'` : 'cluster',
      reason: 'UnknownCluster',
      message: name
        ? `Cluster '${name}' is not configured in environments.kubernetes.clusters; configured clusters: ${configured.join(
            ', ',
          )}`
        : `None of the template's allowed clusters (${(allowed ?? []).join(
            ', ',
          )}) is configured; configured clusters: ${configured.join(', ')}`,
    });
  }
  if (allowed && !allowed.includes(cluster.name)) {
    throw DriverFailure.permanent({
      resource: `cluster '${cluster.name}'`,
      reason: 'ClusterNotAllowed',
      message: `Cluster '${
        cluster.name
      }' is not among the template's allowed clusters: ${allowed.join(', ')}`,
    });
  }
  return cluster;
}
