import type {
  Environment,
  EnvironmentResourceStatus,
  InterpolationContext,
} from '@envkit/plugin-environments-common';
import type { DriverEnvironment } from './driver';

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
