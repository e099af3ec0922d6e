export interface Config {
  environments?: {
    /**
     * The aws-cloudformation driver. Credentials come from the root `aws`
     * block (`@backstage/integration-aws-node`: accounts, role assumption).
     */
    aws?: {
      /**
       * Endpoint of every CloudFormation and ECS client, e.g. the cloud
       * sandbox at http://127.0.0.1:4566. Leave unset against AWS.
       */
      endpoint?: string;
      /** Region of resources without a `region` parameter. Default us-east-1. */
      defaultRegion?: string;
      /** Account of resources without an `accountId` parameter. */
      accountId?: string;
      /**
       * Service role CloudFormation uses for stack operations (RoleARN) in
       * accounts that have none of their own under `accounts`.
       */
      cloudFormationRoleArn?: string;
      /**
       * The AWS accounts resources may name in their `accountId` parameter,
       * each with its own CloudFormation service role. When set, a resource
       * naming an account that is not listed is refused. Credentials for
       * each account still come from the root `aws` block.
       */
      accounts?: Array<{
        /** The 12-digit account id; quote it in YAML so it stays a string. */
        accountId: string;
        /**
         * Service role CloudFormation uses for stacks in this account;
         * default `cloudFormationRoleArn`.
         */
        cloudFormationRoleArn?: string;
        /**
         * Region of this account's resources that name none; default
         * `defaultRegion`.
         */
        region?: string;
      }>;
      /**
       * How long ECS status lookups are collected into one DescribeServices
       * call, in milliseconds. Default 50.
       */
      statusBatchWindowMs?: number;
      /** Status checks of many environments. */
      statusSweep?: {
        /**
         * How long a stack that has not changed since its ECS services were
         * last seen healthy goes without reading them again, as an ISO 8601
         * duration (e.g. PT5M) or a duration object; PT0S reads them on
         * every check. Default PT5M.
         */
        settledRecheck?:
          | string
          | {
              milliseconds?: number;
              seconds?: number;
              minutes?: number;
              hours?: number;
            };
      };
      /** Client-side rate limits per service, account and region. */
      rateLimit?: {
        cloudFormation?: {
          /** Default 4. */
          requestsPerSecond?: number;
          /** Default 8. */
          burst?: number;
        };
        ecs?: {
          /** Default 20. */
          requestsPerSecond?: number;
          /** Default 20. */
          burst?: number;
        };
        /** Tries per call while throttled. Default 10. */
        maxAttempts?: number;
      };
    };
  };
}
