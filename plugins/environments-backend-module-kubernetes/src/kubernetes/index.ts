export {
  KubernetesNamespaceDriver,
  KUBERNETES_NAMESPACE_DRIVER_ID,
} from './KubernetesNamespaceDriver';
export type { GroupMembers } from './KubernetesNamespaceDriver';
export { readKubernetesNamespaceDriverOptions } from './config';
export type {
  KubernetesClusterAccessOptions,
  KubernetesClusterOptions,
  KubernetesNamespaceDriverOptions,
  PodSecurityLevel,
} from './config';
export type { StatusSweepOptions } from './statusSweep';
