import type { ClusterClient } from './clusterClient';
import type { KubernetesClusterOptions } from './config';
import type { DesiredObjects } from './manifests';
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
