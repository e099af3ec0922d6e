export {
  KubernetesNamespaceDriver,
  KUBERNETES_NAMESPACE_DRIVER_ID,
} from './KubernetesNamespaceDriver';
export { readKubernetesNamespaceDriverOptions } from './config';
export type {
  KubernetesClusterOptions,
  KubernetesNamespaceDriverOptions,
  PodSecurityLevel,
} from './config';
export type { StatusSweepOptions } from './statusSweep';
