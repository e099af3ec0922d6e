import type { Scheduler } from './clock';
import type { CallCounter, Faults } from './faults';
import type { Profile } from './profiles';

/** What every emulated service shares: time, faults and the account. */
export interface SandboxContext {
  scheduler: Scheduler;
  faults: Faults;
  calls: CallCounter;
  profile(): Profile;
  region: string;
  accountId: string;
  /**
   * Domain of load balancer DNS names; `<region>.elb.amazonaws.com` unless
   * set. The local demo uses `elb.localhost:<port>` so that browsers resolve
   * an environment's endpoint to the sandbox's page for it.
   */
  loadBalancerDomain?: string;
}
