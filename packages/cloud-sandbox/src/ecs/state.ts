/**
 * In-memory ECS: clusters, task definitions, services and their tasks. A
 * small reconciler starts tasks until a deployment reaches its desired
 * count, which is what makes runningCount ramp up over profile time.
 */
import type { SandboxContext } from '../context';
import { clearCollections } from '../util/collections';
import { digits, hex, uuid } from '../util/ids';

/** A plain environment variable of a container. */
export interface EnvironmentVariable {
  name: string;
  value: string;
}

/** A container's secret: where ECS reads its value from at task start. */
export interface SecretReference {
  name: string;
  valueFrom: string;
}

export interface ContainerDefinition {
  name: string;
  image: string;
  portMappings?: {
    containerPort?: number;
    hostPort?: number;
    protocol?: string;
  }[];
  essential?: boolean;
  /** Plain values the task receives, as ECS keeps them. */
  environment?: EnvironmentVariable[];
  /** Values ECS reads at task start; the definition holds only where from. */
  secrets?: SecretReference[];
}

export interface TaskDefinition {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  containerDefinitions: ContainerDefinition[];
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  networkMode?: string;
  requiresCompatibilities?: string[];
  registeredAt?: Date;
  status: 'ACTIVE' | 'INACTIVE';
}

export interface Cluster {
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE' | 'INACTIVE';
  tags: { key: string; value: string }[];
}

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  createdAt: Date;
  updatedAt: Date;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
}

export interface ServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

export interface LoadBalancerRef {
  targetGroupArn?: string;
  containerName?: string;
  containerPort?: number;
}

export interface Service {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  launchType: string;
  loadBalancers: LoadBalancerRef[];
  circuitBreaker: { enable: boolean; rollback: boolean };
  deployments: Deployment[];
  events: ServiceEvent[];
  createdAt: Date;
}

export interface Task {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  serviceName: string;
  deploymentId: string;
  lastStatus: 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: Date;
  startedAt?: Date;
  stoppedAt?: Date;
  stoppedReason?: string;
  launchType: string;
  containers: {
    name: string;
    image: string;
    lastStatus: string;
    exitCode?: number;
  }[];
}

export interface CreateServiceInput {
  cluster: string;
  serviceName: string;
  taskDefinition: string;
  desiredCount: number;
  launchType?: string;
  loadBalancers?: LoadBalancerRef[];
  circuitBreaker?: { enable: boolean; rollback: boolean };
}

/** ECS's circuit breaker trips after this many failed tasks (its minimum). */
const CIRCUIT_BREAKER_THRESHOLD = 3;

export class EcsState {
  readonly clusters = new Map<string, Cluster>();
  readonly taskDefinitions = new Map<string, TaskDefinition>();
  /** Keyed by `${cluster}/${service}`. */
  readonly services = new Map<string, Service>();
  readonly tasks = new Map<string, Task>();
  /** Every deployment ever started, also those a rollout has dropped. */
  private readonly deploymentHistory = new Map<string, Deployment>();
  /** Task starts waiting for their service to be released, by service. */
  private readonly heldStarts = new Map<string, (() => void)[]>();

  constructor(private readonly ctx: SandboxContext) {}

  private arn(resource: string): string {
    return `arn:aws:ecs:${this.ctx.region}:${this.ctx.accountId}:${resource}`;
  }

  reset(): void {
    clearCollections(this);
  }

  /**
   * Lets the task starts held for `serviceName` (or for every service)
   * go ahead; see `Faults.heldServiceTasks`.
   */
  releaseHeldTasks(serviceName?: string): void {
    const names =
      serviceName === undefined ? [...this.heldStarts.keys()] : [serviceName];
    for (const name of names) {
      const starts = this.heldStarts.get(name) ?? [];
      this.heldStarts.delete(name);
      for (const start of starts) start();
    }
  }

  createCluster(
    name: string,
    tags: { key: string; value: string }[] = [],
  ): Cluster {
    const cluster: Cluster = {
      clusterArn: this.arn(`cluster/${name}`),
      clusterName: name,
      status: 'ACTIVE',
      tags,
    };
    this.clusters.set(name, cluster);
    return cluster;
  }

  deleteCluster(name: string): void {
    const cluster = this.clusters.get(name);
    if (cluster) cluster.status = 'INACTIVE';
  }

  /** A cluster by name or ARN, only while ACTIVE. */
  activeCluster(nameOrArn: string | undefined): Cluster | undefined {
    const name = nameOrArn
      ? nameOrArn.split('/').pop() ?? nameOrArn
      : 'default';
    const cluster = this.clusters.get(name);
    return cluster?.status === 'ACTIVE' ? cluster : undefined;
  }

  registerTaskDefinition(def: Omit<TaskDefinition, 'status'>): void {
    this.taskDefinitions.set(def.taskDefinitionArn, {
      registeredAt: new Date(),
      ...def,
      status: 'ACTIVE',
    });
  }

  /**
   * A task definition by ARN, `family:revision` or `family` (its latest
   * ACTIVE revision), as DescribeTaskDefinition takes it.
   */
  findTaskDefinition(ref: string): TaskDefinition | undefined {
    const exact = this.taskDefinitions.get(ref);
    if (exact) return exact;
    const short = ref.replace(
      /^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\//,
      '',
    );
    const [family, revision] = short.split(':');
    const candidates = [...this.taskDefinitions.values()].filter(
      d => d.family === family,
    );
    if (revision !== undefined) {
      return candidates.find(d => d.revision === Number(revision));
    }
    return candidates
      .filter(d => d.status === 'ACTIVE')
      .sort((a, b) => b.revision - a.revision)[0];
  }

  deregisterTaskDefinition(arn: string): void {
    const def = this.taskDefinitions.get(arn);
    if (def) def.status = 'INACTIVE';
  }

  findService(cluster: Cluster, nameOrArn: string): Service | undefined {
    const name = nameOrArn.split('/').pop() ?? nameOrArn;
    return this.services.get(`${cluster.clusterName}/${name}`);
  }

  servicesIn(cluster: Cluster): Service[] {
    return [...this.services.values()].filter(
      s => s.clusterArn === cluster.clusterArn,
    );
  }

  tasksOf(service: Service, deploymentId?: string): Task[] {
    return [...this.tasks.values()].filter(
      t =>
        t.clusterArn === service.clusterArn &&
        t.serviceName === service.serviceName &&
        (!deploymentId || t.deploymentId === deploymentId),
    );
  }

  createService(input: CreateServiceInput): Service {
    const cluster = this.activeCluster(input.cluster);
    if (!cluster) throw new Error(`cluster ${input.cluster} not found`);
    const service: Service = {
      serviceArn: this.arn(
        `service/${cluster.clusterName}/${input.serviceName}`,
      ),
      serviceName: input.serviceName,
      clusterArn: cluster.clusterArn,
      clusterName: cluster.clusterName,
      status: 'ACTIVE',
      desiredCount: input.desiredCount,
      taskDefinition: input.taskDefinition,
      launchType: input.launchType ?? 'FARGATE',
      loadBalancers: input.loadBalancers ?? [],
      circuitBreaker: input.circuitBreaker ?? {
        enable: false,
        rollback: false,
      },
      deployments: [],
      events: [],
      createdAt: new Date(),
    };
    this.services.set(`${cluster.clusterName}/${input.serviceName}`, service);
    this.startDeployment(service);
    return service;
  }

  updateService(
    service: Service,
    update: {
      desiredCount?: number;
      taskDefinition?: string;
      forceNewDeployment?: boolean;
    },
  ): void {
    if (update.desiredCount !== undefined)
      service.desiredCount = update.desiredCount;
    const newDefinition =
      update.taskDefinition !== undefined &&
      update.taskDefinition !== service.taskDefinition;
    if (newDefinition) service.taskDefinition = update.taskDefinition as string;
    // A new deployment takes the new count; the old one only drains.
    if (newDefinition || update.forceNewDeployment) {
      this.startDeployment(service);
      return;
    }
    const primary = service.deployments[0];
    if (
      primary &&
      update.desiredCount !== undefined &&
      primary.desiredCount !== update.desiredCount
    ) {
      primary.desiredCount = update.desiredCount;
      primary.updatedAt = new Date();
      primary.rolloutState = 'IN_PROGRESS';
    }
    this.reconcile(service);
  }

  deleteService(service: Service): void {
    service.status = 'DRAINING';
    service.desiredCount = 0;
    for (const deployment of service.deployments) deployment.desiredCount = 0;
    for (const task of this.tasksOf(service))
      this.stopTask(task, 'Service deleted');
    this.ctx.scheduler.after(this.ctx.profile().ecsDrainMs, () => {
      service.status = 'INACTIVE';
      service.deployments = [];
    });
  }

  /**
   * Whether CloudFormation would consider the service stabilised: judged by
   * `deploymentId` (the deployment CloudFormation's own change started, even
   * if ECS has since rolled it back), else by the primary deployment.
   */
  stability(
    service: Service,
    deploymentId?: string,
  ): 'steady' | 'failed' | 'in-progress' {
    const deployment = deploymentId
      ? this.deploymentHistory.get(deploymentId)
      : service.deployments[0];
    if (!deployment) return 'in-progress';
    if (deployment.rolloutState === 'FAILED') return 'failed';
    return deployment.rolloutState === 'COMPLETED' ? 'steady' : 'in-progress';
  }

  runningCount(service: Service, deploymentId?: string): number {
    return this.tasksOf(service, deploymentId).filter(
      t => t.lastStatus === 'RUNNING',
    ).length;
  }

  pendingCount(service: Service, deploymentId?: string): number {
    return this.tasksOf(service, deploymentId).filter(
      t => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING',
    ).length;
  }

  private event(service: Service, message: string): void {
    service.events.unshift({ id: uuid(), createdAt: new Date(), message });
    service.events.splice(100);
  }

  private startDeployment(service: Service): void {
    const now = new Date();
    for (const old of service.deployments) old.status = 'ACTIVE';
    const deployment: Deployment = {
      id: `ecs-svc/${digits(19)}`,
      status: 'PRIMARY',
      taskDefinition: service.taskDefinition,
      desiredCount: service.desiredCount,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: '',
    };
    deployment.rolloutStateReason = `ECS deployment ${deployment.id} in progress.`;
    service.deployments.unshift(deployment);
    this.deploymentHistory.set(deployment.id, deployment);
    this.reconcile(service);
  }

  /**
   * What ECS does when the circuit breaker trips with rollback enabled: the
   * most recent COMPLETED deployment becomes the primary one again (its
   * tasks, still running, keep serving) and the failed one is drained.
   * Without such a deployment there is nothing to roll back to.
   */
  private rollBack(service: Service, failed: Deployment): void {
    const target = service.deployments.find(
      d => d !== failed && d.rolloutState === 'COMPLETED',
    );
    if (!target) return;
    this.event(
      service,
      `(service ${service.serviceName}) rolling back to deployment ${target.id}.`,
    );
    for (const task of this.tasksOf(service, failed.id)) {
      this.stopTask(
        task,
        `Scaling activity initiated by (deployment ${target.id})`,
      );
    }
    failed.status = 'ACTIVE';
    failed.desiredCount = 0;
    target.status = 'PRIMARY';
    target.desiredCount = service.desiredCount;
    target.rolloutState = 'IN_PROGRESS';
    target.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`;
    target.updatedAt = new Date();
    service.taskDefinition = target.taskDefinition;
    service.deployments = [
      target,
      ...service.deployments.filter(d => d !== target),
    ];
    this.reconcile(service);
  }

  private stopTask(task: Task, reason: string): void {
    if (task.lastStatus === 'STOPPED') return;
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.stoppedAt = new Date();
    task.stoppedReason = reason;
    for (const c of task.containers) c.lastStatus = 'STOPPED';
  }

  /** Moves the service one step toward its desired state. */
  reconcile(service: Service): void {
    if (service.status !== 'ACTIVE') return;
    const primary = service.deployments[0];
    if (!primary || primary.rolloutState === 'FAILED') return;
    const live = this.tasksOf(service, primary.id).filter(
      t => t.lastStatus !== 'STOPPED',
    );
    for (let i = live.length; i < primary.desiredCount; i++)
      this.launchTask(service, primary);
    for (const extra of live.slice(primary.desiredCount)) {
      this.stopTask(
        extra,
        `Scaling activity initiated by (deployment ${primary.id})`,
      );
    }
    if (this.runningCount(service, primary.id) === primary.desiredCount) {
      for (const old of service.deployments.slice(1)) {
        for (const task of this.tasksOf(service, old.id)) {
          this.stopTask(
            task,
            `Scaling activity initiated by (deployment ${primary.id})`,
          );
        }
      }
      service.deployments.splice(1);
      if (primary.rolloutState !== 'COMPLETED') {
        primary.rolloutState = 'COMPLETED';
        primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
        primary.updatedAt = new Date();
        this.event(
          service,
          `(service ${service.serviceName}) has reached a steady state.`,
        );
      }
    }
  }

  private launchTask(service: Service, deployment: Deployment): void {
    const cluster = service.clusterName;
    const definition = this.taskDefinitions.get(deployment.taskDefinition);
    const task: Task = {
      taskArn: this.arn(`task/${cluster}/${hex(32)}`),
      clusterArn: service.clusterArn,
      taskDefinitionArn: deployment.taskDefinition,
      serviceName: service.serviceName,
      deploymentId: deployment.id,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: new Date(),
      launchType: service.launchType,
      containers: (definition?.containerDefinitions ?? []).map(c => ({
        name: c.name,
        image: c.image,
        lastStatus: 'PENDING',
      })),
    };
    this.tasks.set(task.taskArn, task);
    const faults = this.ctx.faults;
    const failure =
      faults.failingServiceTasks.get(service.serviceName) ??
      task.containers
        .map(c => faults.failingImages.get(c.image))
        .find(reason => reason !== undefined);
    const profile = this.ctx.profile();
    const settle = () => {
      if (task.lastStatus === 'STOPPED') return;
      if (faults.heldServiceTasks.has(service.serviceName)) {
        const held = this.heldStarts.get(service.serviceName) ?? [];
        held.push(settle);
        this.heldStarts.set(service.serviceName, held);
        return;
      }
      this.settleTask(service, deployment, task, failure);
    };
    this.ctx.scheduler.after(
      failure ? profile.ecsTaskFailMs : profile.ecsTaskStartMs,
      settle,
    );
  }

  /** A launched task either starts running or fails with `failure`. */
  private settleTask(
    service: Service,
    deployment: Deployment,
    task: Task,
    failure: string | undefined,
  ): void {
    if (failure) {
      this.stopTask(task, failure);
      for (const c of task.containers) c.exitCode = 1;
      deployment.failedTasks += 1;
      this.event(
        service,
        `(service ${service.serviceName}) (task ${task.taskArn
          .split('/')
          .pop()}) failed to start: ${failure}`,
      );
      if (
        service.circuitBreaker.enable &&
        deployment.rolloutState === 'IN_PROGRESS' &&
        deployment.failedTasks >= CIRCUIT_BREAKER_THRESHOLD
      ) {
        deployment.rolloutState = 'FAILED';
        deployment.rolloutStateReason =
          'ECS deployment circuit breaker: tasks failed to start.';
        deployment.updatedAt = new Date();
        this.event(
          service,
          `(service ${service.serviceName}) (deployment ${deployment.id}) deployment failed: tasks failed to start.`,
        );
        if (service.circuitBreaker.rollback) this.rollBack(service, deployment);
        return;
      }
    } else {
      task.lastStatus = 'RUNNING';
      task.startedAt = new Date();
      for (const c of task.containers) c.lastStatus = 'RUNNING';
      this.event(
        service,
        `(service ${
          service.serviceName
        }) has started 1 tasks: (task ${task.taskArn.split('/').pop()}).`,
      );
    }
    this.reconcile(service);
  }
}
