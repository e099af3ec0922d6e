import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';

/** The clients of one AWS account and region, and the key its limits use. @public */
export interface AwsTarget {
  /** `<account>/<region>`: the unit AWS rate limits apply to. */
  key: string;
  accountId: string;
  region: string;
  /**
   * Every request of this client, including each page a paginator asks
   * for, runs under the account and region's rate limit.
   */
  cloudFormation: CloudFormationClient;
  ecs: ECSClient;
  /** Empties a stack's buckets before the stack is deleted. */
  s3: S3Client;
}

/** Runs a call under the rate limit of `key`, retrying throttling. */
export type RateLimit = <T>(key: string, call: () => Promise<T>) => Promise<T>;

/**
 * Builds and caches SDK clients per account and region, with credentials
 * from `@backstage/integration-aws-node` (which handles role assumption and
 * per-account settings from the root `aws` config block).
 */
export class AwsClients {
  private readonly targets = new Map<string, Promise<AwsTarget>>();

  constructor(
    private readonly options: {
      credentialsManager: AwsCredentialsManager;
      endpoint?: string;
      /** Used when neither the resource nor config names an account. */
      defaultAccountId?: string;
      /** The limit every CloudFormation request runs under. */
      limit: RateLimit;
    },
  ) {}

  get(accountId: string | undefined, region: string): Promise<AwsTarget> {
    const account = accountId ?? this.options.defaultAccountId;
    const cacheKey = `${account ?? ''}/${region}`;
    let target = this.targets.get(cacheKey);
    if (!target) {
      target = this.create(account, region);
      // A failed credentials lookup is not cached: the next call retries it.
      target.catch(() => this.targets.delete(cacheKey));
      this.targets.set(cacheKey, target);
    }
    return target;
  }

  private async create(
    accountId: string | undefined,
    region: string,
  ): Promise<AwsTarget> {
    const provider =
      await this.options.credentialsManager.getCredentialProvider(
        accountId ? { accountId } : undefined,
      );
    const resolvedAccount = provider.accountId ?? accountId ?? 'default';
    const common = {
      region,
      credentials: provider.sdkCredentialProvider,
      endpoint: this.options.endpoint,
      // Retries of throttling happen in AwsRateLimiter, under the shared
      // per-account budget; the SDK's own retries would bypass it.
      maxAttempts: 1,
    };
    const key = `${resolvedAccount}/${region}`;
    const cloudFormation = new CloudFormationClient(common);
    cloudFormation.middlewareStack.add(
      next => args => this.options.limit(key, () => next(args)),
      { step: 'initialize', name: 'envkitRateLimit' },
    );
    return {
      key,
      accountId: resolvedAccount,
      region,
      cloudFormation,
      ecs: new ECSClient(common),
      // A custom endpoint (the sandbox, a VPC endpoint URL) takes path-style
      // addressing; AWS itself is addressed by bucket host name.
      s3: new S3Client({
        ...common,
        forcePathStyle: this.options.endpoint !== undefined,
      }),
    };
  }

  destroy(): void {
    for (const target of this.targets.values()) {
      target
        .then(t => {
          t.cloudFormation.destroy();
          t.ecs.destroy();
          t.s3.destroy();
        })
        .catch(() => {});
    }
    this.targets.clear();
  }
}
