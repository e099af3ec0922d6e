/**
 * Elastic Load Balancing v2 as CloudFormation leaves it: load balancers,
 * target groups, listeners and their rules, with the one rule ELB enforces
 * that several stacks sharing a listener can break — a priority is held by
 * one rule of a listener at a time.
 */
import { uuid } from '../util/ids';
import type { Resolved } from '../cloudformation/intrinsics';

type Obj = Record<string, Resolved>;

const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';

/** A CloudFormation resource handler's message for an ELB error. */
function handlerError(message: string, code: string): string {
  return `Resource handler returned message: "${message} (Service: ElasticLoadBalancingV2, Status Code: 400, Request ID: ${uuid()})" (RequestToken: ${uuid()}, HandlerErrorCode: ${code})`;
}

export interface RuleCondition {
  field: string;
  values: string[];
}

export interface RuleAction {
  type: string;
  targetGroupArn?: string;
  order: number;
  fixedResponse?: { statusCode: string; contentType?: string; body?: string };
}

export interface LoadBalancer {
  arn: string;
  name: string;
  dnsName: string;
  scheme: string;
  securityGroups: string[];
  subnets: string[];
  createdTime: Date;
}

export interface TargetGroup {
  arn: string;
  name: string;
  port?: number;
  protocol?: string;
  targetType: string;
  vpcId?: string;
  healthCheckPath?: string;
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port?: number;
  protocol?: string;
  defaultActions: RuleAction[];
}

export interface ListenerRule {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: RuleAction[];
}

const obj = (value: Resolved | undefined): Obj =>
  value && typeof value === 'object' && !Array.isArray(value) ? value : {};
const list = (value: Resolved | undefined): Resolved[] =>
  Array.isArray(value) ? value : [];
const strings = (value: Resolved | undefined): string[] =>
  list(value).map(String);
const optNumber = (value: Resolved | undefined) =>
  value === undefined || value === null ? undefined : Number(value);
const optString = (value: Resolved | undefined) =>
  value === undefined || value === null ? undefined : String(value);

/** `Actions` / `DefaultActions` of a CloudFormation listener or rule. */
function actions(value: Resolved | undefined): RuleAction[] {
  return list(value).map((raw, index) => {
    const a = obj(raw);
    const fixed = obj(a.FixedResponseConfig);
    return {
      type: String(a.Type ?? 'forward'),
      targetGroupArn: optString(a.TargetGroupArn),
      order: optNumber(a.Order) ?? index + 1,
      fixedResponse:
        a.Type === 'fixed-response'
          ? {
              statusCode: String(fixed.StatusCode ?? '404'),
              contentType: optString(fixed.ContentType),
              body: optString(fixed.MessageBody),
            }
          : undefined,
    };
  });
}

/** `Conditions` of a rule: the `*Config` form or the legacy `Values`. */
function conditions(value: Resolved | undefined): RuleCondition[] {
  return list(value).map(raw => {
    const c = obj(raw);
    const field = String(c.Field ?? '');
    const configKeys: Record<string, string> = {
      'host-header': 'HostHeaderConfig',
      'path-pattern': 'PathPatternConfig',
    };
    const config = configKeys[field] ? obj(c[configKeys[field]]) : {};
    const values = strings(config.Values);
    return { field, values: values.length ? values : strings(c.Values) };
  });
}

export class ElbState {
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly targetGroups = new Map<string, TargetGroup>();
  readonly listeners = new Map<string, Listener>();
  readonly rules = new Map<string, ListenerRule>();

  reset(): void {
    this.loadBalancers.clear();
    this.targetGroups.clear();
    this.listeners.clear();
    this.rules.clear();
  }

  addLoadBalancer(arn: string, p: Obj, attributes: Obj): void {
    this.loadBalancers.set(arn, {
      arn,
      name: String(attributes.LoadBalancerName ?? ''),
      dnsName: String(attributes.DNSName ?? ''),
      scheme: String(p.Scheme ?? 'internet-facing'),
      securityGroups: strings(p.SecurityGroups),
      subnets: strings(p.Subnets),
      createdTime: new Date(),
    });
  }

  addTargetGroup(arn: string, p: Obj, attributes: Obj): void {
    this.targetGroups.set(arn, {
      arn,
      name: String(attributes.TargetGroupName ?? ''),
      port: optNumber(p.Port),
      protocol: optString(p.Protocol),
      targetType: String(p.TargetType ?? 'instance'),
      vpcId: optString(p.VpcId),
      healthCheckPath: optString(p.HealthCheckPath),
    });
  }

  /** Returns ELB's error when the load balancer is gone. */
  addListener(arn: string, p: Obj): string | undefined {
    const loadBalancerArn = String(p.LoadBalancerArn ?? '');
    if (!this.loadBalancers.has(loadBalancerArn)) {
      return handlerError(`One or more load balancers not found`, 'NotFound');
    }
    this.listeners.set(arn, {
      arn,
      loadBalancerArn,
      port: optNumber(p.Port),
      protocol: optString(p.Protocol),
      defaultActions: actions(p.DefaultActions),
    });
    return undefined;
  }

  /**
   * CreateRule: refused, with ELB's words, when the listener is gone or
   * another rule of it holds the priority.
   */
  addRule(arn: string, p: Obj): string | undefined {
    const listenerArn = String(p.ListenerArn ?? '');
    if (!this.listeners.has(listenerArn)) {
      return handlerError(`One or more listeners not found`, 'NotFound');
    }
    const priority = Number(p.Priority);
    const holder = this.ruleAt(listenerArn, priority);
    if (holder) {
      return handlerError(
        `Priority '${priority}' is currently in use`,
        'AlreadyExists',
      );
    }
    this.rules.set(arn, {
      arn,
      listenerArn,
      priority,
      conditions: conditions(p.Conditions),
      actions: actions(p.Actions),
    });
    return undefined;
  }

  /** A changed rule keeps its ARN; a new priority must be free as well. */
  updateRule(arn: string, p: Obj): void {
    const rule = this.rules.get(arn);
    if (!rule) return;
    rule.priority = Number(p.Priority);
    rule.conditions = conditions(p.Conditions);
    rule.actions = actions(p.Actions);
  }

  ruleAt(listenerArn: string, priority: number): ListenerRule | undefined {
    return [...this.rules.values()].find(
      r => r.listenerArn === listenerArn && r.priority === priority,
    );
  }

  delete(type: string, arn: string): void {
    switch (type) {
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        this.loadBalancers.delete(arn);
        for (const l of [...this.listeners.values()]) {
          if (l.loadBalancerArn === arn) this.delete(LISTENER, l.arn);
        }
        return;
      case LISTENER:
        this.listeners.delete(arn);
        for (const r of [...this.rules.values()]) {
          if (r.listenerArn === arn) this.rules.delete(r.arn);
        }
        return;
      case 'AWS::ElasticLoadBalancingV2::ListenerRule':
        this.rules.delete(arn);
        return;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup':
        this.targetGroups.delete(arn);
        return;
      default:
    }
  }

  /** Load balancers a target group receives traffic from, through any rule. */
  loadBalancersOf(targetGroupArn: string): string[] {
    const found = new Set<string>();
    const forwards = (a: RuleAction[]) =>
      a.some(x => x.targetGroupArn === targetGroupArn);
    for (const l of this.listeners.values()) {
      const viaRule = [...this.rules.values()].some(
        r => r.listenerArn === l.arn && forwards(r.actions),
      );
      if (forwards(l.defaultActions) || viaRule) found.add(l.loadBalancerArn);
    }
    return [...found];
  }
}
