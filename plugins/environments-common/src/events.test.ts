import type { EnvironmentEvent } from './environment';
import {
  environmentEventKey,
  environmentEventLine,
  unseenEnvironmentEvents,
} from './events';

const event = (overrides: Partial<EnvironmentEvent>): EnvironmentEvent => ({
  at: '2026-12-01T10:00:00.000Z',
  type: 'Normal',
  reason: 'Provisioning',
  message: 'Creating resources',
  ...overrides,
});

describe('environment events', () => {
  it('keys an event by its id, or by when and what without one', () => {
    expect(environmentEventKey(event({ id: '42' }))).toBe('42');
    expect(environmentEventKey(event({}))).toBe(
      '2026-12-01T10:00:00.000Z|Provisioning|Creating resources',
    );
  });

  it('yields the new events of each listing oldest first', () => {
    const seen = new Set<string>();
    const first = event({ id: '1' });
    const second = event({ id: '2', reason: 'ResourceReady' });
    const third = event({ id: '3', reason: 'Ready' });

    expect(unseenEnvironmentEvents([second, first], seen)).toEqual([
      first,
      second,
    ]);
    expect(unseenEnvironmentEvents([third, second, first], seen)).toEqual([
      third,
    ]);
    expect([...seen]).toEqual(['1', '2', '3']);
  });

  it('writes an event as one log line, naming its resource when it has one', () => {
    expect(environmentEventLine(event({}))).toBe(
      'Provisioning: Creating resources',
    );
    expect(
      environmentEventLine(
        event({ reason: 'ResourceReady', message: 'up', resource: 'db' }),
      ),
    ).toBe('ResourceReady (db): up');
  });
});
