export interface Config {
  environments?: {
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
      /**
       * 'groups' (default): owner and template groups bound as RBAC Groups.
       * 'users': every catalog member bound as a User, refreshed on each reconcile.
       */
      subjects?: 'groups' | 'users';
      /** Default Pod Security Admission level. Default 'baseline'. */
      podSecurity?: 'privileged' | 'baseline' | 'restricted';
      /** Namespace of the ingress controller. Default 'ingress-nginx'. */
      ingressControllerNamespace?: string;
      /** Per-request timeout in milliseconds. Default 10000. */
      requestTimeoutMs?: number;
      /**
       * Status checks read each kind of object from one cluster-wide list
       * by the environment label, shared by every environment on the cluster.
       */
      statusSweep?: {
        /** How long one list serves; 0 shares only lists in flight. Default 15000. */
        maxAgeMs?: number;
        /** Objects per list page. Default 1000. */
        pageSize?: number;
      };
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
        /** The kubeconfigs `GET /environments/{id}/kubeconfig` hands out. */
        access?: {
          /** API server URL written into kubeconfigs; default `url`. */
          server?: string;
          /** Longest token lifetime callers may ask for, seconds (min 600). Default 86400. */
          maxTokenSeconds?: number;
          /** Set when the cluster trusts an OIDC issuer: exec credentials, no token. */
          oidc?: {
            issuerUrl: string;
            clientId: string;
            extraScopes?: string[];
          };
        };
      }>;
    };
  };
}
