import { ConflictError } from '@backstage/errors';
import { EnvironmentPhase } from '@envkit/plugin-environments-common';
import { ReconcileRecord } from './ReconcileRecord';

function record(phase: EnvironmentPhase) {
  return new ReconcileRecord(
    {
      phase,
      conditions: [],
      resources: [],
      outputs: {},
      observedGeneration: 1,
    },
    () => new Date('2026-11-30T12:00:00Z'),
  );
}

describe('ReconcileRecord', () => {
  it('refuses a transition the phase machine forbids, changing nothing', () => {
    const destroyed = record('Destroyed');
    expect(() => destroyed.transition('Provisioning', 'again')).toThrow(
      ConflictError,
    );
    expect(destroyed.status.phase).toBe('Destroyed');
    expect(destroyed.events).toEqual([]);
  });

  it('records an allowed transition with its event', () => {
    const pending = record('Pending');
    pending.transition('Destroying', 'Destroying');
    expect(pending.status.phase).toBe('Destroying');
    expect(pending.events).toEqual([
      {
        at: '2026-11-30T12:00:00.000Z',
        type: 'Normal',
        reason: 'Destroying',
        message: 'Destroying',
      },
    ]);
  });
});
