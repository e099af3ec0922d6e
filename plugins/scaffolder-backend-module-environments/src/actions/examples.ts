import yaml from 'yaml';

/**
 * A template with one step running `action`, written as the YAML a
 * template author would; each action's examples are built from it.
 */
export function oneStepExample(
  step: { id: string; action: string; name: string },
  input: Record<string, unknown>,
): string {
  return yaml.stringify({ steps: [{ ...step, input }] });
}
