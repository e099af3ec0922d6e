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
  };
}
