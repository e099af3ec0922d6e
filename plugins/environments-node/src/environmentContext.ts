import {
  collectReferences,
  type Environment,
  type EnvironmentResourceStatus,
  type EnvironmentTemplateResource,
  type EnvironmentTemplateSpec,
  type InterpolationContext,
} from '@envkit/plugin-environments-common';
import type { DriverEnvironment, DriverResource } from './driver';

/**
 * The {@link DriverEnvironment} drivers see for an environment's current
 * spec; the engine's calls and a preview's plans use the same one.
 *
 * @public
 */
export function driverEnvironmentOf(
  environment: Environment,
): DriverEnvironment {
  const { spec } = environment;
  return {
    id: environment.id,
    name: spec.name,
    owner: spec.owner,
    ...(spec.component ? { component: spec.component } : {}),
    generation: spec.generation,
    templateRef: spec.templateRef,
    templateVersion: spec.templateVersion,
    ...(spec.redeployRequestedAt
      ? { redeployRequestedAt: spec.redeployRequestedAt }
      : {}),
    // The state the engine is bringing the resources to (status.sleep).
    ...(environment.status?.sleep
      ? {
          asleep: environment.status.sleep.asleep,
          sleepStateSince: environment.status.sleep.since,
        }
      : {}),
  };
}

/**
 * What `${{ … }}` expressions in a template see for an environment: its
 * inputs, its identity (`environment.id`, `name`, `owner`, `component`) and
 * the outputs of the given resources.
 *
 * @public
 */
export function interpolationContextOf(
  environment: Environment,
  resources: ReadonlyArray<
    Pick<EnvironmentResourceStatus, 'name' | 'outputs'>
  > = [],
): InterpolationContext {
  const { spec } = environment;
  return {
    inputs: spec.inputs,
    environment: {
      id: environment.id,
      name: spec.name,
      owner: spec.owner,
      ...(spec.component ? { component: spec.component } : {}),
    },
    resources: Object.fromEntries(
      resources.map(r => [r.name, { outputs: r.outputs }]),
    ),
  };
}

/**
 * The paths inside a resource's `parameters` whose values hold a `secret`
 * input of the template, as {@link DriverResource.secretParameters} lists
 * them; undefined when there are none.
 *
 * @public
 */
export function secretParametersOf(
  template: Pick<EnvironmentTemplateSpec, 'parameters'>,
  resource: Pick<EnvironmentTemplateResource, 'parameters'>,
): string[] | undefined {
  const properties = template.parameters?.properties ?? {};
  const paths = new Set<string>();
  for (const found of collectReferences(resource.parameters ?? {})) {
    const { reference } = found;
    if (reference.kind === 'input' && properties[reference.name]?.secret) {
      paths.add(found.path);
    }
  }
  return paths.size ? [...paths].sort() : undefined;
}
