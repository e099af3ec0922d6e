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
      /** Service role CloudFormation uses for stack operations (RoleARN). */
      cloudFormationRoleArn?: string;
      /**
       * How long ECS status lookups are collected into one DescribeServices
       * call, in milliseconds. Default 50.
       */
      statusBatchWindowMs?: number;
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
          /** Default 40. */
          burst?: number;
        };
        /** Tries per call while throttled. Default 10. */
        maxAttempts?: number;
      };
    };
  };
}
