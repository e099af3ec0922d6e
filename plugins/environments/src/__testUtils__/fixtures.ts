import type {
  Environment,
  EnvironmentEvent,
  EnvironmentPhase,
} from '@envkit/plugin-environments-common';
import type { EnvironmentTemplateSummary } from '@envkit/plugin-environments-common';
import type { Entity } from '@backstage/catalog-model';
import type { EnvironmentsApi } from '../api';

const HOUR = 3600_000;

/** An ECS environment in `phase`, with an endpoint once it is Ready. */
export function makeEnvironment(
  phase: EnvironmentPhase = 'Ready',
  overrides: {
    id?: string;
    name?: string;
    spec?: Partial<Environment['spec']>;
  } = {},
): Environment {
  const id = overrides.id ?? 'env-1';
  // A Degraded environment still runs, with the outputs it had.
  const ready =
    phase === 'Ready' || phase === 'Updating' || phase === 'Degraded';
  return {
    id,
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:05:00.000Z',
    createdBy: 'user:default/guest',
    spec: {
      name: overrides.name ?? 'checkout-pr-42',
      templateRef: 'environmenttemplate:default/ecs-web-service',
      templateVersion: '1.2.0',
      templateSnapshot: {
        type: 'ecs',
        version: '1.2.0',
        owner: 'group:default/platform',
        parameters: { properties: {} },
        resources: [],
        outputs: {},
        guardrails: { ttl: { default: 'PT8H', max: 'P1D' } },
      },
      inputs: { image: 'nginx:1.27', port: 80 },
      owner: 'group:default/team-storefront',
      component: 'component:default/checkout',
      expiresAt: new Date(Date.now() + 3.5 * HOUR).toISOString(),
      generation: 1,
      ...overrides.spec,
    },
    status: {
      phase,
      conditions: [],
      observedGeneration: 1,
      outputs: ready
        ? { endpoint: 'checkout-pr-42-alb.sandbox.local', clusterName: 'c1' }
        : {},
      resources: [
        {
          name: 'network',
          driver: 'aws-cloudformation',
          phase: ready ? 'Ready' : 'InProgress',
          outputs: {},
          updatedAt: '2025-03-01T10:04:00.000Z',
        },
      ],
      ...(phase === 'Failed' || phase === 'Degraded'
        ? {
            lastError: {
              reason: 'StackRollbackComplete',
              message: 'The service could not start: port 80 is not open',
              resource: 'service',
            },
          }
        : {}),
    },
  };
}

/**
 * An environment waiting for a member of `group:default/platform-team` to
 * approve the guest's request (made 2025-03-01, expiring two days later).
 */
export function makeAwaitingApproval(
  overrides: { id?: string; name?: string } = {},
): Environment {
  return makeEnvironment('AwaitingApproval', {
    ...overrides,
    spec: {
      approval: {
        approvers: 'group:default/platform-team',
        requestedBy: 'user:default/guest',
        requestedAt: '2025-03-01T10:00:00.000Z',
        expiresAt: '2025-03-03T10:00:00.000Z',
      },
    },
  });
}

/**
 * A namespace environment (kubernetes-namespace driver) whose last
 * observation reported `used` of its quota and `readyReplicas` of two.
 */
export function makeNamespaceEnvironment(
  phase: EnvironmentPhase = 'Ready',
  observed: { used?: Record<string, string>; readyReplicas?: number } = {},
): Environment {
  const base = makeEnvironment(phase, {
    name: 'payments-dev',
    spec: {
      templateRef: 'environmenttemplate:default/dev-namespace',
      inputs: { image: 'nginx:1.27' },
      component: undefined,
    },
  });
  return {
    ...base,
    status: {
      ...base.status,
      outputs: {
        namespace: 'env-payments-dev',
        cluster: 'sandbox',
        endpoint: 'http://payments-dev.sandbox.local',
      },
      resources: [
        {
          name: 'namespace',
          driver: 'kubernetes-namespace',
          phase: phase === 'Ready' ? 'Ready' : 'InProgress',
          outputs: { namespace: 'env-payments-dev', cluster: 'sandbox' },
          details: {
            cluster: 'sandbox',
            namespace: 'env-payments-dev',
            namespacePhase: 'Active',
            quota: {
              hard: {
                pods: '10',
                'requests.cpu': '2',
                'requests.memory': '4Gi',
              },
              used: observed.used ?? {
                pods: '2',
                'requests.cpu': '200m',
                'requests.memory': '256Mi',
              },
            },
            objects: [
              { kind: 'Namespace', name: 'env-payments-dev', state: 'Ready' },
              { kind: 'ResourceQuota', name: 'envkit-quota', state: 'Ready' },
              { kind: 'LimitRange', name: 'envkit-limits', state: 'Ready' },
              {
                kind: 'NetworkPolicy',
                name: 'envkit-network',
                state: 'Changed outside Envkit',
              },
              { kind: 'RoleBinding', name: 'envkit-admins', state: 'Ready' },
              { kind: 'ServiceAccount', name: 'envkit-access', state: 'Ready' },
              {
                kind: 'Deployment',
                name: 'workload',
                state: 'Ready, 2 of 2 replicas',
              },
              { kind: 'Service', name: 'workload', state: 'Ready' },
              {
                kind: 'Ingress',
                name: 'workload',
                state: 'Waiting for an address',
              },
            ],
            workload: {
              image: 'nginx:1.27',
              replicas: 2,
              readyReplicas: observed.readyReplicas ?? 2,
              ready: (observed.readyReplicas ?? 2) === 2,
            },
          },
          updatedAt: '2025-03-01T10:04:00.000Z',
        },
      ],
    },
  };
}

export const sampleEvents: EnvironmentEvent[] = [
  {
    id: '2',
    at: '2025-03-01T10:05:00.000Z',
    type: 'Normal',
    reason: 'Ready',
    message: 'All resources are ready',
  },
  {
    id: '1',
    at: '2025-03-01T10:00:00.000Z',
    type: 'Warning',
    reason: 'Throttled',
    message: 'CloudFormation asked us to slow down',
    resource: 'network',
  },
];

export function makeTemplate(
  version: string,
  overrides: Partial<EnvironmentTemplateSummary> = {},
): EnvironmentTemplateSummary {
  return {
    ref: 'environmenttemplate:default/ecs-web-service',
    valid: true,
    entity: {
      apiVersion: 'envkit.io/v1alpha1',
      kind: 'EnvironmentTemplate',
      metadata: {
        name: 'ecs-web-service',
        title: 'ECS web service',
        description: 'A Fargate service behind a load balancer',
      },
      spec: {
        type: 'ecs',
        version,
        owner: 'group:default/platform',
        parameters: { properties: {} },
        resources: [],
        outputs: {},
      },
    },
    ...overrides,
  };
}

/** An EnvironmentsApi whose every method is a jest mock. */
export function mockEnvironmentsApi(
  overrides: Partial<Record<keyof EnvironmentsApi, jest.Mock>> = {},
): jest.Mocked<EnvironmentsApi> {
  return {
    getHealth: jest.fn().mockResolvedValue({ status: 'ok' }),
    listEnvironments: jest.fn().mockResolvedValue({ items: [], totalCount: 0 }),
    getEnvironment: jest.fn().mockResolvedValue(makeEnvironment()),
    createEnvironment: jest.fn(),
    previewEnvironment: jest.fn(),
    checkEnvironmentName: jest
      .fn()
      .mockImplementation(async (name: string) => ({ name, available: true })),
    updateEnvironmentInputs: jest.fn(),
    getEnvironmentEvents: jest.fn().mockResolvedValue(sampleEvents),
    extendEnvironment: jest.fn().mockResolvedValue(makeEnvironment()),
    upgradeEnvironment: jest
      .fn()
      .mockResolvedValue(makeEnvironment('Updating')),
    redeployEnvironment: jest
      .fn()
      .mockResolvedValue(makeEnvironment('Updating')),
    retryEnvironment: jest.fn().mockResolvedValue(makeEnvironment('Updating')),
    wakeEnvironment: jest.fn().mockResolvedValue(makeEnvironment('Updating')),
    destroyEnvironment: jest
      .fn()
      .mockResolvedValue(makeEnvironment('Destroying')),
    getEnvironmentKubeconfig: jest.fn().mockResolvedValue({
      cluster: 'sandbox',
      namespace: 'env-payments-dev',
      server: 'http://127.0.0.1:4566',
      authentication: 'token',
      expiresAt: '2025-03-01T11:00:00.000Z',
      kubeconfig: 'apiVersion: v1\nkind: Config\n',
    }),
    listTemplates: jest.fn().mockResolvedValue([makeTemplate('1.2.0')]),
    getTemplate: jest.fn().mockResolvedValue(makeTemplate('1.2.0')),
    approveEnvironment: jest
      .fn()
      .mockResolvedValue(makeEnvironment('Provisioning')),
    rejectEnvironment: jest.fn().mockResolvedValue(makeEnvironment('Rejected')),
    listApprovals: jest.fn().mockResolvedValue([]),
    ...overrides,
  } as jest.Mocked<EnvironmentsApi>;
}

/** The catalog entity of environment `env-1`, as the catalog module publishes it. */
export function environmentEntity(
  name = 'checkout-pr-42',
  owner = 'group:default/team-storefront',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      annotations: { 'envkit.io/environment-id': 'env-1' },
    },
    spec: { type: 'environment', owner },
  };
}
