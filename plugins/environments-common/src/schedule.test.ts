import {
  awakeHoursPerWeek,
  awakeOverrideUntil,
  EnvironmentSchedule,
  isAwakeAt,
  nextScheduleChange,
  nextSleepChange,
  parseEnvironmentSchedule,
  resolveEnvironmentSchedule,
  shouldSleep,
} from './schedule';
import { validateEnvironmentTemplate } from './template';
import { exampleTemplate } from './testUtils';

const weekdays: EnvironmentSchedule = {
  timeZone: 'Europe/Berlin',
  awake: [
    { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '08:00', to: '20:00' },
  ],
};

const utc = (iso: string) => new Date(`${iso}Z`);

describe('schedules', () => {
  it('says awake inside a window in its own time zone and asleep outside', () => {
    // Monday 7 December 2026, Berlin is UTC+1.
    expect(isAwakeAt(weekdays, utc('2026-12-07T06:59:00'))).toBe(false);
    expect(isAwakeAt(weekdays, utc('2026-12-07T07:00:00'))).toBe(true);
    expect(isAwakeAt(weekdays, utc('2026-12-07T18:59:00'))).toBe(true);
    expect(isAwakeAt(weekdays, utc('2026-12-07T19:00:00'))).toBe(false);
    // Saturday noon.
    expect(isAwakeAt(weekdays, utc('2026-12-12T11:00:00'))).toBe(false);
  });

  it('finds the next change, over weekends and across a clock change', () => {
    expect(nextScheduleChange(weekdays, utc('2026-12-11T20:00:00'))).toEqual(
      utc('2026-12-14T07:00:00'),
    );
    // Summer time starts on 29 March 2026: Monday 08:00 is 06:00 UTC.
    expect(nextScheduleChange(weekdays, utc('2026-03-28T12:00:00'))).toEqual(
      utc('2026-03-30T06:00:00'),
    );
    const always: EnvironmentSchedule = {
      timeZone: 'UTC',
      awake: [
        {
          days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
          from: '00:00',
          to: '24:00',
        },
      ],
    };
    expect(nextScheduleChange(always, utc('2026-12-07T10:00:00'))).toBe(
      undefined,
    );
  });

  it('counts awake hours a week', () => {
    expect(awakeHoursPerWeek(weekdays)).toBe(60);
  });

  it('Wake now holds to the next change; Keep awake tonight through the next sleep', () => {
    const evening = utc('2026-12-07T20:00:00'); // Monday 21:00 in Berlin
    expect(awakeOverrideUntil(weekdays, evening, false)).toEqual(
      utc('2026-12-08T07:00:00'),
    );
    const afternoon = utc('2026-12-07T14:00:00');
    expect(awakeOverrideUntil(weekdays, afternoon, true)).toEqual(
      utc('2026-12-08T07:00:00'),
    );
    const awakeUntil = utc('2026-12-08T07:00:00').toISOString();
    expect(
      shouldSleep(
        { schedule: weekdays, awakeUntil },
        utc('2026-12-07T22:00:00'),
      ),
    ).toBe(false);
    // Held awake overnight, the next change is Tuesday's sleep.
    expect(
      nextSleepChange({ schedule: weekdays, awakeUntil }, afternoon),
    ).toEqual(utc('2026-12-08T19:00:00'));
  });

  it('lets an environment narrow the template schedule and refuses widening, naming the field', () => {
    expect(
      resolveEnvironmentSchedule(weekdays, {
        awake: [{ days: ['Mon', 'Wed'], from: '09:00', to: '17:00' }],
      }),
    ).toEqual({
      timeZone: 'Europe/Berlin',
      awake: [{ days: ['Mon', 'Wed'], from: '09:00', to: '17:00' }],
    });
    expect(resolveEnvironmentSchedule(weekdays, undefined)).toBe(weekdays);
    expect(() =>
      resolveEnvironmentSchedule(weekdays, {
        awake: [{ days: ['Sat'], from: '09:00', to: '17:00' }],
      }),
    ).toThrow(
      "schedule.awake: Sat 09:00-17:00 is outside the template's awake windows; a schedule may only narrow them",
    );
    expect(() =>
      resolveEnvironmentSchedule(weekdays, {
        awake: [{ days: ['Mon'], from: '07:00', to: '12:00' }],
      }),
    ).toThrow(/schedule\.awake: Mon 07:00-12:00 is outside/);
    expect(() =>
      resolveEnvironmentSchedule(weekdays, {
        timeZone: 'America/New_York',
        awake: [{ days: ['Mon'], from: '09:00', to: '12:00' }],
      }),
    ).toThrow("schedule.timeZone: must be the template's time zone");
  });

  it('refuses a malformed schedule, naming the field', () => {
    expect(() =>
      parseEnvironmentSchedule({ timeZone: 'Mars/Olympus', awake: [] }),
    ).toThrow(/schedule\.timeZone: must be an IANA time zone/);
    expect(() =>
      parseEnvironmentSchedule({
        timeZone: 'UTC',
        awake: [{ days: ['Mon'], from: '20:00', to: '08:00' }],
      }),
    ).toThrow(/schedule\.awake\[0\]\.to: must end after it starts/);
    expect(() =>
      parseEnvironmentSchedule({
        timeZone: 'UTC',
        awake: [{ days: ['Mon'], from: '8:00', to: '25:00' }],
      }),
    ).toThrow(/schedule\.awake\[0\]\.from: must be a time of day/);
  });

  it('is a template guardrail', () => {
    const entity = exampleTemplate();
    entity.spec.guardrails = {
      schedule: { timeZone: 'Nowhere/Else', awake: weekdays.awake },
    };
    expect(() => validateEnvironmentTemplate(entity)).toThrow(
      /guardrails\.schedule\.timeZone/,
    );
  });
});
