import { createHash } from 'node:crypto';
import { shortHash } from '@envkit/plugin-environments-common';
import type { DriverEnvironment } from '@envkit/plugin-environments-node';
import type { KubeObject } from './clusterClient';
import type { NamespaceParameters } from './parameters';

/** Labels Envkit puts on everything it creates. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  environment: 'envkit.io/environment',
  owner: 'envkit.io/owner',
  template: 'envkit.io/template',
} as const;

/**
 * The name Envkit goes by on a cluster: the value of its managed-by label,
 * and the field manager its server-side applies own their fields as.
 */
export const MANAGED_BY = 'envkit';
export const FIELD_MANAGER = MANAGED_BY;

/** Fixed names of the objects inside an environment's namespace. */
export const OBJECT_NAMES = {
  quota: 'envkit-quota',
  limitRange: 'envkit-limits',
  networkPolicy: 'envkit-network',
  roleBinding: 'envkit-admins',
  /** The ServiceAccount kubeconfigs get tokens for, and its RoleBinding. */
  accessServiceAccount: 'envkit-access',
  accessRoleBinding: 'envkit-access',
  workload: 'workload',
  /** The Secret holding `workload.secretEnv`. */
  secretEnv: 'workload-env',
} as const;

/** Annotations on the workload's pod template. */
export const POD_ANNOTATIONS = {
  /** What `kubectl rollout restart` sets; a new value rolls the pods. */
  restartedAt: 'kubectl.kubernetes.io/restartedAt',
  /** A digest of the Secret's content, so a changed value rolls the pods. */
  secretChecksum: 'envkit.io/secret-env-checksum',
} as const;

const WORKLOAD_LABEL = 'app.kubernetes.io/name';

/** A plain object the driver applies. */
export type Manifest = KubeObject;

/**
 * `text` as a valid label value: characters outside `[A-Za-z0-9_.-]`
 * become `.`, and values over 63 characters end in a hash of the original.
 */
export function labelValue(text: string): string {
  const trim = (s: string) => s.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  const value = trim(text.replace(/[^A-Za-z0-9_.-]+/g, '.'));
  if (value.length <= 63) return value;
  return `${trim(value.slice(0, 54))}-${shortHash(text, 8)}`;
}

/** Whether a namespace carries the labels of this environment. */
export function isOwnedBy(
  namespace: KubeObject | undefined,
  environmentId: string,
): boolean {
  const labels = namespace?.metadata?.labels ?? {};
  return (
    labels[LABELS.managedBy] === MANAGED_BY &&
    labels[LABELS.environment] === labelValue(environmentId)
  );
}

export interface ManifestInput {
  namespace: string;
  environment: DriverEnvironment;
  parameters: NamespaceParameters;
  adminClusterRole: string;
  ingressControllerNamespace: string;
  ingressDomain?: string;
  ingressClassName?: string;
}

export interface DesiredObjects {
  namespace: Manifest;
  /** Objects whose edits are drift to undo: quota, limits, policy, binding. */
  guardrails: Manifest[];
  /**
   * Deployment, Service, (with a host) Ingress and (with `secretEnv`) the
   * Secret, when a workload is asked for.
   */
  workload: Manifest[];
  /** The Ingress host, when the workload is published. */
  host?: string;
}

function commonLabels(environment: DriverEnvironment): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: labelValue(environment.id),
  };
}

function networkPolicy(input: ManifestInput): Manifest {
  const { allow } = input.parameters;
  const byName = (name: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
  });
  const ingress: unknown[] = [];
  const egress: unknown[] = [];
  if (allow.includes('sameNamespace')) {
    ingress.push({ from: [{ podSelector: {} }] });
    egress.push({ to: [{ podSelector: {} }] });
  }
  if (allow.includes('ingressController')) {
    ingress.push({ from: [byName(input.ingressControllerNamespace)] });
  }
  if (allow.includes('dnsEgress')) {
    egress.push({
      to: [byName('kube-system')],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: OBJECT_NAMES.networkPolicy },
    spec: {
      // Every pod; with both policy types, whatever no rule allows is denied.
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  };
}

/**
 * A salted SHA-256 digest of the secret variables: it changes with any
 * value, so pods roll, yet it is no plain hash of one password.
 */
function secretChecksum(
  environmentId: string,
  secretEnv: Record<string, string>,
): string {
  const entries = Object.keys(secretEnv)
    .sort()
    .map(k => [k, secretEnv[k]]);
  return createHash('sha256')
    .update(JSON.stringify(['envkit-secret-env', environmentId, entries]))
    .digest('hex');
}

function secretEnvObjects(input: ManifestInput): {
  secret?: Manifest;
  env?: unknown[];
  checksum?: string;
} {
  const secretEnv = input.parameters.workload?.secretEnv;
  if (!secretEnv) return {};
  const names = Object.keys(secretEnv).sort();
  return {
    secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: OBJECT_NAMES.secretEnv },
      type: 'Opaque',
      data: Object.fromEntries(
        names.map(n => [
          n,
          Buffer.from(secretEnv[n], 'utf8').toString('base64'),
        ]),
      ),
    },
    env: names.map(n => ({
      name: n,
      valueFrom: { secretKeyRef: { name: OBJECT_NAMES.secretEnv, key: n } },
    })),
    checksum: secretChecksum(input.environment.id, secretEnv),
  };
}

function workloadObjects(input: ManifestInput): {
  objects: Manifest[];
  host?: string;
} {
  const workload = input.parameters.workload;
  if (!workload) return { objects: [] };
  const name = OBJECT_NAMES.workload;
  const selector = { [WORKLOAD_LABEL]: name };
  const secrets = secretEnvObjects(input);
  const podAnnotations: Record<string, string> = {};
  const restartedAt = input.environment.redeployRequestedAt;
  if (restartedAt) podAnnotations[POD_ANNOTATIONS.restartedAt] = restartedAt;
  if (secrets.checksum) {
    podAnnotations[POD_ANNOTATIONS.secretChecksum] = secrets.checksum;
  }
  const objects: Manifest[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        // Asleep outside its schedule; the parameter's count on waking.
        replicas: input.environment.asleep ? 0 : workload.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            // Envkit's labels too, so the pods are found with the rest of
            // the namespace (the Backstage Kubernetes plugin selects by them).
            labels: { ...commonLabels(input.environment), ...selector },
            ...(Object.keys(podAnnotations).length
              ? { annotations: podAnnotations }
              : {}),
          },
          spec: {
            containers: [
              {
                name: 'app',
                image: workload.image,
                ports: [{ name: 'http', containerPort: workload.port }],
                ...(secrets.env ? { env: secrets.env } : {}),
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: {
        selector,
        ports: [
          { name: 'http', port: workload.port, targetPort: workload.port },
        ],
      },
    },
  ];
  const host =
    workload.host ??
    (input.ingressDomain
      ? `${input.namespace}.${input.ingressDomain}`
      : undefined);
  if (host) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name },
      spec: {
        ...(input.ingressClassName
          ? { ingressClassName: input.ingressClassName }
          : {}),
        rules: [
          {
            host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: { name, port: { number: workload.port } },
                  },
                },
              ],
            },
          },
        ],
      },
    });
  }
  if (secrets.secret) objects.push(secrets.secret);
  return { objects, host };
}

/** Every object an environment's namespace should hold, fully specified. */
export function desiredObjects(input: ManifestInput): DesiredObjects {
  const { environment, parameters } = input;
  const labels = commonLabels(environment);
  const namespace: Manifest = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: input.namespace,
      labels: {
        ...labels,
        [LABELS.owner]: labelValue(environment.owner),
        [LABELS.template]: labelValue(environment.templateRef),
        'pod-security.kubernetes.io/enforce': parameters.podSecurity,
        'pod-security.kubernetes.io/warn': parameters.podSecurity,
      },
      // Label values are sanitised; the exact refs are kept here.
      annotations: {
        'envkit.io/environment-name': environment.name,
        'envkit.io/owner-ref': environment.owner,
        'envkit.io/template-ref': environment.templateRef,
        'envkit.io/template-version': environment.templateVersion,
      },
    },
  };
  const limitRange = parameters.limitRange;
  const guardrails: Manifest[] = [
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: OBJECT_NAMES.quota },
      spec: { hard: parameters.quotaHard },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: OBJECT_NAMES.limitRange },
      spec: {
        limits: [
          {
            type: 'Container',
            default: limitRange.default,
            defaultRequest: limitRange.defaultRequest,
            ...(limitRange.max && Object.keys(limitRange.max).length
              ? { max: limitRange.max }
              : {}),
          },
        ],
      },
    },
    networkPolicy(input),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: OBJECT_NAMES.roleBinding },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: input.adminClusterRole,
      },
      subjects: parameters.subjects.map(s => ({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: s.kind,
        name: s.name,
      })),
    },
    // Kubeconfigs carry short-lived tokens of this account (TokenRequest).
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: OBJECT_NAMES.accessServiceAccount },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: OBJECT_NAMES.accessRoleBinding },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: input.adminClusterRole,
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: OBJECT_NAMES.accessServiceAccount,
          namespace: input.namespace,
        },
      ],
    },
  ];
  const workload = workloadObjects(input);
  const inNamespace = (m: Manifest): Manifest => ({
    ...m,
    metadata: { ...m.metadata, namespace: input.namespace, labels },
  });
  return {
    namespace,
    guardrails: guardrails.map(inNamespace),
    workload: workload.objects.map(inNamespace),
    host: workload.host,
  };
}

/** Every workload object the driver may have created, for removal. */
export function workloadHeaders(namespace: string): Manifest[] {
  const meta = { name: OBJECT_NAMES.workload, namespace };
  return [
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta },
    { apiVersion: 'v1', kind: 'Service', metadata: meta },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: OBJECT_NAMES.secretEnv, namespace },
    },
  ];
}

/** The workload objects that exist but are no longer wanted, to remove. */
export function unwantedWorkload(desired: DesiredObjects, namespace: string) {
  const wanted = new Set(desired.workload.map(m => m.kind));
  return workloadHeaders(namespace).filter(m => !wanted.has(m.kind));
}

/** `Kind/name` for messages. */
export function describeObject(m: {
  kind?: string;
  metadata?: { name?: string };
}) {
  return `${m.kind}/${m.metadata?.name}`;
}
