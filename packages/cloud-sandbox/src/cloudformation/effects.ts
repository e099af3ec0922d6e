/**
 * Side effects of CloudFormation resources on the other emulated services:
 * an `AWS::ECS::Service` in a stack becomes a service ECS reports on.
 */
import type { EcsState } from '../ecs/state';
import { ElbState } from '../elb/state';
import type { DataServices } from '../tagging/dataServices';
import type { Resolved } from './intrinsics';

export interface EffectTarget {
  type: string;
  physicalId: string;
  properties: Record<string, Resolved>;
  attributes: Record<string, Resolved>;
}

type Obj = Record<string, Resolved>;

function obj(value: Resolved | undefined): Obj {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? value
    : {};
}

function list(value: Resolved | undefined): Resolved[] {
  return Array.isArray(value) ? value : [];
}

function optString(value: Resolved | undefined): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function isTrue(value: Resolved | undefined): boolean {
  return value === true || String(value).toLowerCase() === 'true';
}

export class ResourceEffects {
  /**
   * Service ARN → the ECS deployment CloudFormation's latest change of the
   * service started: what its handler waits on, as the real one does.
   */
  private readonly stackDeployments = new Map<string, string>();

  constructor(
    private readonly ecs: EcsState,
    readonly elb: ElbState = new ElbState(),
    /** The data services (S3, SQS, …) stacks' resources become. */
    private readonly data?: DataServices,
  ) {}

  /** Applies a created resource; returns a failure reason if it cannot be. */
  create(
    resource: EffectTarget,
    tags: { Key: string; Value: string }[],
  ): string | undefined {
    const p = resource.properties;
    switch (resource.type) {
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        this.elb.addLoadBalancer(resource.physicalId, p, resource.attributes);
        return undefined;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup':
        this.elb.addTargetGroup(resource.physicalId, p, resource.attributes);
        return undefined;
      case 'AWS::ElasticLoadBalancingV2::Listener':
        return this.elb.addListener(resource.physicalId, p);
      case 'AWS::ElasticLoadBalancingV2::ListenerRule':
        return this.elb.addRule(resource.physicalId, p);
      case 'AWS::ECS::Cluster':
        this.ecs.createCluster(
          resource.physicalId,
          tags.map(t => ({ key: t.Key, value: t.Value })),
        );
        return undefined;
      case 'AWS::ECS::TaskDefinition': {
        const [, family, revision] =
          /task-definition\/(.+):(\d+)$/.exec(resource.physicalId) ?? [];
        this.ecs.registerTaskDefinition({
          taskDefinitionArn: resource.physicalId,
          family: family ?? resource.physicalId,
          revision: revision ? Number(revision) : 1,
          cpu: optString(p.Cpu),
          memory: optString(p.Memory),
          taskRoleArn: optString(p.TaskRoleArn),
          executionRoleArn: optString(p.ExecutionRoleArn),
          networkMode: optString(p.NetworkMode),
          requiresCompatibilities: list(p.RequiresCompatibilities).map(String),
          containerDefinitions: list(p.ContainerDefinitions).map(raw => {
            const c = obj(raw);
            return {
              name: String(c.Name ?? 'app'),
              image: String(c.Image ?? ''),
              essential: c.Essential !== false,
              environment: list(c.Environment).map(e => ({
                name: String(obj(e).Name ?? ''),
                value: String(obj(e).Value ?? ''),
              })),
              secrets: list(c.Secrets).map(e => ({
                name: String(obj(e).Name ?? ''),
                valueFrom: String(obj(e).ValueFrom ?? ''),
              })),
              portMappings: list(c.PortMappings).map(pm => ({
                containerPort: Number(obj(pm).ContainerPort ?? 0),
                hostPort: Number(
                  obj(pm).HostPort ?? obj(pm).ContainerPort ?? 0,
                ),
                protocol: 'tcp',
              })),
            };
          }),
        });
        return undefined;
      }
      case 'AWS::ECS::Service': {
        const cluster = optString(p.Cluster) ?? 'default';
        if (!this.ecs.activeCluster(cluster)) {
          return 'Resource handler returned message: "Cluster not found. (Service: AmazonECS; Status Code: 400; Error Code: ClusterNotFoundException)" (HandlerErrorCode: NotFound)';
        }
        const breaker = obj(
          obj(p.DeploymentConfiguration).DeploymentCircuitBreaker,
        );
        const service = this.ecs.createService({
          cluster,
          serviceName: String(resource.attributes.Name),
          taskDefinition: String(p.TaskDefinition ?? ''),
          desiredCount:
            p.DesiredCount === undefined ? 1 : Number(p.DesiredCount),
          launchType: optString(p.LaunchType),
          circuitBreaker: {
            enable: isTrue(breaker.Enable),
            rollback: isTrue(breaker.Rollback),
          },
          loadBalancers: list(p.LoadBalancers).map(raw => {
            const lb = obj(raw);
            return {
              targetGroupArn: optString(lb.TargetGroupArn),
              containerName: optString(lb.ContainerName),
              containerPort:
                lb.ContainerPort === undefined
                  ? undefined
                  : Number(lb.ContainerPort),
            };
          }),
        });
        this.stackDeployments.set(
          service.serviceArn,
          service.deployments[0].id,
        );
        return undefined;
      }
      default:
        this.data?.create(resource, tags);
        return undefined;
    }
  }

  /**
   * Task definitions are immutable: a changed one is a new revision of its
   * family, as ECS's RegisterTaskDefinition makes it. Returns the new ARN.
   */
  nextTaskDefinitionArn(previousArn: string): string {
    const match = /^(.*task-definition\/(.+)):(\d+)$/.exec(previousArn);
    if (!match) return `${previousArn}:2`;
    const [, prefix, family] = match;
    let latest = Number(match[3]);
    for (const def of this.ecs.taskDefinitions.values()) {
      if (def.family === family) latest = Math.max(latest, def.revision);
    }
    return `${prefix}:${latest + 1}`;
  }

  /**
   * Applies a changed resource. For a service, as CloudFormation's handler
   * does: UpdateService with the new count and task definition, forcing a
   * new deployment when `ForceNewDeployment.EnableForceNewDeployment` is set
   * (a changed `ForceNewDeploymentNonce` is what makes the resource change).
   */
  /** A Secrets Manager secret's current value, for dynamic references. */
  secretValue(secretId: string): string | undefined {
    return this.data?.secrets.value(secretId);
  }

  update(resource: EffectTarget): void {
    if (resource.type === 'AWS::ElasticLoadBalancingV2::ListenerRule') {
      this.elb.updateRule(resource.physicalId, resource.properties);
    }
    if (resource.type !== 'AWS::ECS::Service') {
      this.data?.update(resource);
      return;
    }
    const service = this.service(resource);
    if (!service) return;
    const p = resource.properties;
    this.ecs.updateService(service, {
      desiredCount:
        p.DesiredCount === undefined ? undefined : Number(p.DesiredCount),
      taskDefinition: optString(p.TaskDefinition),
      forceNewDeployment: isTrue(
        obj(p.ForceNewDeployment).EnableForceNewDeployment,
      ),
    });
    const primary = service.deployments[0];
    if (primary) this.stackDeployments.set(service.serviceArn, primary.id);
  }

  /** Deletes a resource; returns why the service refused to, if it did. */
  delete(resource: EffectTarget): string | undefined {
    this.elb.delete(resource.type, resource.physicalId);
    switch (resource.type) {
      case 'AWS::ECS::Cluster':
        this.ecs.deleteCluster(resource.physicalId);
        return undefined;
      case 'AWS::ECS::TaskDefinition':
        this.ecs.deregisterTaskDefinition(resource.physicalId);
        return undefined;
      case 'AWS::ECS::Service': {
        const service = this.service(resource);
        if (service && service.status === 'ACTIVE')
          this.ecs.deleteService(service);
        return undefined;
      }
      default:
        return this.data?.delete(resource);
    }
  }

  /**
   * CloudFormation waits for an ECS service to stabilise before it reports
   * CREATE_COMPLETE; other types are stable as soon as they are created.
   */
  stability(resource: EffectTarget): 'steady' | 'failed' | 'in-progress' {
    if (resource.type !== 'AWS::ECS::Service') return 'steady';
    const service = this.service(resource);
    if (!service) return 'failed';
    return this.ecs.stability(
      service,
      this.stackDeployments.get(service.serviceArn),
    );
  }

  private service(resource: EffectTarget) {
    const cluster = this.ecs.activeCluster(
      optString(resource.properties.Cluster),
    );
    if (!cluster) return undefined;
    return this.ecs.findService(cluster, String(resource.attributes.Name));
  }
}
