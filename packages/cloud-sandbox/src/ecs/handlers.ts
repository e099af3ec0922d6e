/**
 * ECS actions in the AWS JSON 1.1 protocol. Timestamps are epoch seconds;
 * errors are `{ "__type": "...", "message": "..." }` with HTTP 400.
 */
import { AwsError } from '../aws/query';
import { epochSeconds } from '../util/time';
import type { Cluster, EcsState, Service, Task, TaskDefinition } from './state';

type Json = Record<string, unknown>;
type Handler = (input: Json) => Json;

function str(input: Json, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

function strings(input: Json, key: string): string[] {
  const value = input[key];
  return Array.isArray(value) ? value.map(String) : [];
}

function clusterNotFound(): AwsError {
  return new AwsError('ClusterNotFoundException', 'Cluster not found.');
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

function clusterJson(ecs: EcsState, cluster: Cluster): Json {
  const services = ecs.servicesIn(cluster).filter(s => s.status === 'ACTIVE');
  const tasks = [...ecs.tasks.values()].filter(
    t => t.clusterArn === cluster.clusterArn,
  );
  return {
    clusterArn: cluster.clusterArn,
    clusterName: cluster.clusterName,
    status: cluster.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter(t => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter(
      t => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING',
    ).length,
    activeServicesCount: services.length,
    statistics: [],
    tags: cluster.tags,
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
  };
}

function serviceJson(ecs: EcsState, service: Service): Json {
  return {
    serviceArn: service.serviceArn,
    serviceName: service.serviceName,
    clusterArn: service.clusterArn,
    loadBalancers: service.loadBalancers,
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: ecs.runningCount(service),
    pendingCount: ecs.pendingCount(service),
    launchType: service.launchType,
    platformVersion: service.launchType === 'FARGATE' ? 'LATEST' : undefined,
    platformFamily: service.launchType === 'FARGATE' ? 'Linux' : undefined,
    taskDefinition: service.taskDefinition,
    deploymentConfiguration: {
      deploymentCircuitBreaker: service.circuitBreaker,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: service.deployments.map(d => ({
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinition,
      desiredCount: d.desiredCount,
      pendingCount: ecs.pendingCount(service, d.id),
      runningCount: ecs.runningCount(service, d.id),
      failedTasks: d.failedTasks,
      createdAt: epochSeconds(d.createdAt),
      updatedAt: epochSeconds(d.updatedAt),
      launchType: service.launchType,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
    })),
    roleArn: undefined,
    events: service.events.map(e => ({
      id: e.id,
      createdAt: epochSeconds(e.createdAt),
      message: e.message,
    })),
    createdAt: epochSeconds(service.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
  };
}

function taskJson(task: Task): Json {
  return {
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    launchType: task.launchType,
    group: `service:${task.serviceName}`,
    startedBy: task.deploymentId,
    createdAt: epochSeconds(task.createdAt),
    startedAt: task.startedAt ? epochSeconds(task.startedAt) : undefined,
    stoppedAt: task.stoppedAt ? epochSeconds(task.stoppedAt) : undefined,
    stoppedReason: task.stoppedReason,
    stopCode: task.stoppedReason ? 'EssentialContainerExited' : undefined,
    containers: task.containers.map(c => ({
      name: c.name,
      image: c.image,
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      taskArn: task.taskArn,
    })),
  };
}

function taskDefinitionJson(def: TaskDefinition): Json {
  // The stored definition holds ECS's own field names; what ECS adds on
  // reading it back (compatibilities, empty lists, container defaults)
  // is filled in here.
  return {
    ...def,
    compatibilities: ['EC2', 'FARGATE'],
    registeredAt: def.registeredAt ? epochSeconds(def.registeredAt) : undefined,
    containerDefinitions: def.containerDefinitions.map(c => ({
      name: c.name,
      image: c.image,
      essential: c.essential ?? true,
      portMappings: c.portMappings ?? [],
      environment: c.environment ?? [],
      secrets: c.secrets?.length ? c.secrets : undefined,
      mountPoints: [],
      volumesFrom: [],
    })),
    volumes: [],
    placementConstraints: [],
  };
}

function requireCluster(ecs: EcsState, input: Json): Cluster {
  const cluster = ecs.activeCluster(str(input, 'cluster'));
  if (!cluster) throw clusterNotFound();
  return cluster;
}

/** Paginates a list of ARNs with an opaque numeric nextToken. */
function page(items: string[], input: Json, max = 10): Json {
  const limit = typeof input.maxResults === 'number' ? input.maxResults : max;
  const start = Number(str(input, 'nextToken') ?? '0') || 0;
  const next = start + limit < items.length ? String(start + limit) : undefined;
  return { items: items.slice(start, start + limit), nextToken: next };
}

/** The ids a Describe* call names: at least one, at most `max`. */
function requestedIds(
  input: Json,
  limits: { key: string; max: number; empty: string; tooMany: string },
): string[] {
  const ids = strings(input, limits.key);
  if (ids.length === 0) throw invalid(limits.empty);
  if (ids.length > limits.max) throw invalid(limits.tooMany);
  return ids;
}

/** How a Describe* action finds, renders and names what it was asked for. */
interface Lookup<T> {
  find(id: string): T | undefined;
  render(found: T): Json;
  /** The ARN of a bare name that was not found. */
  arnOf(name: string): string;
}

/**
 * A Describe* answer: the JSON of each id found, and a MISSING failure
 * naming the ARN of each not found.
 */
function describeEach<T>(
  ids: string[],
  lookup: Lookup<T>,
): { found: Json[]; failures: Json[] } {
  const found: Json[] = [];
  const failures: Json[] = [];
  for (const id of ids) {
    const item = lookup.find(id);
    if (item) found.push(lookup.render(item));
    else {
      const arn = id.startsWith('arn:') ? id : lookup.arnOf(id);
      failures.push({ arn, reason: 'MISSING' });
    }
  }
  return { found, failures };
}

const SERVICE_IDS = {
  key: 'services',
  max: 10,
  empty: 'Services cannot be empty.',
  tooMany: 'service names can have at most 10 items.',
};
const TASK_IDS = {
  key: 'tasks',
  max: 100,
  empty: 'Tasks cannot be empty.',
  tooMany: 'Tasks can have at most 100 items.',
};

function servicesOf(ecs: EcsState, cluster: Cluster): Lookup<Service> {
  return {
    find: name => ecs.findService(cluster, name),
    render: service => serviceJson(ecs, service),
    arnOf: name =>
      `${cluster.clusterArn.replace(':cluster/', ':service/')}/${name}`,
  };
}

function tasksOf(ecs: EcsState, cluster: Cluster): Lookup<Task> {
  return {
    find: id =>
      [...ecs.tasks.values()].find(
        t =>
          t.clusterArn === cluster.clusterArn &&
          (t.taskArn === id || t.taskArn.endsWith(`/${id}`)),
      ),
    render: taskJson,
    arnOf: id => id,
  };
}

export function ecsHandlers(ecs: EcsState): Record<string, Handler> {
  return {
    DescribeClusters: input => {
      const requested = strings(input, 'clusters');
      const names = requested.length ? requested : ['default'];
      const { found, failures } = describeEach(names, {
        find: name => ecs.clusters.get(name.split('/').pop() ?? name),
        render: cluster => clusterJson(ecs, cluster),
        arnOf: name => `arn:aws:ecs:us-east-1:000000000000:cluster/${name}`,
      });
      return { clusters: found, failures };
    },

    DescribeTaskDefinition: input => {
      const ref = str(input, 'taskDefinition');
      if (!ref) throw invalid('Task Definition can not be blank.');
      const def = ecs.findTaskDefinition(ref);
      if (!def) {
        throw new AwsError(
          'ClientException',
          'Unable to describe task definition.',
        );
      }
      return { taskDefinition: taskDefinitionJson(def), tags: [] };
    },

    ListClusters: input => {
      const arns = [...ecs.clusters.values()]
        .filter(c => c.status === 'ACTIVE')
        .map(c => c.clusterArn);
      const { items, nextToken } = page(arns, input, 100);
      return { clusterArns: items, nextToken };
    },

    DescribeServices: input => {
      const services = servicesOf(ecs, requireCluster(ecs, input));
      const { found, failures } = describeEach(
        requestedIds(input, SERVICE_IDS),
        services,
      );
      return { services: found, failures };
    },

    ListServices: input => {
      const cluster = requireCluster(ecs, input);
      const arns = ecs
        .servicesIn(cluster)
        .filter(s => s.status !== 'INACTIVE')
        .map(s => s.serviceArn);
      const { items, nextToken } = page(arns, input);
      return { serviceArns: items, nextToken };
    },

    ListTasks: input => {
      const cluster = requireCluster(ecs, input);
      const serviceName = str(input, 'serviceName');
      if (serviceName) {
        const service = ecs.findService(cluster, serviceName);
        if (!service || service.status === 'INACTIVE') {
          throw new AwsError('ServiceNotFoundException', 'Service not found.');
        }
      }
      const desired = str(input, 'desiredStatus') ?? 'RUNNING';
      const arns = [...ecs.tasks.values()]
        .filter(t => t.clusterArn === cluster.clusterArn)
        .filter(
          t => !serviceName || t.serviceName === serviceName.split('/').pop(),
        )
        .filter(t => t.desiredStatus === desired)
        .map(t => t.taskArn);
      const { items, nextToken } = page(arns, input, 100);
      return { taskArns: items, nextToken };
    },

    DescribeTasks: input => {
      const tasks = tasksOf(ecs, requireCluster(ecs, input));
      const result = describeEach(requestedIds(input, TASK_IDS), tasks);
      return { tasks: result.found, failures: result.failures };
    },

    UpdateService: input => {
      const cluster = requireCluster(ecs, input);
      const name = str(input, 'service');
      if (!name) throw invalid('Service cannot be empty.');
      const service = ecs.findService(cluster, name);
      if (!service)
        throw new AwsError('ServiceNotFoundException', 'Service not found.');
      if (service.status !== 'ACTIVE') {
        throw new AwsError(
          'ServiceNotActiveException',
          'Service was not ACTIVE.',
        );
      }
      const desired = input.desiredCount;
      if (
        desired !== undefined &&
        (typeof desired !== 'number' || desired < 0)
      ) {
        throw invalid('Invalid desiredCount.');
      }
      ecs.updateService(service, {
        desiredCount: typeof desired === 'number' ? desired : undefined,
        taskDefinition: str(input, 'taskDefinition'),
        forceNewDeployment: input.forceNewDeployment === true,
      });
      return { service: serviceJson(ecs, service) };
    },
  };
}
