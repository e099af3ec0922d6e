import { Scheduler } from '../clock';
import type { SandboxContext } from '../context';
import { CallCounter, Faults } from '../faults';
import { profiles } from '../profiles';

/** A fresh context on the fast profile, for tests of one service's state. */
export function fastContext(): SandboxContext {
  return {
    scheduler: new Scheduler(),
    faults: new Faults(),
    calls: new CallCounter(),
    profile: () => profiles.fast,
    region: 'us-east-1',
    accountId: '000000000000',
  };
}
