import { LoggerService } from '@backstage/backend-plugin-api';
import {
  awakeHoursPerWeek,
  awakeShare,
  collectReferences,
  CostEstimate,
  Environment,
  EnvironmentSpec,
  EnvironmentTemplateResource,
  interpolate,
  InterpolationContext,
} from '@envkit/plugin-environments-common';
import {
  CompleteEnvironmentDriver,
  createDriverContext,
  driverEnvironmentOf,
  DriverPriceList,
  interpolationContextOf,
  secretParametersOf,
} from '@envkit/plugin-environments-node';

const cents = (n: number) => Math.round(n * 100) / 100;

/**
 * The context an estimate interpolates in: outputs of resources that don't
 * exist yet (a VPC id, a subnet list) and inputs not given stand in as
 * placeholders, since a cost depends on sizes and counts, not on ids.
 */
function withPlaceholders(
  context: InterpolationContext,
  resources: EnvironmentTemplateResource[],
): InterpolationContext {
  const pending: InterpolationContext['resources'] = {};
  const unset: InterpolationContext['inputs'] = {};
  for (const { reference } of collectReferences(
    resources.map(r => r.parameters ?? {}),
  )) {
    if (reference.kind === 'resource') {
      const { resource, output } = reference;
      const outputs = (pending[resource] ??= { outputs: {} }).outputs;
      outputs[output] = `(${resource}.${output} once created)`;
    } else if (reference.kind === 'input') {
      // An optional input left out, or a secret not given to a preview.
      unset[reference.name] = `(input ${reference.name} not given)`;
    }
  }
  return {
    ...context,
    inputs: { ...unset, ...context.inputs },
    resources: { ...pending, ...context.resources },
  };
}

/**
 * The monthly cost of `draft`, from each driver's `estimate`: every line
 * with the resource it belongs to, the sum, and the price lists used.
 * Resources whose driver cannot estimate are named with the reason, never
 * silently priced at zero.
 */
interface EstimateOptions {
  draft: Environment;
  context: InterpolationContext;
  drivers: ReadonlyMap<string, CompleteEnvironmentDriver>;
  logger: LoggerService;
}

export async function estimateCost(
  options: EstimateOptions,
): Promise<CostEstimate> {
  const { draft, drivers, logger } = options;
  const template = draft.spec.templateSnapshot;
  const context = withPlaceholders(options.context, template.resources);
  const environment = driverEnvironmentOf(draft);
  const lines: CostEstimate['lines'] = [];
  const notEstimated: CostEstimate['notEstimated'] = [];
  const priceLists = new Map<string, DriverPriceList>();
  for (const resource of template.resources) {
    const driver = drivers.get(resource.driver);
    if (!driver?.estimate) {
      notEstimated.push({
        resource: resource.name,
        reason: `the ${resource.driver} driver gives no cost estimate`,
      });
      continue;
    }
    try {
      const secretParameters = secretParametersOf(template, resource);
      const estimate = await driver.estimate(
        {
          name: resource.name,
          driver: resource.driver,
          parameters: interpolate(resource.parameters ?? {}, context),
          ...(secretParameters ? { secretParameters } : {}),
        },
        createDriverContext({ environment, resource: resource.name, logger }),
      );
      lines.push(
        ...estimate.lines.map(l => ({ resource: resource.name, ...l })),
      );
      priceLists.set(estimate.priceList.name, estimate.priceList);
    } catch (error) {
      notEstimated.push({
        resource: resource.name,
        reason: (error as Error).message,
      });
    }
  }
  const { schedule } = draft.spec;
  return {
    currency: 'USD',
    monthly: sumOf(lines),
    lines,
    priceLists: [...priceLists.values()],
    notEstimated,
    ...(schedule
      ? { withSchedule: onSchedule(lines, awakeShare(schedule)) }
      : {}),
  };

  function onSchedule(all: CostEstimate['lines'], share: number) {
    const scheduled = all.map(l =>
      l.whileRunning
        ? {
            ...l,
            quantity: l.quantity * share,
            monthly: cents(l.monthly * share),
          }
        : l,
    );
    return {
      awakeHoursPerWeek: awakeHoursPerWeek(schedule!),
      monthly: sumOf(scheduled),
      lines: scheduled,
    };
  }
}

function sumOf(lines: CostEstimate['lines']): number {
  return cents(lines.reduce((sum, l) => sum + l.monthly, 0));
}

/**
 * The month an estimate projects: on the environment's schedule when it
 * has one, else running all month.
 */
export function projectedMonthly(estimate: CostEstimate): number {
  return estimate.withSchedule?.monthly ?? estimate.monthly;
}

/**
 * {@link estimateCost} of `draft` with its secret inputs' values, by the
 * drivers of the environment operations: the estimate a create and a
 * change are judged on.
 */
export function estimateDraft(
  options: { drivers: () => EstimateOptions['drivers']; logger: LoggerService },
  draft: Environment,
  secrets: EnvironmentSpec['inputs'],
): Promise<CostEstimate> {
  return estimateCost({
    draft,
    context: contextWithSecrets(draft, secrets),
    drivers: options.drivers(),
    logger: options.logger,
  });
}

/** What `draft`'s expressions see, its secret inputs' values included. */
export function contextWithSecrets(
  draft: Environment,
  secrets: EnvironmentSpec['inputs'],
): InterpolationContext {
  return interpolationContextOf({
    ...draft,
    spec: { ...draft.spec, inputs: { ...draft.spec.inputs, ...secrets } },
  });
}
