/**
 * Endpoint pages. A stack's ALB DNS name or an Ingress host cannot resolve
 * anywhere real, so the sandbox serves a page that stands in for what the
 * endpoint would serve: which image answers on which port.
 */
import type { StackStore } from './cloudformation/stacks';
import type { EcsState } from './ecs/state';
import { findType, type ResourceType } from './kubernetes/discovery';
import type { KubeStore } from './kubernetes/store';
import { escapeXml } from './aws/query';

export interface EndpointInfo {
  host: string;
  source: 'cloudformation' | 'kubernetes';
  /** Stack name or `<namespace>/<ingress>`. */
  owner: string;
  service?: string;
  image?: string;
  port?: number;
  /**
   * Nothing runs behind it: the ECS service's desired count or the
   * Deployment's replicas are 0, as while an environment sleeps.
   */
  asleep?: boolean;
}

type Json = Record<string, unknown>;

export class EndpointDirectory {
  constructor(
    private readonly stacks: StackStore,
    private readonly ecs: EcsState,
    private readonly kube: KubeStore,
  ) {}

  find(host: string): EndpointInfo | undefined {
    const full = host.toLowerCase();
    const bare = full.replace(/:\d+$/, '');
    return (
      this.fromStacks(full) ?? this.fromStacks(bare) ?? this.fromIngresses(bare)
    );
  }

  private fromStacks(host: string): EndpointInfo | undefined {
    for (const stack of this.stacks.all()) {
      if (stack.status === 'DELETE_COMPLETE') continue;
      const resources = [...stack.resources.values()];
      const alb = resources.find(
        r =>
          r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' &&
          String(r.attributes.DNSName ?? '').toLowerCase() === host &&
          r.status !== 'DELETE_COMPLETE',
      );
      if (!alb) continue;
      const serviceResource = resources.find(
        r => r.type === 'AWS::ECS::Service' && r.physicalId,
      );
      const info: EndpointInfo = {
        host,
        source: 'cloudformation',
        owner: stack.stackName,
      };
      if (serviceResource) {
        info.service = String(serviceResource.attributes.Name ?? '');
        const definition = this.ecs.taskDefinitions.get(
          String(serviceResource.properties.TaskDefinition ?? ''),
        );
        const lbs =
          (serviceResource.properties.LoadBalancers as Json[] | undefined) ??
          [];
        const container =
          definition?.containerDefinitions.find(
            c => c.name === lbs[0]?.ContainerName,
          ) ?? definition?.containerDefinitions[0];
        info.image = container?.image;
        const running = [...this.ecs.services.values()].find(
          sv => sv.serviceArn === serviceResource.physicalId,
        );
        info.asleep = running?.desiredCount === 0;
        info.port =
          Number(
            lbs[0]?.ContainerPort ??
              container?.portMappings?.[0]?.containerPort,
          ) || undefined;
      }
      return info;
    }
    return undefined;
  }

  private fromIngresses(host: string): EndpointInfo | undefined {
    const ingresses = findType(
      'networking.k8s.io',
      'v1',
      'ingresses',
    ) as ResourceType;
    for (const ingress of this.kube.list(ingresses)) {
      const rules =
        ((ingress.spec as Json | undefined)?.rules as Json[] | undefined) ?? [];
      const rule = rules.find(r => String(r.host ?? '').toLowerCase() === host);
      if (!rule) continue;
      const paths =
        ((rule.http as Json | undefined)?.paths as Json[] | undefined) ?? [];
      const backend = ((paths[0]?.backend as Json | undefined)?.service ??
        {}) as Json;
      const serviceName = String(backend.name ?? '');
      const port =
        Number((backend.port as Json | undefined)?.number ?? 0) || undefined;
      const info: EndpointInfo = {
        host,
        source: 'kubernetes',
        owner: `${ingress.metadata.namespace}/${ingress.metadata.name}`,
        service: serviceName,
        port,
      };
      const deployment = this.deploymentBehind(
        ingress.metadata.namespace ?? '',
        serviceName,
      );
      if (deployment) {
        info.image = deployment.image;
        info.asleep = deployment.replicas === 0;
      }
      return info;
    }
    return undefined;
  }

  /** The first container image and the replicas of a Deployment the Service selects. */
  private deploymentBehind(
    namespace: string,
    serviceName: string,
  ): { image?: string; replicas: number } | undefined {
    const services = findType('', 'v1', 'services') as ResourceType;
    const deployments = findType('apps', 'v1', 'deployments') as ResourceType;
    const service = this.kube.get(services, namespace, serviceName);
    const selector = ((service?.spec as Json | undefined)?.selector ??
      {}) as Record<string, string>;
    for (const deployment of this.kube.list(deployments, namespace)) {
      const template = ((deployment.spec as Json | undefined)?.template ??
        {}) as Json;
      const labels = ((template.metadata as Json | undefined)?.labels ??
        {}) as Record<string, string>;
      if (
        Object.keys(selector).length &&
        Object.entries(selector).every(([k, v]) => labels[k] === v)
      ) {
        const containers = ((template.spec as Json | undefined)?.containers ??
          []) as Json[];
        const replicas = (deployment.spec as Json | undefined)?.replicas;
        return {
          image: containers[0]?.image as string | undefined,
          replicas: typeof replicas === 'number' ? replicas : 1,
        };
      }
    }
    return undefined;
  }
}

export function renderEndpointPage(info: EndpointInfo): string {
  const e = (text: string | number | undefined) =>
    escapeXml(String(text ?? 'unknown'));
  if (info.asleep) {
    return `<!doctype html>
<html><head><meta charset="utf-8"><title>Cloud sandbox — ${e(
      info.host,
    )} is asleep</title></head>
<body>
<h1>Cloud sandbox</h1>
<p>This endpoint is asleep: service <code>${e(info.service)}</code> runs no ${
      info.source === 'cloudformation' ? 'tasks' : 'replicas'
    } (scaled to zero), so nothing answers until it is woken.</p>
<p>Host <code>${e(info.host)}</code>, published by ${
      info.source === 'cloudformation' ? 'stack' : 'ingress'
    } <code>${e(info.owner)}</code>.</p>
</body></html>
`;
  }
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Cloud sandbox — ${e(
    info.host,
  )}</title></head>
<body>
<h1>Cloud sandbox</h1>
<p>This is not a real deployment. In the Envkit cloud sandbox, this endpoint stands for
image <code>${e(info.image)}</code> on port <code>${e(
    info.port,
  )}</code> (service <code>${e(info.service)}</code>).</p>
<p>Host <code>${e(info.host)}</code>, published by ${
    info.source === 'cloudformation' ? 'stack' : 'ingress'
  } <code>${e(info.owner)}</code>.</p>
</body></html>
`;
}

export function renderUnknownEndpoint(host: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Cloud sandbox — unknown endpoint</title></head>
<body><h1>Cloud sandbox</h1><p>No stack or ingress in this sandbox publishes <code>${escapeXml(
    host,
  )}</code>.</p></body></html>
`;
}
