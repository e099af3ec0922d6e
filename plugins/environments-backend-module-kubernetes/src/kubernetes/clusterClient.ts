import http from 'node:http';
import https from 'node:https';
import { buffer } from 'node:stream/consumers';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { KubernetesClusterOptions } from './config';
import type { KubeStatus } from './errors';

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const IN_CLUSTER_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    deletionTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: any;
}

/** An object's identity: enough to address it. */
export type ObjectRef = Pick<KubeObject, 'apiVersion' | 'kind'> & {
  metadata: { name: string; namespace?: string };
};

/** The URL segment of each kind the driver touches; no discovery needed. */
const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/ResourceQuota': { plural: 'resourcequotas', namespaced: true },
  'v1/LimitRange': { plural: 'limitranges', namespaced: true },
  'v1/Service': { plural: 'services', namespaced: true },
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'v1/ServiceAccount': { plural: 'serviceaccounts', namespaced: true },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'networking.k8s.io/v1/NetworkPolicy': {
    plural: 'networkpolicies',
    namespaced: true,
  },
  'networking.k8s.io/v1/Ingress': { plural: 'ingresses', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    plural: 'rolebindings',
    namespaced: true,
  },
};

/** A response other than 2xx, with the `Status` the API server sent. */
export class KubernetesApiError extends Error {
  name = 'KubernetesApiError';
  constructor(readonly code: number, readonly status: KubeStatus) {
    super(status.message ?? `HTTP ${code}`);
  }
}

/** The object path, e.g. `/apis/apps/v1/namespaces/shop/deployments/workload`. */
export function objectPath(ref: ObjectRef, withName = true): string {
  const resource = RESOURCES[`${ref.apiVersion}/${ref.kind}`];
  if (!resource) {
    throw new Error(`the driver does not handle ${ref.apiVersion} ${ref.kind}`);
  }
  const parts = [ref.apiVersion.includes('/') ? 'apis' : 'api', ref.apiVersion];
  if (resource.namespaced) {
    if (!ref.metadata.namespace)
      throw new Error(`${ref.kind} needs a namespace`);
    parts.push('namespaces', encodeURIComponent(ref.metadata.namespace));
  }
  parts.push(resource.plural);
  if (withName) parts.push(encodeURIComponent(ref.metadata.name));
  return `/${parts.join('/')}`;
}

/** The path listing a kind in every namespace, e.g. `/apis/apps/v1/deployments`. */
export function collectionPath(
  type: Pick<ObjectRef, 'apiVersion' | 'kind'>,
): string {
  const resource = RESOURCES[`${type.apiVersion}/${type.kind}`];
  if (!resource) {
    throw new Error(
      `the driver does not handle ${type.apiVersion} ${type.kind}`,
    );
  }
  const root = type.apiVersion.includes('/') ? 'apis' : 'api';
  return `/${root}/${type.apiVersion}/${resource.plural}`;
}

export function kubeConfigFor(cluster: KubernetesClusterOptions): KubeConfig {
  const kc = new KubeConfig();
  if (cluster.kubeconfigPath) {
    kc.loadFromFile(cluster.kubeconfigPath);
    return kc;
  }
  const inCluster = !cluster.serviceAccountToken;
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: cluster.caData,
        caFile:
          cluster.caFile ??
          (inCluster && !cluster.caData && !cluster.skipTLSVerify
            ? IN_CLUSTER_CA
            : undefined),
        skipTLSVerify: cluster.skipTLSVerify ?? false,
      },
    ],
    users: [
      inCluster
        ? {
            name: 'envkit',
            // Re-read when it expires: projected service account tokens rotate.
            authProvider: {
              name: 'tokenFile',
              config: { tokenFile: IN_CLUSTER_TOKEN },
            },
          }
        : { name: 'envkit', token: cluster.serviceAccountToken },
    ],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: 'envkit' }],
    currentContext: cluster.name,
  });
  return kc;
}

/**
 * The few REST calls the driver makes, on plain JSON. Credentials and TLS
 * come from `@kubernetes/client-node`'s KubeConfig; requests are made here
 * so that objects go over the wire exactly as written (the generated
 * models rename fields such as `default` and `from`) and so every request
 * has a deadline.
 */
export class ClusterClient {
  private readonly kc: KubeConfig;

  constructor(
    readonly cluster: KubernetesClusterOptions,
    private readonly timeoutMs: number,
  ) {
    this.kc = kubeConfigFor(cluster);
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await this.request('GET', objectPath(ref));
    } catch (e) {
      if (e instanceof KubernetesApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  /**
   * One page of a list of `apiVersion`/`kind` across every namespace:
   * `limit` and `continue` as the API server takes them.
   */
  async listPage(
    type: Pick<ObjectRef, 'apiVersion' | 'kind'>,
    query: { labelSelector: string; limit: number; continue?: string },
  ): Promise<{ items: KubeObject[]; continue?: string }> {
    const list = (await this.request('GET', collectionPath(type), {
      labelSelector: query.labelSelector,
      limit: String(query.limit),
      ...(query.continue ? { continue: query.continue } : {}),
    })) as unknown as {
      items?: KubeObject[];
      metadata?: { continue?: string };
    };
    // List items carry no apiVersion and kind; the drift check wants them.
    const items = (list.items ?? []).map(item => ({
      ...item,
      apiVersion: type.apiVersion,
      kind: type.kind,
    }));
    return { items, continue: list.metadata?.continue || undefined };
  }

  create(object: KubeObject, fieldManager: string): Promise<KubeObject> {
    return this.request(
      'POST',
      objectPath(object, false),
      { fieldManager },
      object,
    );
  }

  /** Forced server-side apply as `fieldManager`. */
  apply(object: KubeObject, fieldManager: string): Promise<KubeObject> {
    return this.request(
      'PATCH',
      objectPath(object),
      { fieldManager, force: 'true' },
      object,
      'application/apply-patch+yaml',
    );
  }

  /**
   * A token of the ServiceAccount from the TokenRequest API, valid for
   * `expirationSeconds`. The token is handed back, never logged.
   */
  async requestToken(
    namespace: string,
    serviceAccount: string,
    expirationSeconds: number,
  ): Promise<{ token: string; expirationTimestamp: string }> {
    const core = this.kc.makeApiClient(CoreV1Api);
    try {
      const result = await core.createNamespacedServiceAccountToken({
        name: serviceAccount,
        namespace,
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { audiences: [], expirationSeconds },
        },
      });
      const token = result.status?.token;
      const expires = result.status?.expirationTimestamp;
      if (!token || !expires) {
        throw new Error('the TokenRequest response holds no token');
      }
      return {
        token,
        expirationTimestamp: new Date(
          expires as unknown as string,
        ).toISOString(),
      };
    } catch (e) {
      if (e instanceof ApiException) {
        let status: KubeStatus = {};
        try {
          status = JSON.parse(String(e.body));
        } catch {
          status = { message: `HTTP ${e.code}` };
        }
        throw new KubernetesApiError(e.code, { code: e.code, ...status });
      }
      throw e;
    }
  }

  /** Deletes the object; true when it existed. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.request('DELETE', objectPath(ref));
      return true;
    } catch (e) {
      if (e instanceof KubernetesApiError && e.code === 404) return false;
      throw e;
    }
  }

  private async request(
    method: string,
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
    contentType = 'application/json',
  ): Promise<KubeObject> {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server)
      throw new Error(`cluster '${this.cluster.name}' has no server URL`);
    const url = new URL(server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const options: https.RequestOptions = {
      method,
      headers: { accept: 'application/json', 'user-agent': 'envkit' },
    };
    // Adds the Authorization header and an agent with the cluster's TLS settings.
    await this.kc.applyToHTTPSOptions(options);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      options.headers = {
        ...options.headers,
        'content-type': contentType,
        'content-length': Buffer.byteLength(payload),
      };
    }
    options.signal = AbortSignal.timeout(this.timeoutMs);
    const transport = url.protocol === 'https:' ? https : http;
    const { code, text } = await new Promise<{ code: number; text: string }>(
      (resolve, reject) => {
        const req = transport.request(url, options, res => {
          buffer(res).then(
            bytes =>
              resolve({
                code: res.statusCode ?? 0,
                text: bytes.toString('utf8'),
              }),
            reject,
          );
        });
        req.on('error', reject);
        req.end(payload);
      },
    );
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text.slice(0, 500) };
    }
    if (code < 200 || code > 299) {
      throw new KubernetesApiError(code, { code, ...parsed });
    }
    return parsed;
  }
}
