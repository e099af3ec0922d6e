import { TemplateExample } from '@backstage/plugin-scaffolder-node';
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

/**
 * An action's examples, each a one-step template running `step` with the
 * example's input (and, if it has one, its own name for the step).
 */
export function actionExamples(
  step: { id: string; action: string; name: string },
  examples: Array<{
    description: string;
    input: Record<string, unknown>;
    stepName?: string;
  }>,
): TemplateExample[] {
  return examples.map(({ description, input, stepName }) => ({
    description,
    example: oneStepExample({ ...step, name: stepName ?? step.name }, input),
  }));
}
