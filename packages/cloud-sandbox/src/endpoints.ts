/**
 * Endpoint pages. A stack's ALB DNS name or an Ingress host cannot resolve
 * anywhere real, so the sandbox serves a page that stands in for what the
 * endpoint would serve: which image answers on which port.
 */
import type { StackResource, StackStore } from './cloudformation/stacks';
import type {
  EcsState,
  EnvironmentVariable,
  SecretReference,
} from './ecs/state';
import type { ElbState, ListenerRule } from './elb/state';
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
  /** The plain environment variables the service's task receives. */
  environment?: EnvironmentVariable[];
  /** Its secrets: only where ECS reads them from, never a value. */
  secrets?: SecretReference[];
  /**
   * No rule of a shared load balancer matches: its listener's default
   * `fixed-response` answers instead, as ELB would.
   */
  fixedResponse?: { statusCode: number; body?: string };
}

/** The HTTP status an endpoint answers with. */
export function endpointStatus(info: EndpointInfo): number {
  if (info.fixedResponse) return info.fixedResponse.statusCode;
  return info.asleep ? 503 : 200;
}

type Json = Record<string, unknown>;

export class EndpointDirectory {
  constructor(
    private readonly stacks: StackStore,
    private readonly ecs: EcsState,
    private readonly kube: KubeStore,
    private readonly elb?: ElbState,
  ) {}

  /** What answers a request for `path` on `host`. */
  find(host: string, path = '/'): EndpointInfo | undefined {
    const full = host.toLowerCase();
    const bare = full.replace(/:\d+$/, '');
    return (
      this.fromStacks(full, path) ??
      this.fromStacks(bare, path) ??
      this.fromIngresses(bare)
    );
  }

  private fromStacks(host: string, path: string): EndpointInfo | undefined {
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
      // The service is whichever stack's service the first matching listener
      // rule forwards to, as ELB would route the request (on a shared load
      // balancer, another stack's); with no rule matching, the listener's
      // default: a fixed response, or the stack's own service.
      const routed = this.routedService(alb.physicalId ?? '', host, path);
      if (routed) return this.serviceInfo(host, routed.stack, routed.service);
      const fixed = this.defaultFixedResponse(alb.physicalId ?? '');
      if (fixed) {
        return {
          host,
          source: 'cloudformation',
          owner: stack.stackName,
          fixedResponse: fixed,
        };
      }
      return this.serviceInfo(host, stack.stackName, serviceResource);
    }
    return undefined;
  }

  /** The `fixed-response` default action of the load balancer's listener. */
  private defaultFixedResponse(
    loadBalancerArn: string,
  ): EndpointInfo['fixedResponse'] {
    if (!this.elb) return undefined;
    for (const listener of this.elb.listeners.values()) {
      if (listener.loadBalancerArn !== loadBalancerArn) continue;
      const action = listener.defaultActions.find(a => a.fixedResponse);
      if (action?.fixedResponse) {
        return {
          statusCode: Number(action.fixedResponse.statusCode) || 404,
          body: action.fixedResponse.body,
        };
      }
    }
    return undefined;
  }

  /**
   * The ECS service behind the first rule (by priority) of the load
   * balancer's listeners that matches `host` and `path`.
   */
  private routedService(
    loadBalancerArn: string,
    host: string,
    path: string,
  ): { stack: string; service: StackResource } | undefined {
    if (!this.elb) return undefined;
    const listeners = [...this.elb.listeners.values()].filter(
      l => l.loadBalancerArn === loadBalancerArn,
    );
    const rule = [...this.elb.rules.values()]
      .filter(r => listeners.some(l => l.arn === r.listenerArn))
      .sort((a, b) => a.priority - b.priority)
      .find(r => ruleMatches(r, host, path));
    const targetGroup = rule?.actions.find(
      a => a.targetGroupArn,
    )?.targetGroupArn;
    if (!targetGroup) return undefined;
    for (const stack of this.stacks.all()) {
      if (stack.status === 'DELETE_COMPLETE') continue;
      const service = [...stack.resources.values()].find(
        r =>
          r.type === 'AWS::ECS::Service' &&
          r.status !== 'DELETE_COMPLETE' &&
          ((r.properties.LoadBalancers as Json[] | undefined) ?? []).some(
            lb => lb.TargetGroupArn === targetGroup,
          ),
      );
      if (service) return { stack: stack.stackName, service };
    }
    return undefined;
  }

  private serviceInfo(
    host: string,
    owner: string,
    serviceResource: StackResource | undefined,
  ): EndpointInfo {
    const info: EndpointInfo = {
      host,
      source: 'cloudformation',
      owner,
    };
    if (serviceResource) {
      info.service = String(serviceResource.attributes.Name ?? '');
      const definition = this.ecs.taskDefinitions.get(
        String(serviceResource.properties.TaskDefinition ?? ''),
      );
      const lbs =
        (serviceResource.properties.LoadBalancers as Json[] | undefined) ?? [];
      const container =
        definition?.containerDefinitions.find(
          c => c.name === lbs[0]?.ContainerName,
        ) ?? definition?.containerDefinitions[0];
      info.image = container?.image;
      info.environment = container?.environment ?? [];
      info.secrets = container?.secrets ?? [];
      const running = [...this.ecs.services.values()].find(
        sv => sv.serviceArn === serviceResource.physicalId,
      );
      info.asleep = running?.desiredCount === 0;
      info.port =
        Number(
          lbs[0]?.ContainerPort ?? container?.portMappings?.[0]?.containerPort,
        ) || undefined;
    }
    return info;
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

/** ELB's `*` and `?` wildcards; host names case-insensitively. */
function wildcard(pattern: string, flags = ''): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

function ruleMatches(rule: ListenerRule, host: string, path: string): boolean {
  return rule.conditions.every(c => {
    if (c.field === 'path-pattern') {
      return c.values.some(v => wildcard(v).test(path));
    }
    if (c.field === 'host-header') {
      return c.values.some(v => wildcard(v, 'i').test(host));
    }
    return false;
  });
}

export function renderEndpointPage(info: EndpointInfo): string {
  const e = (text: string | number | undefined) =>
    escapeXml(String(text ?? 'unknown'));
  /** The page around `content` (whole lines); `title` is escaped already. */
  const page = (title: string, content: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Cloud sandbox — ${title}</title></head>
<body>
<h1>Cloud sandbox</h1>
${content}</body></html>
`;
  const publishedBy = (kind: string) =>
    `<p>Host <code>${e(info.host)}</code>, published by ${kind} <code>${e(
      info.owner,
    )}</code>.</p>\n`;
  const kind = info.source === 'cloudformation' ? 'stack' : 'ingress';
  if (info.fixedResponse) {
    return page(
      e(info.host),
      `<p>No listener rule of this load balancer matches; its default action answers ${e(
        info.fixedResponse.statusCode,
      )}: <code>${e(info.fixedResponse.body ?? '')}</code></p>
${publishedBy('stack')}`,
    );
  }
  if (info.asleep) {
    return page(
      `${e(info.host)} is asleep`,
      `<p>This endpoint is asleep: service <code>${e(
        info.service,
      )}</code> runs no ${
        info.source === 'cloudformation' ? 'tasks' : 'replicas'
      } (scaled to zero), so nothing answers until it is woken.</p>
${publishedBy(kind)}`,
    );
  }
  return page(
    e(info.host),
    `<p>This is not a real deployment. In the Envkit cloud sandbox, this endpoint stands for
image <code>${e(info.image)}</code> on port <code>${e(
      info.port,
    )}</code> (service <code>${e(info.service)}</code>).</p>
${publishedBy(kind)}${wiring(info)}`,
  );
}

/** One row of the task's environment table. */
const wiringRow = (name: string, kind: string, value: string) =>
  `<tr><td><code>${escapeXml(
    name,
  )}</code></td><td>${kind}</td><td><code>${escapeXml(value)}</code></td></tr>`;

/**
 * What the task received: its environment variables, and its secrets as
 * the ARNs ECS reads them from (a real task would see the values; the page
 * never does).
 */
function wiring(info: EndpointInfo): string {
  if (!info.environment?.length && !info.secrets?.length) return '';
  const rows = [
    ...(info.environment ?? []).map(v =>
      wiringRow(v.name, 'environment', v.value),
    ),
    ...(info.secrets ?? []).map(v => wiringRow(v.name, 'secret', v.valueFrom)),
  ];
  return `<h2>Environment of the task</h2>
<table id="task-environment">
<thead><tr><th>Name</th><th>Kind</th><th>Value (secrets: where ECS reads them from)</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
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
