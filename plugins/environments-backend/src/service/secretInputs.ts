import {
  EnvironmentSpec,
  EnvironmentTemplateSpec,
} from '@envkit/plugin-environments-common';

type InputValues = EnvironmentSpec['inputs'];

/**
 * Splits resolved inputs into those the spec (and so every response) may
 * carry and the values of the template's `secret` inputs, which are stored
 * apart and reach only the drivers.
 */
export function splitSecretInputs(
  template: Pick<EnvironmentTemplateSpec, 'parameters'>,
  resolved: InputValues,
): { inputs: InputValues; secrets: InputValues } {
  const properties = template.parameters?.properties ?? {};
  const inputs: InputValues = {};
  const secrets: InputValues = {};
  for (const [name, value] of Object.entries(resolved)) {
    if (properties[name]?.secret) secrets[name] = value;
    else inputs[name] = value;
  }
  return { inputs, secrets };
}

/** The spec fields that say which secret inputs are set, never their values. */
export function secretInputNames(
  secrets: InputValues,
): Pick<EnvironmentSpec, 'secretInputs'> {
  const names = Object.keys(secrets).sort();
  return names.length ? { secretInputs: names } : { secretInputs: undefined };
}
