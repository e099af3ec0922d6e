import { Config } from '@backstage/config';
import { AwsRateLimiterOptions } from './AwsRateLimiter';

/** Default of `environments.aws.statusBatchWindowMs`. */
export const DEFAULT_BATCH_WINDOW_MS = 50;

/** The `environments.aws` block of app-config, read once at start-up. */
export interface CloudFormationDriverConfig {
  /**
   * Endpoint for every CloudFormation and ECS client, e.g. the cloud
   * sandbox's `http://127.0.0.1:4566`. Unset in production.
   */
  endpoint?: string;
  /** Region of resources that name none. Default `us-east-1`. */
  defaultRegion: string;
  /**
   * Account of resources that name none; credentials for it come from the
   * root `aws` block. Unset: the `aws.mainAccount` credentials, as they are.
   */
  accountId?: string;
  /**
   * Service role CloudFormation assumes to create, update and delete stack
   * resources, so the Backstage role itself needs no EC2, ECS or IAM write
   * permissions. Unset: CloudFormation acts with the Backstage role.
   */
  cloudFormationRoleArn?: string;
  /** Limit of CloudFormation calls per account and region. */
  rateLimit: AwsRateLimiterOptions;
  /** Limit of ECS calls per account and region. */
  ecsRateLimit: AwsRateLimiterOptions;
  /** How long observe requests are collected into one DescribeServices. */
  statusBatchWindowMs: number;
}

export function readCloudFormationDriverConfig(
  config: Config,
): CloudFormationDriverConfig {
  const aws = config.getOptionalConfig('environments.aws');
  const rate = aws?.getOptionalConfig('rateLimit');
  const limit = (service: 'cloudFormation' | 'ecs') => {
    const own = rate?.getOptionalConfig(service);
    return {
      requestsPerSecond: own?.getOptionalNumber('requestsPerSecond'),
      burst: own?.getOptionalNumber('burst'),
      maxAttempts: rate?.getOptionalNumber('maxAttempts'),
    };
  };
  return {
    endpoint: aws?.getOptionalString('endpoint'),
    defaultRegion: aws?.getOptionalString('defaultRegion') ?? 'us-east-1',
    accountId: aws?.getOptionalString('accountId'),
    cloudFormationRoleArn: aws?.getOptionalString('cloudFormationRoleArn'),
    rateLimit: limit('cloudFormation'),
    ecsRateLimit: limit('ecs'),
    statusBatchWindowMs:
      aws?.getOptionalNumber('statusBatchWindowMs') ?? DEFAULT_BATCH_WINDOW_MS,
  };
}
