import {
  Environment,
  EnvironmentsRestApi,
  EnvironmentTemplateParameters,
} from '@envkit/plugin-environments-common';
import { badInput } from './exitCodes';

/**
 * The input that holds a template's container image: the one given, else
 * the only text input whose name mentions an image (`imageLocation` in the
 * built-in ECS templates).
 */
export function imageInputOf(
  parameters: EnvironmentTemplateParameters | undefined,
  given?: string,
): string {
  const properties = parameters?.properties ?? {};
  if (given) {
    if (!(given in properties)) {
      throw badInput(
        `--image-input: the template has no input '${given}'; it has ${
          Object.keys(properties).join(', ') || 'none'
        }`,
      );
    }
    return given;
  }
  const candidates = Object.entries(properties)
    .filter(([name, p]) => /image/i.test(name) && p.type === 'string')
    .map(([name]) => name);
  if (candidates.length !== 1) {
    throw badInput(
      `--image-input: ${
        candidates.length
          ? `the template has several image inputs (${candidates.join(', ')})`
          : 'the template has no input named like an image'
      }; name the one to set`,
    );
  }
  return candidates[0];
}

/**
 * Runs `image` (and `inputs`) in an existing environment. A different
 * value changes the inputs: a new generation, which rolls out by itself.
 * Nothing different is a redeploy: a fresh rollout, e.g. for a tag that
 * moved, which also applies a Failed or Degraded environment again.
 */
export async function deployImage(
  client: EnvironmentsRestApi,
  environment: Environment,
  options: {
    image?: string;
    imageInput?: string;
    inputs?: Record<string, unknown>;
  },
): Promise<{ environment: Environment; change: 'updated' | 'redeployed' }> {
  const { spec } = environment;
  const changes: Record<string, unknown> = { ...options.inputs };
  if (options.image !== undefined) {
    const input = imageInputOf(
      spec.templateSnapshot.parameters,
      options.imageInput,
    );
    changes[input] = options.image;
  }
  // Given as text, kept typed: compared as text. Secret inputs are never
  // returned, so one given always counts as a change.
  const changed = Object.fromEntries(
    Object.entries(changes).filter(
      ([name, value]) =>
        !(name in (spec.inputs ?? {})) ||
        String(spec.inputs[name]) !== String(value),
    ),
  );
  if (Object.keys(changed).length > 0) {
    return {
      environment: await client.updateEnvironmentInputs(
        environment.id,
        changed,
      ),
      change: 'updated',
    };
  }
  return {
    environment: await client.redeployEnvironment(environment.id),
    change: 'redeployed',
  };
}
