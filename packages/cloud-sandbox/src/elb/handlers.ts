/**
 * Elastic Load Balancing v2 read actions (query protocol, API version
 * 2015-12-01): what `aws elbv2 describe-*` needs to see what the stacks made.
 */
import {
  AwsError,
  readList,
  type QueryParams,
  type XmlValue,
} from '../aws/query';
import type {
  ElbState,
  ListenerRule,
  RuleAction,
  RuleCondition,
} from './state';

export const ELB_NS =
  'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

type Handler = (params: QueryParams) => Record<string, XmlValue>;

function actionXml(a: RuleAction): XmlValue {
  return {
    Type: a.type,
    TargetGroupArn: a.targetGroupArn,
    Order: a.order,
    FixedResponseConfig: a.fixedResponse && {
      StatusCode: a.fixedResponse.statusCode,
      ContentType: a.fixedResponse.contentType,
      MessageBody: a.fixedResponse.body,
    },
    ForwardConfig: a.targetGroupArn
      ? { TargetGroups: [{ TargetGroupArn: a.targetGroupArn, Weight: 1 }] }
      : undefined,
  };
}

function conditionXml(c: RuleCondition): XmlValue {
  return {
    Field: c.field,
    Values: c.values,
    HostHeaderConfig:
      c.field === 'host-header' ? { Values: c.values } : undefined,
    PathPatternConfig:
      c.field === 'path-pattern' ? { Values: c.values } : undefined,
  };
}

/** Items named in `listName`, or all of them; ELB's error when one is missing. */
function selected<T>(
  all: Map<string, T>,
  params: QueryParams,
  listName: string,
  notFound: [string, string],
): T[] {
  const wanted = readList(params, listName);
  if (wanted.length === 0) return [...all.values()];
  const found = wanted.map(arn => all.get(arn));
  if (found.some(x => x === undefined)) throw new AwsError(...notFound);
  return found as T[];
}

function ruleXml(r: ListenerRule): XmlValue {
  return {
    RuleArn: r.arn,
    Priority: String(r.priority),
    Conditions: r.conditions.map(conditionXml),
    Actions: r.actions.map(actionXml),
    IsDefault: false,
  };
}

export function elbHandlers(elb: ElbState): Record<string, Handler> {
  return {
    DescribeLoadBalancers: params => {
      let found = selected(elb.loadBalancers, params, 'LoadBalancerArns', [
        'LoadBalancerNotFound',
        'One or more load balancers not found',
      ]);
      const names = readList(params, 'Names');
      if (names.length) {
        found = found.filter(lb => names.includes(lb.name));
        if (found.length < names.length) {
          throw new AwsError(
            'LoadBalancerNotFound',
            `Load balancers '[${names.join(', ')}]' not found`,
          );
        }
      }
      return {
        LoadBalancers: found.map(lb => ({
          LoadBalancerArn: lb.arn,
          DNSName: lb.dnsName,
          CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
          CreatedTime: lb.createdTime.toISOString(),
          LoadBalancerName: lb.name,
          Scheme: lb.scheme,
          State: { Code: 'active' },
          Type: 'application',
          AvailabilityZones: lb.subnets.map(subnet => ({ SubnetId: subnet })),
          SecurityGroups: lb.securityGroups,
          IpAddressType: 'ipv4',
        })),
      };
    },

    DescribeListeners: params => {
      const lb = params.get('LoadBalancerArn');
      if (lb && !elb.loadBalancers.has(lb)) {
        throw new AwsError(
          'LoadBalancerNotFound',
          `One or more load balancers not found`,
        );
      }
      const found = selected(elb.listeners, params, 'ListenerArns', [
        'ListenerNotFound',
        'One or more listeners not found',
      ]).filter(l => !lb || l.loadBalancerArn === lb);
      return {
        Listeners: found.map(l => ({
          ListenerArn: l.arn,
          LoadBalancerArn: l.loadBalancerArn,
          Port: l.port,
          Protocol: l.protocol,
          DefaultActions: l.defaultActions.map(actionXml),
        })),
      };
    },

    DescribeRules: params => {
      const listenerArn = params.get('ListenerArn');
      const ruleArns = readList(params, 'RuleArns');
      if (!listenerArn && ruleArns.length === 0) {
        throw new AwsError(
          'ValidationError',
          'Either a listener ARN or rule ARNs must be specified',
        );
      }
      const rows: XmlValue[] = [];
      if (listenerArn) {
        const listener = elb.listeners.get(listenerArn);
        if (!listener) {
          throw new AwsError(
            'ListenerNotFound',
            `One or more listeners not found`,
          );
        }
        const rules = [...elb.rules.values()]
          .filter(r => r.listenerArn === listenerArn)
          .sort((a, b) => a.priority - b.priority);
        for (const r of rules) rows.push(ruleXml(r));
        // Every listener has its default rule, listed last.
        rows.push({
          RuleArn: `${listenerArn.replace(
            ':listener/',
            ':listener-rule/',
          )}/default`,
          Priority: 'default',
          Conditions: [],
          Actions: listener.defaultActions.map(actionXml),
          IsDefault: true,
        });
      } else {
        const rules = ruleArns.map(arn => elb.rules.get(arn));
        if (rules.some(r => !r)) {
          throw new AwsError('RuleNotFound', 'One or more rules not found');
        }
        for (const r of rules) rows.push(ruleXml(r!));
      }
      return { Rules: rows };
    },

    DescribeTargetGroups: params => {
      const lb = params.get('LoadBalancerArn');
      let found = selected(elb.targetGroups, params, 'TargetGroupArns', [
        'TargetGroupNotFound',
        'One or more target groups not found',
      ]);
      const names = readList(params, 'Names');
      if (names.length) found = found.filter(tg => names.includes(tg.name));
      if (lb)
        found = found.filter(tg => elb.loadBalancersOf(tg.arn).includes(lb));
      return {
        TargetGroups: found.map(tg => ({
          TargetGroupArn: tg.arn,
          TargetGroupName: tg.name,
          Protocol: tg.protocol,
          Port: tg.port,
          VpcId: tg.vpcId,
          HealthCheckPath: tg.healthCheckPath,
          TargetType: tg.targetType,
          LoadBalancerArns: elb.loadBalancersOf(tg.arn),
        })),
      };
    },
  };
}
