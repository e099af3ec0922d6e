export interface Config {
  environments?: {
    scaffolder?: {
      /**
       * Seconds between status polls while an env:* action waits for an
       * environment; 5 when not set.
       */
      pollIntervalSeconds?: number;
    };
  };
}
