export interface Config {
  /** Configuration of the Envkit environments backend. */
  environments?: {
    /** The lifecycle engine that provisions and watches environments. */
    engine?: {
      /**
       * Seconds between two reconcile sweeps of one backend replica.
       * Defaults to 2.
       */
      intervalSeconds?: number;
      /**
       * Seconds between two status checks of a Ready environment (drift,
       * service health). Defaults to 30.
       */
      observeIntervalSeconds?: number;
      /**
       * Environments one replica leases and reconciles per sweep, all at
       * once (so their status checks can share batched cloud calls).
       * Defaults to 100.
       */
      batchSize?: number;
    };
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
    /**
     * The kubernetes-namespace driver: the shared clusters environments'
     * namespaces are made on. The driver is registered when this is set.
     */
    kubernetes?: {
      /** Used when a resource names no cluster; default the first cluster. */
      defaultCluster?: string;
      /** Prepended to RBAC subject names, e.g. 'oidc:'. */
      subjectPrefix?: string;
      /** ClusterRole bound to owners in their namespace. Default 'admin'. */
      adminClusterRole?: string;
      /** Default Pod Security Admission level. Default 'baseline'. */
      podSecurity?: 'privileged' | 'baseline' | 'restricted';
      /** Namespace of the ingress controller. Default 'ingress-nginx'. */
      ingressControllerNamespace?: string;
      /** Per-request timeout in milliseconds. Default 10000. */
      requestTimeoutMs?: number;
      clusters: Array<{
        /** The name templates and inputs use to pick the cluster. */
        name: string;
        /** API server URL; required unless kubeconfigPath is set. */
        url?: string;
        authProvider: 'serviceAccount';
        /** @visibility secret */
        serviceAccountToken?: string;
        /** @visibility secret */
        caData?: string;
        caFile?: string;
        skipTLSVerify?: boolean;
        kubeconfigPath?: string;
        /** Domain under which workload ingress hosts are made. */
        ingressDomain?: string;
        ingressClassName?: string;
        /** URL of a workload endpoint; '{host}' is replaced. Default 'http://{host}'. */
        endpointUrlTemplate?: string;
      }>;
    };
  };
}
