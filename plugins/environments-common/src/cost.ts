import type {
  CostEstimate,
  EnvironmentsOpenApiSchemas,
  EnvironmentSpec,
} from './environment';
import {
  awakeShare,
  EnvironmentSchedule,
  isAwakeAt,
  nextScheduleChange,
} from './schedule';

/** Hours in the month cost estimates price (365 × 24 / 12). @public */
export const HOURS_PER_MONTH = 730;

/** An environment's hourly rates, as `spec.cost` records them. @public */
export type EnvironmentCostRates = EnvironmentsOpenApiSchemas['CostRates'];

/** An environment's cost accrued and projected, as reads return it. @public */
export type EnvironmentCost = EnvironmentsOpenApiSchemas['EnvironmentCost'];

const HOUR_MS = 3_600_000;
const cents = (n: number) => Math.round(n * 100) / 100;

/**
 * The hourly rates of an estimate: lines billed only while running, and
 * the rest.
 *
 * @public
 */
export function costRatesOf(estimate: CostEstimate): EnvironmentCostRates {
  const hourly = (running: boolean) =>
    estimate.lines
      .filter(l => l.whileRunning === running)
      .reduce((sum, l) => sum + l.monthly, 0) / HOURS_PER_MONTH;
  return {
    currency: 'USD',
    runningHourly: hourly(true),
    fixedHourly: hourly(false),
    ...(estimate.priceLists[0]
      ? { priceListDate: estimate.priceLists[0].date }
      : {}),
    ...(estimate.notEstimated.length
      ? { notEstimated: estimate.notEstimated.map(n => n.resource) }
      : {}),
  };
}

/**
 * The monthly cost at `rates` on `schedule` (running all month without one).
 *
 * @public
 */
export function projectedMonthlyCost(
  rates: EnvironmentCostRates,
  schedule: EnvironmentSchedule | undefined,
): number {
  return cents(
    (rates.fixedHourly + rates.runningHourly * awakeShare(schedule)) *
      HOURS_PER_MONTH,
  );
}

/**
 * Hours `schedule` is awake between `from` and `to`; every hour without a
 * schedule.
 *
 * @public
 */
export function awakeHoursBetween(
  schedule: EnvironmentSchedule | undefined,
  from: Date,
  to: Date,
): number {
  if (to <= from) return 0;
  if (!schedule) return (to.getTime() - from.getTime()) / HOUR_MS;
  let awakeMs = 0;
  let at = from;
  let awake = isAwakeAt(schedule, at);
  while (at < to) {
    const next = nextScheduleChange(schedule, at);
    const end = next && next < to ? next : to;
    if (awake) awakeMs += end.getTime() - at.getTime();
    at = end;
    awake = !awake;
  }
  return awakeMs / HOUR_MS;
}

/**
 * What an environment with `spec` made at `createdAt` has cost by `now`
 * (awake hours × the running rate, plus every hour × the fixed rate), its
 * month on its schedule, and its total at expiry; undefined when it has no
 * rates. Hours held awake by Wake now are not counted.
 *
 * @public
 */
export function environmentCostOf(
  spec: Pick<EnvironmentSpec, 'cost' | 'schedule' | 'expiresAt'>,
  createdAt: string,
  now: Date,
): EnvironmentCost | undefined {
  const rates = spec.cost;
  if (!rates) return undefined;
  const spend = (from: Date, to: Date) =>
    rates.fixedHourly * (Math.max(0, to.getTime() - from.getTime()) / HOUR_MS) +
    rates.runningHourly * awakeHoursBetween(spec.schedule, from, to);
  const created = new Date(createdAt);
  const expires = spec.expiresAt ? new Date(spec.expiresAt) : undefined;
  const until = expires && expires < now ? expires : now;
  const accrued = spend(created, until);
  return {
    currency: 'USD',
    accrued: cents(accrued),
    projectedMonthly: projectedMonthlyCost(rates, spec.schedule),
    ...(expires
      ? { projectedToExpiry: cents(accrued + spend(until, expires)) }
      : {}),
  };
}
