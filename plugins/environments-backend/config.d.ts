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
    /** Notices to owners and approvers through Backstage notifications. */
    notices?: {
      /**
       * How long before expiry the owner is told, as ISO-8601 durations.
       * Defaults to ['P1D', 'PT1H']; `[]` sends none.
       */
      beforeExpiry?: string[];
      /**
       * Seconds between two looks for environments nearing expiry, per
       * replica. Defaults to 60.
       */
      intervalSeconds?: number;
    };
    /** Approval of environments whose template requires it. */
    approvals?: {
      /**
       * How long a request waits for a decision when its template's
       * `guardrails.approval.expiresAfter` is not set; then it is rejected
       * by expiry. An ISO-8601 duration; defaults to P2D.
       */
      expiresAfter?: string;
    };
    /** Permission checks. */
    permissions?: {
      /**
       * Seconds a user's conditional permission decision (e.g. "read the
       * environments you own") is reused instead of asking the permission
       * backend again; a change in the user's groups or the policy takes
       * effect within this time. From 0 (no reuse) to 60; defaults to 5.
       */
      decisionCacheSeconds?: number;
    };
    /**
     * Monthly budgets in USD at list prices. A create or a change whose
     * projection (every live environment of the owner, each on its
     * schedule) would pass the owner's budget is refused with 409.
     */
    budgets?: {
      /** The budget of every owner not listed in `owners`. */
      perOwner?: number;
      /** Budgets of particular owners. */
      owners?: Array<{
        /** An owner's entity ref, e.g. `group:default/team-a`. */
        owner: string;
        /** Its monthly budget in USD. */
        monthly: number;
      }>;
    };
  };
}
