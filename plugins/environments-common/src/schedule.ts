import { InputError } from '@backstage/errors';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { formatPath } from './zodErrors';

/** A day of the week, as schedules name them. @public */
export type Weekday = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';

/** luxon's weekday numbers: Monday is 1, Sunday 7. */
const WEEKDAYS: readonly Weekday[] = [
  'Mon',
  'Tue',
  'Wed',
  'Thu',
  'Fri',
  'Sat',
  'Sun',
];

/**
 * One awake window: on each of `days`, from `from` (inclusive) to `to`
 * (exclusive), both `HH:mm` in the schedule's time zone; `to` may be
 * `24:00`. A window ends on the day it starts: a night shift is two windows.
 *
 * @public
 */
export type AwakeWindow = { days: Weekday[]; from: string; to: string };

/**
 * When an environment is awake; outside every window it sleeps (its
 * services scaled to zero). A template's `guardrails.schedule`, which an
 * environment may narrow but not widen.
 *
 * @public
 */
export type EnvironmentSchedule = {
  /** An IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  awake: AwakeWindow[];
};

const MINUTES_PER_DAY = 24 * 60;
const HOURS_PER_WEEK = 7 * 24;

function minutesOf(time: string): number | undefined {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(time);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= MINUTES_PER_DAY ? minutes : undefined;
}

const clock = z.string().refine(t => minutesOf(t) !== undefined, {
  message: "must be a time of day 'HH:mm' between 00:00 and 24:00",
});

/** The zod schema of {@link EnvironmentSchedule}. @public */
export const environmentScheduleSchema = z
  .object({
    timeZone: z.string().refine(zone => IANAZone.isValidZone(zone), {
      message: "must be an IANA time zone such as 'Europe/Berlin'",
    }),
    awake: z
      .array(
        z
          .object({
            days: z.array(z.enum(WEEKDAYS as [Weekday, ...Weekday[]])).min(1),
            from: clock,
            to: clock,
          })
          .strict()
          .refine(w => (minutesOf(w.to) ?? 0) > (minutesOf(w.from) ?? 0), {
            message: 'must end after it starts, on the same day',
            path: ['to'],
          }),
      )
      .min(1, { message: 'needs at least one awake window' })
      .max(50),
  })
  .strict();

/**
 * The schedule in `value`, checked; an `InputError` naming `field` and the
 * problem otherwise.
 *
 * @public
 */
export function parseEnvironmentSchedule(
  value: unknown,
  field = 'schedule',
): EnvironmentSchedule {
  const result = environmentScheduleSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(
      `${formatPath([field, ...(issue.path as (string | number)[])])}: ${
        issue.message
      }`,
    );
  }
  return result.data;
}

/** Awake minutes of each weekday (index 0 is Monday), as sorted, merged ranges. */
function awakeRanges(schedule: EnvironmentSchedule): Array<[number, number][]> {
  return WEEKDAYS.map(day => {
    const ranges = schedule.awake
      .filter(w => w.days.includes(day))
      .map(w => [minutesOf(w.from)!, minutesOf(w.to)!] as [number, number])
      .sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [from, to] of ranges) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  });
}

/**
 * Whether `schedule` says awake at `at`.
 *
 * @public
 */
export function isAwakeAt(schedule: EnvironmentSchedule, at: Date): boolean {
  const local = DateTime.fromJSDate(at, { zone: schedule.timeZone });
  const minute = local.hour * 60 + local.minute;
  return awakeRanges(schedule)[local.weekday - 1].some(
    ([from, to]) => from <= minute && minute < to,
  );
}

/**
 * The first moment after `after` at which `schedule` changes between awake
 * and asleep; undefined when it never does (awake around the clock).
 *
 * @public
 */
export function nextScheduleChange(
  schedule: EnvironmentSchedule,
  after: Date,
): Date | undefined {
  const awakeNow = isAwakeAt(schedule, after);
  const ranges = awakeRanges(schedule);
  const start = DateTime.fromJSDate(after, { zone: schedule.timeZone }).startOf(
    'day',
  );
  // Eight days cover every boundary of a weekly schedule.
  for (let offset = 0; offset <= 8; offset++) {
    const day = start.plus({ days: offset });
    const candidates = ranges[day.weekday - 1]
      .flatMap(([from, to]) => [from, to])
      .sort((a, b) => a - b);
    for (const minute of candidates) {
      const at = day.plus({ minutes: minute }).toJSDate();
      if (at > after && isAwakeAt(schedule, at) !== awakeNow) return at;
    }
  }
  return undefined;
}

/**
 * Awake hours in a week of `schedule`; 168 is always awake.
 *
 * @public
 */
export function awakeHoursPerWeek(schedule: EnvironmentSchedule): number {
  const minutes = awakeRanges(schedule)
    .flat()
    .reduce((sum, [from, to]) => sum + (to - from), 0);
  return minutes / 60;
}

/**
 * The share of a week `schedule` is awake, between 0 and 1; 1 without a
 * schedule.
 *
 * @public
 */
export function awakeShare(schedule: EnvironmentSchedule | undefined): number {
  return schedule ? awakeHoursPerWeek(schedule) / HOURS_PER_WEEK : 1;
}

/**
 * The schedule an environment runs on: the template's, or the one it asks
 * for when that only narrows the template's (same time zone, every awake
 * minute also awake in the template's). An `InputError` naming `field`
 * otherwise.
 *
 * @public
 */
export function resolveEnvironmentSchedule(
  template: EnvironmentSchedule | undefined,
  requested: unknown,
  field = 'schedule',
): EnvironmentSchedule | undefined {
  if (requested === undefined || requested === null) return template;
  const asked = parseEnvironmentSchedule(
    {
      ...(template ? { timeZone: template.timeZone } : {}),
      ...(requested as object),
    },
    field,
  );
  if (!template) return asked;
  if (asked.timeZone !== template.timeZone) {
    throw new InputError(
      `${field}.timeZone: must be the template's time zone, ${template.timeZone}`,
    );
  }
  const allowed = awakeRanges(template);
  awakeRanges(asked).forEach((ranges, day) => {
    for (const [from, to] of ranges) {
      if (!allowed[day].some(([f, t]) => f <= from && to <= t)) {
        throw new InputError(
          `${field}.awake: ${WEEKDAYS[day]} ${formatMinutes(
            from,
          )}-${formatMinutes(
            to,
          )} is outside the template's awake windows; a schedule may only narrow them`,
        );
      }
    }
  });
  return asked;
}

function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/**
 * Whether an environment should sleep at `at`: its schedule says asleep and
 * no *Wake now* or *Keep awake tonight* holds it awake (`awakeUntil`).
 *
 * @public
 */
export function shouldSleep(
  spec: { schedule?: EnvironmentSchedule; awakeUntil?: string },
  at: Date,
): boolean {
  if (!spec.schedule || isAwakeAt(spec.schedule, at)) return false;
  return !(spec.awakeUntil && Date.parse(spec.awakeUntil) > at.getTime());
}

/**
 * Until when *Wake now* (`tonight: false`) or *Keep awake tonight*
 * (`tonight: true`) holds an environment awake, asked at `at`: Wake now
 * until the schedule's next change (it wakes then anyway); Keep awake
 * tonight through the next sleep, to the wake after it. Undefined when the
 * schedule never sleeps.
 *
 * @public
 */
export function awakeOverrideUntil(
  schedule: EnvironmentSchedule,
  at: Date,
  tonight: boolean,
): Date | undefined {
  const next = nextScheduleChange(schedule, at);
  if (!next || !tonight || !isAwakeAt(schedule, at)) return next;
  return nextScheduleChange(schedule, next);
}

/**
 * The next moment after `at` at which {@link shouldSleep} changes for
 * `spec`, counting both its schedule and its `awakeUntil`; undefined when
 * it never does.
 *
 * @public
 */
export function nextSleepChange(
  spec: { schedule?: EnvironmentSchedule; awakeUntil?: string },
  at: Date,
): Date | undefined {
  if (!spec.schedule) return undefined;
  const now = shouldSleep(spec, at);
  const held = spec.awakeUntil ? new Date(spec.awakeUntil) : undefined;
  let from = at;
  // A schedule change while held awake is no change; a few steps suffice.
  for (let step = 0; step < 16; step++) {
    const scheduled = nextScheduleChange(spec.schedule, from);
    const candidates = [scheduled, held && held > from ? held : undefined]
      .filter((d): d is Date => !!d)
      .sort((a, b) => a.getTime() - b.getTime());
    const next = candidates[0];
    if (!next) return undefined;
    if (shouldSleep(spec, next) !== now) return next;
    from = next;
  }
  return undefined;
}
