import { ConflictError } from '@backstage/errors';
import {
  assertTransition,
  canTransition,
  ENVIRONMENT_PHASES,
  EnvironmentPhase,
  isEnvironmentPhase,
  isTerminal,
} from './phases';

const allowed: Array<[EnvironmentPhase, EnvironmentPhase]> = [
  ['Pending', 'Provisioning'],
  ['Pending', 'Destroying'],
  ['Provisioning', 'Ready'],
  ['Provisioning', 'Failed'],
  ['Provisioning', 'Destroying'],
  ['Ready', 'Updating'],
  ['Ready', 'Degraded'],
  ['Ready', 'Destroying'],
  ['Updating', 'Ready'],
  ['Updating', 'Degraded'],
  ['Updating', 'Destroying'],
  ['Degraded', 'Ready'],
  ['Degraded', 'Updating'],
  ['Degraded', 'Destroying'],
  ['Failed', 'Provisioning'],
  ['Failed', 'Destroying'],
  ['Destroying', 'Destroyed'],
  ['AwaitingApproval', 'Provisioning'],
  ['AwaitingApproval', 'Rejected'],
  ['AwaitingApproval', 'Destroyed'],
  ['Provisioning', 'Sleeping'],
  ['Ready', 'Sleeping'],
  ['Updating', 'Sleeping'],
  ['Degraded', 'Sleeping'],
  ['Sleeping', 'Ready'],
  ['Sleeping', 'Updating'],
  ['Sleeping', 'Degraded'],
  ['Sleeping', 'Destroying'],
];

describe('phase machine', () => {
  it('allows exactly the documented transitions', () => {
    for (const from of ENVIRONMENT_PHASES) {
      for (const to of ENVIRONMENT_PHASES) {
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect([from, to, canTransition(from, to)]).toEqual([
          from,
          to,
          expected,
        ]);
      }
    }
  });

  it('explains a refused transition', () => {
    expect(() => assertTransition('Ready', 'Provisioning')).toThrow(
      ConflictError,
    );
    expect(() => assertTransition('Ready', 'Provisioning')).toThrow(
      'An environment cannot move from Ready to Provisioning; from Ready it may move to Sleeping, Updating, Degraded, Destroying',
    );
    expect(() => assertTransition('Destroyed', 'Provisioning')).toThrow(
      /it is final/,
    );
    expect(() => assertTransition('Pending', 'Provisioning')).not.toThrow();
  });

  it('knows Destroyed and Rejected are the only final phases', () => {
    expect(ENVIRONMENT_PHASES.filter(isTerminal)).toEqual([
      'Destroyed',
      'Rejected',
    ]);
  });

  it('recognises phase names', () => {
    expect(isEnvironmentPhase('Ready')).toBe(true);
    expect(isEnvironmentPhase('ready')).toBe(false);
    expect(isEnvironmentPhase(undefined)).toBe(false);
  });
});
