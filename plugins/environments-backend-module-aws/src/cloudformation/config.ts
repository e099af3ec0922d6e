import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { AwsRateLimiterOptions } from './AwsRateLimiter';

/**
 * Settings of one AWS account the driver creates stacks in
 * (`environments.aws.accounts[]`).
 *
 * @public
 */
export interface CloudFormationAccountOptions {
  /** The 12-digit account id. */
  accountId: string;
  /**
   * Service role CloudFormation assumes for stacks in this account
   * (`RoleARN`); unset: the driver-wide `cloudFormationRoleArn`.
   */
  cloudFormationRoleArn?: string;
  /** Region of this account's resources that name none. */
  region?: string;
}

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
  /**
   * The accounts resources may use, each with its own service role and
   * default region. Empty: any account the root `aws` block has
   * credentials for, all with `cloudFormationRoleArn`.
   */
  accounts: CloudFormationAccountOptions[];
  /** Limit of CloudFormation calls per account and region. */
  rateLimit: AwsRateLimiterOptions;
  /** Limit of ECS calls per account and region. */
  ecsRateLimit: AwsRateLimiterOptions;
  /** How long observe requests are collected into one DescribeServices. */
  statusBatchWindowMs: number;
  /** `statusSweep.settledRecheck` in milliseconds, when set. */
  settledRecheckMs?: number;
}

const MS_PER = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
} as const;

/** `environments.aws.statusSweep.settledRecheck` (ISO 8601, e.g. PT5M, or a duration object). */
function readSettledRecheck(aws: Config | undefined): number | undefined {
  const key = 'statusSweep.settledRecheck';
  if (!aws?.has(key)) return undefined;
  let duration: Record<string, number | undefined>;
  try {
    duration = readDurationFromConfig(aws, { key }) as Record<
      string,
      number | undefined
    >;
  } catch (error) {
    throw new InputError(
      `environments.aws.${key}: ${(error as Error).message}`,
    );
  }
  let ms = 0;
  for (const [unit, value] of Object.entries(duration)) {
    const per = MS_PER[unit as keyof typeof MS_PER];
    if (!per) {
      throw new InputError(
        `environments.aws.${key}: use weeks or smaller units, not ${unit}`,
      );
    }
    ms += (value ?? 0) * per;
  }
  return ms;
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
    accounts: (aws?.getOptionalConfigArray('accounts') ?? []).map(account => ({
      accountId: account.getString('accountId'),
      cloudFormationRoleArn: account.getOptionalString('cloudFormationRoleArn'),
      region: account.getOptionalString('region'),
    })),
    rateLimit: limit('cloudFormation'),
    ecsRateLimit: limit('ecs'),
    statusBatchWindowMs:
      aws?.getOptionalNumber('statusBatchWindowMs') ?? DEFAULT_BATCH_WINDOW_MS,
    settledRecheckMs: readSettledRecheck(aws),
  };
}
