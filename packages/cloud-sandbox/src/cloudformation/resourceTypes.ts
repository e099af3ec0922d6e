/**
 * Plausible physical ids and Fn::GetAtt attributes per resource type, shaped
 * like the ones AWS hands out, so templates' outputs look real.
 */
import { alnum, digits, hex, upperAlnum, uuid } from '../util/ids';
import type { Resolved } from './intrinsics';

export interface ProvisionContext {
  stackName: string;
  logicalId: string;
  region: string;
  accountId: string;
  properties: Record<string, Resolved>;
  loadBalancerDomain?: string;
}

export interface Provisioned {
  physicalId: string;
  attributes: Record<string, Resolved>;
}

/** CloudFormation's generated names: `<stack>-<logical>-<SUFFIX>`, capped. */
export function generatedName(ctx: ProvisionContext, maxLength = 255): string {
  const suffix = upperAlnum(12);
  const base = `${ctx.stackName}-${ctx.logicalId}`.slice(
    0,
    maxLength - suffix.length - 1,
  );
  return `${base}-${suffix}`;
}

function str(value: Resolved | undefined): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

type Provisioner = (ctx: ProvisionContext) => Provisioned;

const arn = (ctx: ProvisionContext, service: string, resource: string) =>
  `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${resource}`;

/**
 * The ARN of an ELB resource under `parentArn` (a listener under its load
 * balancer, a rule under its listener): the parent's, with its resource
 * type `parentType` turned into `type`, and a random id of its own.
 */
function childArn(
  parentArn: Resolved | undefined,
  parentType: string,
  type: string,
): string {
  const parent = str(parentArn) ?? '';
  return `${parent.replace(`:${parentType}/`, `:${type}/`)}/${hex(16)}`;
}

/**
 * An EC2 resource: its physical id is `<prefix>-<17 hex>`, also published
 * as the attribute `idAttribute`, next to what `more` adds.
 */
function ec2(
  prefix: string,
  idAttribute: string,
  more: (ctx: ProvisionContext) => Record<string, Resolved> = () => ({}),
): Provisioner {
  return ctx => {
    const id = `${prefix}-${hex(17)}`;
    return { physicalId: id, attributes: { [idAttribute]: id, ...more(ctx) } };
  };
}

const provisioners: Record<string, Provisioner> = {
  'AWS::EC2::VPC': ec2('vpc', 'VpcId', ctx => ({
    CidrBlock: str(ctx.properties.CidrBlock) ?? '10.0.0.0/16',
    DefaultSecurityGroup: `sg-${hex(17)}`,
    DefaultNetworkAcl: `acl-${hex(17)}`,
  })),
  'AWS::EC2::Subnet': ec2('subnet', 'SubnetId', ctx => ({
    AvailabilityZone: str(ctx.properties.AvailabilityZone) ?? `${ctx.region}a`,
    VpcId: str(ctx.properties.VpcId) ?? '',
    CidrBlock: str(ctx.properties.CidrBlock) ?? '',
  })),
  'AWS::EC2::InternetGateway': ec2('igw', 'InternetGatewayId'),
  'AWS::EC2::VPCGatewayAttachment': ctx => ({
    physicalId: `IGW|${str(ctx.properties.VpcId) ?? ''}`,
    attributes: {},
  }),
  'AWS::EC2::RouteTable': ec2('rtb', 'RouteTableId'),
  'AWS::EC2::SubnetRouteTableAssociation': () => ({
    physicalId: `rtbassoc-${hex(17)}`,
    attributes: {},
  }),
  'AWS::EC2::Route': ctx => ({
    physicalId: `rtb-${hex(17)}|${
      str(ctx.properties.DestinationCidrBlock) ?? '0.0.0.0/0'
    }`,
    attributes: {},
  }),
  'AWS::EC2::EIP': () => {
    const ip = `54.${Number(digits(2)) % 255}.${Number(digits(2)) % 255}.${
      Number(digits(2)) % 255
    }`;
    return {
      physicalId: ip,
      attributes: { AllocationId: `eipalloc-${hex(17)}`, PublicIp: ip },
    };
  },
  'AWS::EC2::NatGateway': ec2('nat', 'NatGatewayId'),
  'AWS::EC2::SecurityGroup': ec2('sg', 'GroupId', ctx => ({
    VpcId: str(ctx.properties.VpcId) ?? '',
  })),
  'AWS::EC2::SecurityGroupIngress': () => ({
    physicalId: `sgr-${hex(17)}`,
    attributes: {},
  }),
  'AWS::ECS::Cluster': ctx => {
    const name = str(ctx.properties.ClusterName) ?? generatedName(ctx);
    return {
      physicalId: name,
      attributes: { Arn: arn(ctx, 'ecs', `cluster/${name}`) },
    };
  },
  'AWS::ECS::TaskDefinition': ctx => {
    const family = str(ctx.properties.Family) ?? generatedName(ctx);
    const taskArn = arn(ctx, 'ecs', `task-definition/${family}:1`);
    return { physicalId: taskArn, attributes: { TaskDefinitionArn: taskArn } };
  },
  'AWS::ECS::Service': ctx => {
    const name = str(ctx.properties.ServiceName) ?? generatedName(ctx);
    const cluster = clusterName(str(ctx.properties.Cluster));
    const serviceArn = arn(ctx, 'ecs', `service/${cluster}/${name}`);
    return {
      physicalId: serviceArn,
      attributes: { Name: name, ServiceArn: serviceArn },
    };
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ctx => {
    const name = (str(ctx.properties.Name) ?? generatedName(ctx, 32)).slice(
      0,
      32,
    );
    const id = hex(16);
    const scheme = str(ctx.properties.Scheme) === 'internal' ? 'internal-' : '';
    const domain = ctx.loadBalancerDomain ?? `${ctx.region}.elb.amazonaws.com`;
    const dnsName = `${scheme}${name}-${digits(10)}.${domain}`;
    return {
      physicalId: arn(
        ctx,
        'elasticloadbalancing',
        `loadbalancer/app/${name}/${id}`,
      ),
      attributes: {
        DNSName: dnsName,
        CanonicalHostedZoneID: 'Z35SXDOTRQ7X7K',
        LoadBalancerName: name,
        LoadBalancerFullName: `app/${name}/${id}`,
        SecurityGroups:
          (ctx.properties.SecurityGroups as Resolved[] | undefined) ?? [],
      },
    };
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': ctx => {
    const name = (str(ctx.properties.Name) ?? generatedName(ctx, 32)).slice(
      0,
      32,
    );
    const id = hex(16);
    return {
      physicalId: arn(ctx, 'elasticloadbalancing', `targetgroup/${name}/${id}`),
      attributes: {
        TargetGroupName: name,
        TargetGroupFullName: `targetgroup/${name}/${id}`,
        LoadBalancerArns: [],
      },
    };
  },
  'AWS::ElasticLoadBalancingV2::Listener': ctx => {
    const listenerArn = childArn(
      ctx.properties.LoadBalancerArn,
      'loadbalancer',
      'listener',
    );
    return {
      physicalId: listenerArn,
      attributes: { ListenerArn: listenerArn },
    };
  },
  'AWS::ElasticLoadBalancingV2::ListenerRule': ctx => {
    const ruleArn = childArn(
      ctx.properties.ListenerArn,
      'listener',
      'listener-rule',
    );
    return {
      physicalId: ruleArn,
      attributes: { RuleArn: ruleArn, IsDefault: false },
    };
  },
  'AWS::IAM::Role': ctx => {
    const name = str(ctx.properties.RoleName) ?? generatedName(ctx, 64);
    return {
      physicalId: name,
      attributes: {
        Arn: `arn:aws:iam::${ctx.accountId}:role/${name}`,
        RoleId: `AROA${upperAlnum(17)}`,
      },
    };
  },
  'AWS::Logs::LogGroup': ctx => {
    const name = str(ctx.properties.LogGroupName) ?? generatedName(ctx);
    return {
      physicalId: name,
      attributes: { Arn: arn(ctx, 'logs', `log-group:${name}:*`) },
    };
  },
  'AWS::S3::Bucket': ctx => {
    const name =
      str(ctx.properties.BucketName) ?? generatedName(ctx, 63).toLowerCase();
    return {
      physicalId: name,
      attributes: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${ctx.region}.amazonaws.com`,
      },
    };
  },
  // A queue's physical id is its URL; FIFO queues' names end in `.fifo`.
  'AWS::SQS::Queue': ctx => {
    const fifo = String(ctx.properties.FifoQueue) === 'true';
    const name =
      str(ctx.properties.QueueName) ??
      `${generatedName(ctx, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
    const url = `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${name}`;
    return {
      physicalId: url,
      attributes: {
        Arn: arn(ctx, 'sqs', name),
        QueueName: name,
        QueueUrl: url,
      },
    };
  },
  // Secrets' ARNs end in six random characters after the name.
  'AWS::SecretsManager::Secret': ctx => {
    const name = str(ctx.properties.Name) ?? generatedName(ctx, 256);
    const secretArn = arn(ctx, 'secretsmanager', `secret:${name}-${alnum(6)}`);
    return { physicalId: secretArn, attributes: { Id: secretArn } };
  },
  'AWS::RDS::DBSubnetGroup': ctx => {
    const name = (
      str(ctx.properties.DBSubnetGroupName) ?? generatedName(ctx)
    ).toLowerCase();
    return {
      physicalId: name,
      attributes: { DBSubnetGroupArn: arn(ctx, 'rds', `subgrp:${name}`) },
    };
  },
  // RDS identifiers are lower case; the endpoint is
  // `<id>.<account-and-region hash>.<region>.rds.amazonaws.com`.
  'AWS::RDS::DBInstance': ctx => {
    const p = ctx.properties;
    const id = (
      str(p.DBInstanceIdentifier) ?? generatedName(ctx, 63)
    ).toLowerCase();
    const engine = str(p.Engine) ?? 'postgres';
    const port =
      str(p.Port) ?? (/mysql|mariadb|aurora/.test(engine) ? '3306' : '5432');
    const managed = String(p.ManageMasterUserPassword) === 'true';
    return {
      physicalId: id,
      attributes: {
        'Endpoint.Address': `${id}.${hex(12)}.${ctx.region}.rds.amazonaws.com`,
        'Endpoint.Port': port,
        'Endpoint.HostedZoneId': 'Z2R2ITUGPM61AM',
        DBInstanceArn: arn(ctx, 'rds', `db:${id}`),
        DbiResourceId: `db-${upperAlnum(26)}`,
        ...(managed
          ? {
              'MasterUserSecret.SecretArn': arn(
                ctx,
                'secretsmanager',
                `secret:rds!db-${uuid()}-${alnum(6)}`,
              ),
            }
          : {}),
      },
    };
  },
  'AWS::ElastiCache::SubnetGroup': ctx => ({
    physicalId: (
      str(ctx.properties.CacheSubnetGroupName) ?? generatedName(ctx)
    ).toLowerCase(),
    attributes: {},
  }),
  // With in-transit encryption the endpoints are `master.<id>…` and
  // `replica.<id>…`; without, `<id>.<hash>.ng.0001…` and `<id>-ro…`.
  'AWS::ElastiCache::ReplicationGroup': ctx => {
    const p = ctx.properties;
    const id = (str(p.ReplicationGroupId) ?? generatedName(ctx, 40))
      .toLowerCase()
      .slice(0, 40);
    const port = str(p.Port) ?? '6379';
    const [area, direction, number] = ctx.region.split('-');
    const zone = `${hex(6)}.${area}${direction?.[0] ?? ''}${number ?? ''}`;
    const tls = String(p.TransitEncryptionEnabled) === 'true';
    const primary = tls
      ? `master.${id}.${zone}.cache.amazonaws.com`
      : `${id}.${zone.replace('.', '.ng.0001.')}.cache.amazonaws.com`;
    const reader = tls
      ? `replica.${id}.${zone}.cache.amazonaws.com`
      : `${id}-ro.${zone.replace('.', '.ng.0001.')}.cache.amazonaws.com`;
    return {
      physicalId: id,
      attributes: {
        'PrimaryEndPoint.Address': primary,
        'PrimaryEndPoint.Port': port,
        'ReaderEndPoint.Address': reader,
        'ReaderEndPoint.Port': port,
      },
    };
  },
};

/** ECS accepts a cluster's name or ARN wherever a cluster is expected. */
export function clusterName(value: string | undefined): string {
  if (!value) return 'default';
  const slash = value.lastIndexOf('/');
  return value.startsWith('arn:') && slash >= 0
    ? value.slice(slash + 1)
    : value;
}

export function provision(type: string, ctx: ProvisionContext): Provisioned {
  const provisioner = provisioners[type];
  if (provisioner) return provisioner(ctx);
  // Unknown types still get a CloudFormation-style generated name so that
  // templates using them deploy; their attributes are left empty.
  return { physicalId: generatedName(ctx), attributes: {} };
}
