import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { StatusSweepOptions } from './statusSweep';

/** Pod Security Admission levels. @public */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = [
  'privileged',
  'baseline',
  'restricted',
];

/**
 * One cluster the driver may provision namespaces in. The auth fields
 * follow the Backstage Kubernetes plugin's `serviceAccount` cluster entries.
 *
 * @public
 */
export interface KubernetesClusterOptions {
  name: string;
  /** API server URL. Optional only with `kubeconfigPath`. */
  url?: string;
  authProvider: 'serviceAccount';
  /**
   * Bearer token of the service account. Without it (and without
   * `kubeconfigPath`) the pod's own service account token is used.
   */
  serviceAccountToken?: string;
  /** Base64 PEM bundle of the API server's CA. */
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  /** A kubeconfig file whose current context is used instead of the fields above. */
  kubeconfigPath?: string;
  /**
   * Workloads get an Ingress host `<namespace>.<ingressDomain>` unless the
   * template names a host.
   */
  ingressDomain?: string;
  ingressClassName?: string;
  /**
   * How a published host becomes the `endpoint` output; `{host}` is
   * replaced. Default `http://{host}`.
   */
  endpointUrlTemplate?: string;
  /** How people reach their namespaces: the kubeconfigs Envkit hands out. */
  access?: KubernetesClusterAccessOptions;
}

/**
 * The kubeconfigs handed out for a cluster's namespaces.
 *
 * @public
 */
export interface KubernetesClusterAccessOptions {
  /** API server URL written into kubeconfigs; default the cluster's `url`. */
  server?: string;
  /** Longest token lifetime a caller may ask for, seconds. Default 86 400. */
  maxTokenSeconds?: number;
  /**
   * The cluster trusts an OIDC issuer: kubeconfigs carry an `exec`
   * credential stanza (kubectl oidc-login) instead of a token, and people
   * act as themselves, through the RoleBinding of their groups.
   */
  oidc?: {
    issuerUrl: string;
    clientId: string;
    extraScopes?: string[];
  };
}

/** Everything the driver needs besides the logger. @public */
export interface KubernetesNamespaceDriverOptions {
  clusters: KubernetesClusterOptions[];
  /** Used when a resource names no cluster; the first cluster otherwise. */
  defaultCluster?: string;
  /** Prepended to RBAC subject names, e.g. `oidc:`. Default none. */
  subjectPrefix?: string;
  /** ClusterRole bound to the owners in their namespace. Default `admin`. */
  adminClusterRole?: string;
  /**
   * How owners are bound: `groups` (default) binds each group as an RBAC
   * Group, so the cluster's identity provider decides membership; `users`
   * binds every member one by one, as the catalog lists them when the
   * namespace is reconciled (for clusters whose tokens carry no groups).
   */
  subjects?: 'groups' | 'users';
  /** Pod Security Admission level when the template sets none. Default `baseline`. */
  podSecurity?: PodSecurityLevel;
  /** Namespace of the ingress controller, for the `ingressController` allowance. Default `ingress-nginx`. */
  ingressControllerNamespace?: string;
  /** Per-request timeout in milliseconds. Default 10 000. */
  requestTimeoutMs?: number;
  /** The shared cluster-wide lists status checks read. */
  statusSweep?: StatusSweepOptions;
}

export const DEFAULTS = {
  tokenSeconds: 3600,
  maxTokenSeconds: 86_400,
  adminClusterRole: 'admin',
  podSecurity: 'baseline' as PodSecurityLevel,
  ingressControllerNamespace: 'ingress-nginx',
  requestTimeoutMs: 10_000,
  endpointUrlTemplate: 'http://{host}',
};

/**
 * Reads `environments.kubernetes` from app-config. Returns `undefined` when
 * the section is absent, so the driver is simply not offered.
 *
 * @public
 */
export function readKubernetesNamespaceDriverOptions(
  config: Config,
): KubernetesNamespaceDriverOptions | undefined {
  const root = config.getOptionalConfig('environments.kubernetes');
  if (!root) return undefined;
  const clusters = root.getConfigArray('clusters').map(readCluster);
  if (clusters.length === 0) {
    throw new InputError(
      'environments.kubernetes.clusters: configure at least one cluster',
    );
  }
  const names = new Set<string>();
  for (const cluster of clusters) {
    if (names.has(cluster.name)) {
      throw new InputError(
        `environments.kubernetes.clusters: cluster name '${cluster.name}' is used twice`,
      );
    }
    names.add(cluster.name);
  }
  const defaultCluster = root.getOptionalString('defaultCluster');
  if (defaultCluster !== undefined && !names.has(defaultCluster)) {
    throw new InputError(
      `environments.kubernetes.defaultCluster: no cluster named '${defaultCluster}'; configured clusters: ${[
        ...names,
      ].join(', ')}`,
    );
  }
  const podSecurity = root.getOptionalString('podSecurity');
  if (
    podSecurity !== undefined &&
    !POD_SECURITY_LEVELS.includes(podSecurity as PodSecurityLevel)
  ) {
    throw new InputError(
      `environments.kubernetes.podSecurity: must be one of ${POD_SECURITY_LEVELS.join(
        ', ',
      )}, got '${podSecurity}'`,
    );
  }
  const subjects = root.getOptionalString('subjects');
  if (subjects !== undefined && subjects !== 'groups' && subjects !== 'users') {
    throw new InputError(
      `environments.kubernetes.subjects: must be 'groups' or 'users', got '${subjects}'`,
    );
  }
  return {
    clusters,
    defaultCluster,
    subjects: subjects as 'groups' | 'users' | undefined,
    subjectPrefix: root.getOptionalString('subjectPrefix'),
    adminClusterRole: root.getOptionalString('adminClusterRole'),
    podSecurity: podSecurity as PodSecurityLevel | undefined,
    ingressControllerNamespace: root.getOptionalString(
      'ingressControllerNamespace',
    ),
    requestTimeoutMs: root.getOptionalNumber('requestTimeoutMs'),
    statusSweep: readStatusSweep(root),
  };
}

function readStatusSweep(root: Config): StatusSweepOptions | undefined {
  const sweep = root.getOptionalConfig('statusSweep');
  if (!sweep) return undefined;
  const maxAgeMs = sweep.getOptionalNumber('maxAgeMs');
  const pageSize = sweep.getOptionalNumber('pageSize');
  if (maxAgeMs !== undefined && !(maxAgeMs >= 0)) {
    throw new InputError(
      `environments.kubernetes.statusSweep.maxAgeMs: must be 0 or more, got ${maxAgeMs}`,
    );
  }
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) {
    throw new InputError(
      `environments.kubernetes.statusSweep.pageSize: must be a positive integer, got ${pageSize}`,
    );
  }
  return { maxAgeMs, pageSize };
}

function readCluster(c: Config, index: number): KubernetesClusterOptions {
  const at = `environments.kubernetes.clusters[${index}]`;
  const name = c.getString('name');
  const authProvider = c.getOptionalString('authProvider') ?? 'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    throw new InputError(
      `${at}.authProvider: only 'serviceAccount' is supported, got '${authProvider}'`,
    );
  }
  const url = c.getOptionalString('url');
  const kubeconfigPath = c.getOptionalString('kubeconfigPath');
  if (!url && !kubeconfigPath) {
    throw new InputError(`${at}: set url or kubeconfigPath`);
  }
  return {
    name,
    url,
    authProvider,
    serviceAccountToken: c.getOptionalString('serviceAccountToken'),
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
    kubeconfigPath,
    ingressDomain: c.getOptionalString('ingressDomain'),
    ingressClassName: c.getOptionalString('ingressClassName'),
    endpointUrlTemplate: c.getOptionalString('endpointUrlTemplate'),
    access: readAccess(c, at),
  };
}

function readAccess(
  c: Config,
  at: string,
): KubernetesClusterAccessOptions | undefined {
  const access = c.getOptionalConfig('access');
  if (!access) return undefined;
  const maxTokenSeconds = access.getOptionalNumber('maxTokenSeconds');
  if (
    maxTokenSeconds !== undefined &&
    (!Number.isInteger(maxTokenSeconds) || maxTokenSeconds < 600)
  ) {
    throw new InputError(
      `${at}.access.maxTokenSeconds: must be a whole number of seconds, at least 600 (the API server's minimum), got ${maxTokenSeconds}`,
    );
  }
  const oidc = access.getOptionalConfig('oidc');
  return {
    server: access.getOptionalString('server'),
    maxTokenSeconds,
    oidc: oidc && {
      issuerUrl: oidc.getString('issuerUrl'),
      clientId: oidc.getString('clientId'),
      extraScopes: oidc.getOptionalStringArray('extraScopes'),
    },
  };
}
