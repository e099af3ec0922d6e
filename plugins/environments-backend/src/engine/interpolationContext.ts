import {
  Environment,
  EnvironmentStatus,
  EnvironmentTemplateResource,
  interpolate,
  InterpolationContext,
} from '@envkit/plugin-environments-common';
import { interpolationContextOf } from '@envkit/plugin-environments-node';

/**
 * What a resource's `${{ … }}` may read: the inputs, the environment, and
 * the outputs of resources that are Ready (or, with `allOutputs`, of every
 * resource that still has outputs on record). The shape is the one a
 * preview uses, so both come from `interpolationContextOf`.
 */
function interpolationContext(
  environment: Environment,
  status: EnvironmentStatus,
  options: { allOutputs?: boolean } = {},
): InterpolationContext {
  return interpolationContextOf(
    environment,
    status.resources.filter(r => options.allOutputs || r.phase === 'Ready'),
  );
}

/** Parameters for apply and observe: every reference must resolve. */
export function applyParameters(
  environment: Environment,
  status: EnvironmentStatus,
  resource: EnvironmentTemplateResource,
): Record<string, unknown> {
  return interpolate(
    resource.parameters ?? {},
    interpolationContext(environment, status),
  );
}

/**
 * Parameters for destroy: interpolated like for apply, but from every
 * output still on record (upstream resources are destroyed after their
 * dependents, so theirs are there), and leaving out a parameter whose
 * value can no longer be known rather than failing the destroy.
 */
export function destroyParameters(
  environment: Environment,
  status: EnvironmentStatus,
  resource: EnvironmentTemplateResource,
): Record<string, unknown> {
  const context = interpolationContext(environment, status, {
    allOutputs: true,
  });
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource.parameters ?? {})) {
    try {
      parameters[key] = interpolate(value, context);
    } catch {
      // e.g. an upstream output of a resource that never became Ready
    }
  }
  return parameters;
}

/** Template outputs as strings, the way the status publishes them. */
export function templateOutputs(
  environment: Environment,
  status: EnvironmentStatus,
): Record<string, string> {
  const values = interpolate(
    environment.spec.templateSnapshot.outputs,
    interpolationContext(environment, status),
  ) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
}
