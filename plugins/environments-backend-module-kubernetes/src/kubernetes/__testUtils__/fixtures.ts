import { randomUUID } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { SANDBOX_TOKEN, type Sandbox } from '@envkit/cloud-sandbox';
import type {
  DriverContext,
  DriverEnvironment,
  DriverResource,
} from '@envkit/plugin-environments-node';
import {
  mockDriverContext,
  mockDriverEnvironment,
} from '@envkit/plugin-environments-node/testUtils';
import type { KubernetesClusterOptions } from '../config';
import { KubernetesNamespaceDriver } from '../KubernetesNamespaceDriver';
import type { StatusSweepOptions } from '../statusSweep';

export function testEnvironment(
  overrides: Partial<DriverEnvironment> = {},
): DriverEnvironment {
  return mockDriverEnvironment({
    id: randomUUID(),
    name: 'shop',
    owner: 'group:default/team-storefront',
    templateRef: 'environmenttemplate:default/dev-namespace',
    ...overrides,
  });
}

export function testContext(environment: DriverEnvironment): DriverContext {
  return mockDriverContext(environment, 'namespace');
}

export function namespaceResource(
  parameters: Record<string, unknown> = {},
): DriverResource {
  return {
    name: 'namespace',
    driver: 'kubernetes-namespace',
    parameters: {
      quota: 'small',
      networkPolicy: {
        allow: ['sameNamespace', 'dnsEgress', 'ingressController'],
      },
      adminGroups: ['group:default/platform-team'],
      ...parameters,
    },
  };
}

/** A cluster entry for a sandbox, or for anything speaking its API at `url`. */
export function sandboxCluster(
  sandbox: Sandbox,
  url = sandbox.url,
  name = 'sandbox',
): KubernetesClusterOptions {
  return {
    name,
    url,
    authProvider: 'serviceAccount',
    serviceAccountToken: SANDBOX_TOKEN,
    // The sandbox speaks plain HTTP, which the client only allows so.
    skipTLSVerify: true,
    ingressDomain: 'apps.sandbox.test',
    endpointUrlTemplate: `${sandbox.url}/_sandbox/endpoints/{host}`,
  };
}

export function testDriver(
  clusters: KubernetesClusterOptions[],
  extra: {
    requestTimeoutMs?: number;
    subjectPrefix?: string;
    statusSweep?: StatusSweepOptions;
  } = {},
) {
  return new KubernetesNamespaceDriver({
    clusters,
    logger: mockServices.logger.mock(),
    // Tests change objects between checks and expect the next check to see
    // it, so lists are shared only while in flight unless a test says so.
    statusSweep: { maxAgeMs: 0 },
    ...extra,
  });
}

/**
 * A driver on the sandbox as its one cluster; `cluster` changes the entry
 * (say a `url` of a recording proxy in front of the sandbox, or `access`).
 */
export function sandboxDriver(
  sandbox: Sandbox,
  cluster: Partial<KubernetesClusterOptions> = {},
  extra: Parameters<typeof testDriver>[1] = {},
) {
  return testDriver([{ ...sandboxCluster(sandbox), ...cluster }], extra);
}

/**
 * Plain REST calls to the sandbox as an administrator would make them (not
 * through the driver's client), for arranging and checking state.
 */
export function adminApi(sandbox: Sandbox) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${SANDBOX_TOKEN}`,
        accept: 'application/json',
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (response.status === 404 && method === 'GET') return undefined;
    if (!response.ok) {
      throw new Error(
        `${method} ${path}: ${response.status} ${JSON.stringify(json)}`,
      );
    }
    return json;
  };
  const create = (path: string, body: unknown): Promise<any> =>
    call('POST', path, body, 'application/json');
  return {
    get: (path: string): Promise<any> => call('GET', path),
    delete: (path: string): Promise<any> => call('DELETE', path),
    create,
    /** A namespace made by someone else than the driver, with `labels`. */
    createNamespace: (name: string, labels: Record<string, string>) =>
      create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      }),
    /** A merge patch, as `kubectl edit` or `kubectl patch` would send, by `manager`. */
    mergePatch: (path: string, body: unknown, manager: string): Promise<any> =>
      call(
        'PATCH',
        `${path}?fieldManager=${encodeURIComponent(manager)}`,
        body,
        'application/merge-patch+json',
      ),
  };
}

/** API paths of the objects the driver creates. */
export function paths(namespace: string) {
  const ns = `/api/v1/namespaces/${namespace}`;
  const net = `/apis/networking.k8s.io/v1/namespaces/${namespace}`;
  return {
    namespace: ns,
    quota: `${ns}/resourcequotas/envkit-quota`,
    limits: `${ns}/limitranges/envkit-limits`,
    networkPolicy: `${net}/networkpolicies/envkit-network`,
    roleBinding: `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings/envkit-admins`,
    deployment: `/apis/apps/v1/namespaces/${namespace}/deployments/workload`,
    service: `${ns}/services/workload`,
    ingress: `${net}/ingresses/workload`,
  };
}
