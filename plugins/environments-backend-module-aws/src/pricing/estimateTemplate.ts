import type { DriverCostLine } from '@envkit/plugin-environments-node';
import { readTemplateBody } from '../cloudformation/templateBody';
import { AWS_PRICES, HOURS_PER_MONTH } from './awsPriceList';

type Json = Record<string, any>;

const cents = (n: number) => Math.round(n * 100) / 100;

function line(
  item: string,
  quantity: number,
  unit: string,
  unitPrice: number,
  whileRunning: boolean,
  assumption?: string,
): DriverCostLine {
  return {
    item,
    quantity: cents(quantity),
    unit,
    unitPrice,
    monthly: cents(quantity * unitPrice),
    whileRunning,
    ...(assumption ? { assumption } : {}),
  };
}

/** A cost line before its monthly total is worked out. */
type Charge = Omit<DriverCostLine, 'monthly'>;

/**
 * The charges of resources that cost the same whatever their properties, by
 * resource type; a line's item is followed by the resource's logical id.
 */
const FIXED_CHARGES = new Map<string, Charge[]>(
  Object.entries({
    'AWS::EC2::NatGateway': [
      {
        item: 'NAT gateway',
        quantity: HOURS_PER_MONTH,
        unit: 'hour',
        unitPrice: AWS_PRICES.natHour,
        whileRunning: false,
      },
      {
        item: 'NAT data processed',
        quantity: 10,
        unit: 'GB',
        unitPrice: AWS_PRICES.natGb,
        whileRunning: true,
        assumption: '10 GB a month through the gateway (image pulls, updates)',
      },
    ],
    'AWS::EC2::EIP': [
      {
        item: 'Elastic IP',
        quantity: HOURS_PER_MONTH,
        unit: 'IPv4-hour',
        unitPrice: AWS_PRICES.publicIpv4Hour,
        whileRunning: false,
      },
    ],
    'AWS::S3::Bucket': [
      {
        item: 'S3 storage',
        quantity: 1,
        unit: 'GB-month',
        unitPrice: AWS_PRICES.s3GbMonth,
        whileRunning: false,
        assumption: '1 GB stored',
      },
    ],
    'AWS::SQS::Queue': [
      {
        item: 'SQS requests',
        quantity: 1,
        unit: 'million requests',
        unitPrice: AWS_PRICES.sqsMillionRequests,
        whileRunning: true,
        assumption:
          'one million requests a month; the free tier is not counted',
      },
    ],
    'AWS::Logs::LogGroup': [
      {
        item: 'CloudWatch Logs ingestion',
        quantity: 1,
        unit: 'GB',
        unitPrice: AWS_PRICES.logsIngestGb,
        whileRunning: true,
        assumption: '1 GB of logs a month',
      },
    ],
  }),
);

/**
 * Reads a template's values the way CloudFormation would for the parts an
 * estimate needs: literals, `Ref` to parameters (given or default) and the
 * conditions built from them. Anything else is unknown.
 */
class TemplateValues {
  constructor(
    private readonly template: Json,
    private readonly parameters: Record<string, string>,
  ) {}

  value(v: unknown): unknown {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v;
    const ref = (v as Json).Ref;
    if (typeof ref === 'string') {
      if (ref in this.parameters) return this.parameters[ref];
      return this.template.Parameters?.[ref]?.Default;
    }
    return undefined;
  }

  number(v: unknown): number | undefined {
    const n = Number(this.value(v));
    return v === undefined || !Number.isFinite(n) ? undefined : n;
  }

  string(v: unknown): string | undefined {
    const s = this.value(v);
    return typeof s === 'string' || typeof s === 'number'
      ? String(s)
      : undefined;
  }

  /** Whether a resource with `Condition: name` exists; unknown counts as yes. */
  condition(name: unknown, depth = 0): boolean {
    if (typeof name !== 'string' || depth > 10) return true;
    const expr = this.template.Conditions?.[name];
    return expr === undefined ? true : this.holds(expr, depth + 1);
  }

  private holds(expr: unknown, depth: number): boolean {
    if (!expr || typeof expr !== 'object' || depth > 10) return true;
    const e = expr as Json;
    if ('Condition' in e) return this.condition(e.Condition, depth);
    if (Array.isArray(e['Fn::Equals'])) {
      const [a, b] = e['Fn::Equals'].map((x: unknown) => this.string(x));
      return a === undefined || b === undefined ? true : a === b;
    }
    if (Array.isArray(e['Fn::Not'])) return !this.holds(e['Fn::Not'][0], depth);
    if (Array.isArray(e['Fn::And'])) {
      return e['Fn::And'].every((x: unknown) => this.holds(x, depth));
    }
    if (Array.isArray(e['Fn::Or'])) {
      return e['Fn::Or'].some((x: unknown) => this.holds(x, depth));
    }
    return true;
  }
}

/**
 * The monthly cost of what a CloudFormation template creates, line by line,
 * at the list prices of {@link AWS_PRICES}, awake all month. Resources with
 * no charge of their own (VPCs, subnets, security groups, roles, clusters,
 * target groups, listeners) add nothing; usage-priced ones (requests, data)
 * take a stated assumption. Undefined when the body cannot be read.
 */
export function estimateTemplate(
  body: string,
  parameters: Record<string, string>,
): DriverCostLine[] | undefined {
  const template = readTemplateBody(body);
  if (!template) return undefined;
  const values = new TemplateValues(template, parameters);
  const resources: Json = template.Resources ?? {};
  const lines: DriverCostLine[] = [];
  const hours = HOURS_PER_MONTH;
  const p = AWS_PRICES;

  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!resource || typeof resource !== 'object') continue;
    if (!values.condition(resource.Condition)) continue;
    const props: Json = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::ECS::Service': {
        const count = values.number(props.DesiredCount) ?? 1;
        const taskRef = props.TaskDefinition?.Ref;
        const task: Json = resources[taskRef]?.Properties ?? {};
        const cpu = values.number(task.Cpu);
        const memory = values.number(task.Memory);
        const sized = cpu !== undefined && memory !== undefined;
        const size = sized
          ? undefined
          : 'task size not known before apply; priced at 0.25 vCPU and 0.5 GB';
        const vcpu = (cpu ?? 256) / 1024;
        const gb = (memory ?? 512) / 1024;
        const tasks = `${count} task${
          count === 1 ? '' : 's'
        } running all month`;
        lines.push(
          line(
            `Fargate vCPU (${logicalId})`,
            count * vcpu * hours,
            'vCPU-hour',
            p.fargateVcpuHour,
            true,
            size ?? tasks,
          ),
          line(
            `Fargate memory (${logicalId})`,
            count * gb * hours,
            'GB-hour',
            p.fargateGbHour,
            true,
            size ?? tasks,
          ),
        );
        const publicIp = values.string(
          props.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp,
        );
        // DISABLED when tasks run in private subnets; a value known only
        // once the network exists is priced as the public default.
        if (publicIp !== 'DISABLED' && count > 0) {
          lines.push(
            line(
              `Public IPv4 of tasks (${logicalId})`,
              count * hours,
              'IPv4-hour',
              p.publicIpv4Hour,
              true,
              publicIp === 'ENABLED'
                ? 'one address per running task'
                : 'one address per running task, if the network gives tasks public addresses',
            ),
          );
        }
        break;
      }
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const type = values.string(props.Type) ?? 'application';
        if (type !== 'application') break;
        lines.push(
          line(
            `Application Load Balancer (${logicalId})`,
            hours,
            'ALB-hour',
            p.albHour,
            false,
          ),
          line(
            `Load balancer capacity (${logicalId})`,
            hours,
            'LCU-hour',
            p.albLcuHour,
            false,
            'one LCU on average: light test traffic',
          ),
        );
        if ((values.string(props.Scheme) ?? 'internet-facing') !== 'internal') {
          const subnets = Array.isArray(props.Subnets)
            ? props.Subnets.length
            : 2;
          lines.push(
            line(
              `Public IPv4 of the load balancer (${logicalId})`,
              subnets * hours,
              'IPv4-hour',
              p.publicIpv4Hour,
              false,
              `one address per Availability Zone (${subnets})`,
            ),
          );
        }
        break;
      }
      case 'AWS::RDS::DBInstance': {
        const instanceClass = values.string(props.DBInstanceClass);
        const rate = instanceClass && p.rdsPostgresHour[instanceClass];
        if (rate) {
          lines.push(
            line(
              `RDS ${instanceClass} (${logicalId})`,
              hours,
              'instance-hour',
              rate,
              false,
              'Single-AZ, running all month',
            ),
          );
        }
        const storage = values.number(props.AllocatedStorage) ?? 20;
        lines.push(
          line(
            `RDS storage (${logicalId})`,
            storage,
            'GB-month',
            p.rdsStorageGbMonth,
            false,
          ),
        );
        break;
      }
      case 'AWS::ElastiCache::CacheCluster':
      case 'AWS::ElastiCache::ReplicationGroup': {
        const nodeType = values.string(props.CacheNodeType);
        const rate = nodeType && p.elasticacheNodeHour[nodeType];
        const nodes =
          values.number(props.NumCacheNodes) ??
          values.number(props.NumCacheClusters) ??
          1;
        if (rate) {
          lines.push(
            line(
              `ElastiCache ${nodeType} (${logicalId})`,
              nodes * hours,
              'node-hour',
              rate,
              false,
            ),
          );
        }
        break;
      }
      default:
        for (const charge of FIXED_CHARGES.get(resource.Type) ?? []) {
          lines.push(
            line(
              `${charge.item} (${logicalId})`,
              charge.quantity,
              charge.unit,
              charge.unitPrice,
              charge.whileRunning,
              charge.assumption,
            ),
          );
        }
        break;
    }
  }
  return lines;
}
