import {
  awakeOverrideUntil,
  EnvironmentPhase,
  EnvironmentSchedule,
} from '@envkit/plugin-environments-common';
import { describeEngine } from './__testUtils__/engineHarness';

// Sleep schedules on a clock the test moves: an environment sleeps outside
// its awake windows (its resources applied with `asleep`), wakes inside
// them, and Wake now holds it awake until the schedule's next change.

jest.setTimeout(120_000);

/** Weekdays 08:00-20:00 in Berlin: 60 hours a week. */
const weekdays: EnvironmentSchedule = {
  timeZone: 'Europe/Berlin',
  awake: [
    { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '08:00', to: '20:00' },
  ],
};

// Monday 7 December 2026; Berlin is UTC+1 in December.
const at = (berlinTime: string) => Date.parse(`${berlinTime}+01:00`);

describeEngine('LifecycleEngine schedules', freshHarness => {
  const harness = async () => {
    const h = await freshHarness();
    h.now = at('2026-12-07T09:00:00');
    return h;
  };
  const asleep = (h: Awaited<ReturnType<typeof harness>>, id: string) =>
    ['network', 'service'].map(
      r => h.driver.resources.get(`${id}/${r}`)!.asleep,
    );

  it('sleeps a weekday environment in the evening and wakes it in the morning', async () => {
    const h = await harness();
    await h.create('night', { schedule: weekdays });
    const ready = await h.runUntil('night', 'Ready');
    expect(ready.status.sleep).toBeUndefined();
    expect(asleep(h, 'night')).toEqual([false, false]);

    // Still awake at 19:50: nothing is scaled.
    h.now = at('2026-12-07T19:50:00');
    await h.engine().sweep();
    expect((await h.get('night')).status.phase).toBe('Ready');
    expect(h.driver.scalings).toBe(0);

    // At `time` the environment turns `phase`; its resources and its
    // status agree on `sleep`.
    const turnsAt = async (
      time: string,
      phase: EnvironmentPhase,
      sleep: { asleep: boolean; nextChangeAt: string },
    ) => {
      h.now = at(time);
      const environment = await h.runUntil('night', phase);
      expect(asleep(h, 'night')).toEqual([sleep.asleep, sleep.asleep]);
      expect(environment.status.sleep).toMatchObject(sleep);
      return environment;
    };
    const sleeping = await turnsAt('2026-12-07T20:00:30', 'Sleeping', {
      asleep: true,
      nextChangeAt: '2026-12-08T07:00:00.000Z',
    });
    expect(
      sleeping.status.conditions.find(c => c.type === 'Asleep'),
    ).toMatchObject({ status: 'True', reason: 'OutsideSchedule' });

    await turnsAt('2026-12-08T08:00:30', 'Ready', {
      asleep: false,
      nextChangeAt: '2026-12-08T19:00:00.000Z',
    });
    const reasons = await h.eventReasons('night');
    expect(reasons.filter(r => r === 'FallingAsleep')).toHaveLength(1);
    expect(reasons.filter(r => r === 'Waking')).toHaveLength(1);
    // Each sleep and wake is its own operation for the drivers' tokens.
    expect(new Set(h.driver.changeTokens).size).toBe(
      h.driver.changeTokens.length,
    );
  });

  it('keeps an environment asleep over a restart and many sweeps, changing nothing', async () => {
    const h = await harness();
    await h.create('restart', { schedule: weekdays });
    await h.runUntil('restart', 'Ready');
    h.now = at('2026-12-07T20:01:00');
    const sleeping = await h.runUntil('restart', 'Sleeping');
    const scalings = h.driver.scalings;
    const applies = h.driver.calls.filter(c => c.verb === 'apply').length;
    const events = (await h.eventReasons('restart')).length;

    // A new replica (a restarted backend) in the middle of the night.
    for (const time of ['22:00', '23:30', '01:00', '03:00', '07:59']) {
      h.now = at(`2026-12-0${time < '08' ? 8 : 7}T${time}:00`);
      await h.engine().sweep();
    }

    const after = await h.get('restart');
    expect(after.status.phase).toBe('Sleeping');
    expect(after.status.sleep).toEqual(sleeping.status.sleep);
    expect(h.driver.scalings).toBe(scalings);
    expect(h.driver.calls.filter(c => c.verb === 'apply')).toHaveLength(
      applies,
    );
    expect(await h.eventReasons('restart')).toHaveLength(events);
    expect(asleep(h, 'restart')).toEqual([true, true]);
  });

  it('holds an environment woken with Wake now awake until the next boundary', async () => {
    const h = await harness();
    await h.create('woken', { schedule: weekdays });
    await h.runUntil('woken', 'Ready');
    h.now = at('2026-12-07T21:00:00');
    await h.runUntil('woken', 'Sleeping');

    const until = awakeOverrideUntil(weekdays, new Date(h.now), false)!;
    expect(until.toISOString()).toBe('2026-12-08T07:00:00.000Z');
    await h.store.updateSpec('woken', spec => ({
      ...spec,
      awakeUntil: until.toISOString(),
    }));
    const woken = await h.runUntil('woken', 'Ready');
    expect(asleep(h, 'woken')).toEqual([false, false]);
    expect(
      woken.status.conditions.find(c => c.type === 'Asleep'),
    ).toMatchObject({ status: 'False', reason: 'WokenOnRequest' });

    // Held through the night, then the schedule takes over again.
    h.now = at('2026-12-08T03:00:00');
    await h.engine().sweep();
    expect((await h.get('woken')).status.phase).toBe('Ready');
    h.now = at('2026-12-08T19:59:00');
    await h.engine().sweep();
    expect((await h.get('woken')).status.phase).toBe('Ready');
    h.now = at('2026-12-08T20:00:30');
    await h.runUntil('woken', 'Sleeping');
    expect(asleep(h, 'woken')).toEqual([true, true]);
  });

  it('provisions an environment created at night asleep, and applies a change made while asleep asleep', async () => {
    const h = await harness();
    h.now = at('2026-12-12T10:00:00'); // a Saturday
    await h.create('weekend', { schedule: weekdays });
    await h.runUntil('weekend', 'Sleeping');
    expect(asleep(h, 'weekend')).toEqual([true, true]);

    await h.store.updateSpec('weekend', spec => ({
      ...spec,
      inputs: { image: 'nginx:2' },
    }));
    const changed = await h.runUntil('weekend', 'Sleeping', {
      maxSweeps: 30,
    });
    expect(changed.status.observedGeneration).toBe(2);
    expect(h.driver.applied.get('weekend/service')!.parameters).toMatchObject({
      image: 'nginx:2',
    });
    expect(asleep(h, 'weekend')).toEqual([true, true]);
  });
});
