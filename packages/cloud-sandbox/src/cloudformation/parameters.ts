/**
 * Resolution of stack parameters against a template's declarations, with
 * the validation messages CloudFormation answers with.
 */
import { AwsError } from '../aws/query';
import type { Template } from './templateParser';

export interface ParameterInput {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: string;
}

function fail(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

/** Returns the raw string value of each declared parameter. */
export function resolveParameters(
  template: Template,
  inputs: ParameterInput[],
  previous: Record<string, string> = {},
): Record<string, string> {
  const declared = template.Parameters ?? {};
  const unknown = inputs
    .map(i => i.ParameterKey ?? '')
    .filter(key => !(key in declared));
  if (unknown.length > 0) {
    throw fail(
      `Parameters: [${unknown.join(', ')}] do not exist in the template`,
    );
  }
  const given = new Map<string, string>();
  for (const input of inputs) {
    const key = input.ParameterKey as string;
    if (input.UsePreviousValue === 'true' && key in previous)
      given.set(key, previous[key]);
    else if (input.ParameterValue !== undefined)
      given.set(key, input.ParameterValue);
  }
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, declaration] of Object.entries(declared)) {
    const value =
      given.get(name) ??
      (declaration.Default !== undefined
        ? String(declaration.Default)
        : undefined);
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    if (
      declaration.AllowedValues &&
      !declaration.AllowedValues.map(String).includes(value)
    ) {
      throw fail(`Parameter '${name}' must be one of AllowedValues`);
    }
    if (
      declaration.AllowedPattern &&
      !new RegExp(`^(?:${declaration.AllowedPattern})$`).test(value)
    ) {
      throw fail(
        `Parameter '${name}' must match pattern ${declaration.AllowedPattern}`,
      );
    }
    if (
      declaration.Type === 'Number' &&
      (value.trim() === '' || Number.isNaN(Number(value)))
    ) {
      throw fail(`Parameter '${name}' must be a number.`);
    }
    values[name] = value;
  }
  if (missing.length > 0) {
    throw fail(`Parameters: [${missing.join(', ')}] must have values`);
  }
  return values;
}

/** List-typed parameters are seen by intrinsics as arrays. */
export function typedParameters(
  template: Template,
  values: Record<string, string>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = template.Parameters?.[name]?.Type ?? 'String';
    out[name] =
      type === 'CommaDelimitedList' || type.startsWith('List<')
        ? value.split(',').map(v => v.trim())
        : value;
  }
  return out;
}
