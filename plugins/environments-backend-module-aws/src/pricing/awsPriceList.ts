/*
 * The list prices Envkit estimates with: AWS on-demand prices in USD for
 * us-east-1 (N. Virginia), Linux, for what the built-in templates and the
 * resources platform teams commonly add create. Data, not code: refresh it
 * from the pages in `sources` as docs/platform-guide.md ("Cost estimates")
 * describes, and change `date` with it.
 */
import type { DriverPriceList } from '@envkit/plugin-environments-node';

/** Hours in the month AWS bills by (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

export const AWS_PRICE_LIST: DriverPriceList = {
  name: 'AWS on-demand list prices',
  region: 'us-east-1',
  date: '2024-10-01',
  sources: [
    'https://aws.amazon.com/fargate/pricing/',
    'https://aws.amazon.com/elasticloadbalancing/pricing/',
    'https://aws.amazon.com/vpc/pricing/',
    'https://aws.amazon.com/rds/postgresql/pricing/',
    'https://aws.amazon.com/elasticache/pricing/',
    'https://aws.amazon.com/s3/pricing/',
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ],
};

export const AWS_PRICES = {
  /** Fargate, Linux/x86, per vCPU-hour and per GB-hour of memory. */
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  /** Application Load Balancer hour, and one Load Balancer Capacity Unit hour. */
  albHour: 0.0225,
  albLcuHour: 0.008,
  /** NAT gateway hour and GB processed. */
  natHour: 0.045,
  natGb: 0.045,
  /** An in-use public IPv4 address, per hour. */
  publicIpv4Hour: 0.005,
  /** RDS for PostgreSQL, Single-AZ, per instance-hour, by class. */
  rdsPostgresHour: {
    'db.t4g.micro': 0.016,
    'db.t4g.small': 0.032,
    'db.t4g.medium': 0.065,
    'db.t3.micro': 0.018,
    'db.t3.small': 0.036,
    'db.t3.medium': 0.072,
    'db.m6g.large': 0.152,
  } as Record<string, number>,
  /** RDS General Purpose (gp2/gp3) storage, per GB-month. */
  rdsStorageGbMonth: 0.115,
  /** ElastiCache (Redis OSS), per node-hour, by node type. */
  elasticacheNodeHour: {
    'cache.t4g.micro': 0.016,
    'cache.t4g.small': 0.032,
    'cache.t4g.medium': 0.065,
    'cache.t3.micro': 0.017,
    'cache.t3.small': 0.034,
    'cache.m6g.large': 0.149,
  } as Record<string, number>,
  /** S3 Standard storage, per GB-month. */
  s3GbMonth: 0.023,
  /** SQS standard queue, per million requests (after the free tier). */
  sqsMillionRequests: 0.4,
  /** CloudWatch Logs ingestion, per GB. */
  logsIngestGb: 0.5,
};
