import { Service } from '@aws-sdk/client-ecs';

/** What the driver shows about one ECS service of a resource. */
export interface ServiceHealth {
  serviceName: string;
  cluster: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinition?: string;
  rolloutState?: string;
  rolloutStateReason?: string;
  /** The service's latest events, newest first, e.g. why tasks stopped. */
  recentEvents: string[];
}

/** Overall verdict over the services of one resource. */
export interface ServicesVerdict {
  status: 'Ready' | 'InProgress' | 'Failed';
  reason?: string;
  message?: string;
}

export function serviceHealth(
  cluster: string,
  name: string,
  service: Service | undefined,
): ServiceHealth {
  if (!service) {
    return {
      serviceName: name,
      cluster,
      status: 'MISSING',
      desiredCount: 0,
      runningCount: 0,
      pendingCount: 0,
      recentEvents: [],
    };
  }
  const primary = service.deployments?.find(d => d.status === 'PRIMARY');
  return {
    serviceName: service.serviceName ?? name,
    cluster,
    status: service.status ?? 'UNKNOWN',
    desiredCount: service.desiredCount ?? 0,
    runningCount: service.runningCount ?? 0,
    pendingCount: service.pendingCount ?? 0,
    taskDefinition: service.taskDefinition,
    rolloutState: primary?.rolloutState,
    rolloutStateReason: primary?.rolloutStateReason,
    recentEvents: (service.events ?? [])
      .slice(0, 3)
      .map(e => e.message ?? '')
      .filter(Boolean),
  };
}

/**
 * Failed when a service is gone or its deployment circuit breaker tripped;
 * in progress while tasks are still starting or a rollout runs; else Ready.
 */
export function judgeServices(services: ServiceHealth[]): ServicesVerdict {
  const missing = services.find(
    s => s.status === 'MISSING' || s.status === 'INACTIVE',
  );
  if (missing) {
    return {
      status: 'Failed',
      reason: 'ServiceNotFound',
      message: `ECS service ${missing.serviceName} no longer exists in cluster ${missing.cluster}`,
    };
  }
  const broken = services.find(s => s.rolloutState === 'FAILED');
  if (broken) {
    return {
      status: 'Failed',
      reason: 'DeploymentCircuitBreaker',
      message: `ECS service ${broken.serviceName}: ${
        broken.rolloutStateReason ?? 'the deployment failed'
      }${
        broken.recentEvents.length
          ? ` Recent events: ${broken.recentEvents.join(' | ')}`
          : ''
      }`,
    };
  }
  const starting = services.find(
    s =>
      s.runningCount < s.desiredCount ||
      (s.rolloutState !== undefined && s.rolloutState !== 'COMPLETED'),
  );
  if (starting) {
    return {
      status: 'InProgress',
      message: `ECS service ${starting.serviceName}: ${starting.runningCount} of ${starting.desiredCount} tasks running`,
    };
  }
  return { status: 'Ready' };
}
