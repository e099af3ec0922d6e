import { InputError } from '@backstage/errors';
import type {
  EnvironmentTemplateParameter,
  EnvironmentTemplateParameters,
} from './template';

/** A resolved input value. @public */
export type InputValue = string | number | boolean;

/**
 * Longest string input accepted. Also bounds the work a template's `pattern`
 * can do on developer input.
 *
 * @public
 */
export const MAX_STRING_INPUT_LENGTH = 4096;

const has = (record: object, key: string) =>
  Object.prototype.hasOwnProperty.call(record, key);

/** The policy of a parameter; `overridable` when the template says none. @public */
export function parameterPolicy(
  parameter: EnvironmentTemplateParameter,
): 'locked' | 'overridable' | 'restricted' {
  return parameter['envkit:policy'] ?? 'overridable';
}

// Integers and decimals in their plain spelling only: no hex, exponents,
// whitespace or leading zeros, so "8080" converts and "0x1F" or " 1" do not.
function isPlainInteger(text: string) {
  let i = text[0] === '-' ? 1 : 0;
  if (i >= text.length) return false;
  if (text[i] === '0' && text.length > i + 1) return false;
  for (; i < text.length; i++) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}
function isPlainDecimal(text: string) {
  const dot = text.indexOf('.');
  if (dot < 0) return isPlainInteger(text);
  const fraction = text.slice(dot + 1);
  return (
    isPlainInteger(text.slice(0, dot)) &&
    fraction.length > 0 &&
    [...fraction].every(c => c >= '0' && c <= '9')
  );
}

/**
 * Converts `value` to the parameter's type, or explains why it cannot be.
 * Strings in the plain spelling of a number or boolean are converted
 * (`"8080"` to 8080, `"true"` to true), because forms and query strings send
 * text; nothing else is coerced, and numbers are never turned into strings.
 */
function coerce(
  parameter: EnvironmentTemplateParameter,
  value: unknown,
): { value: InputValue } | { problem: string } {
  switch (parameter.type) {
    case 'string':
      return typeof value === 'string'
        ? { value }
        : { problem: `must be a string, got ${describe(value)}` };
    case 'boolean':
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') {
        return { value: value === 'true' };
      }
      return { problem: `must be a boolean, got ${describe(value)}` };
    case 'integer':
    case 'number': {
      let n: number | undefined;
      if (typeof value === 'number') n = value;
      else if (
        typeof value === 'string' &&
        (parameter.type === 'integer'
          ? isPlainInteger(value)
          : isPlainDecimal(value))
      ) {
        n = Number(value);
      }
      if (n === undefined || !Number.isFinite(n)) {
        return {
          problem: `must be a ${parameter.type}, got ${describe(value)}`,
        };
      }
      if (parameter.type === 'integer' && !Number.isSafeInteger(n)) {
        return { problem: `must be an integer, got ${describe(value)}` };
      }
      return { value: n };
    }
    default:
      return { problem: `has unsupported type '${String(parameter.type)}'` };
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Checks a value already of the right type against the parameter's rules. */
function constraintProblem(
  parameter: EnvironmentTemplateParameter,
  value: InputValue,
): string | undefined {
  if (parameter.enum && !parameter.enum.some(e => e === value)) {
    return `must be one of ${parameter.enum
      .map(e => JSON.stringify(e))
      .join(', ')}, got ${describe(value)}`;
  }
  if (typeof value === 'number') {
    if (parameter.minimum !== undefined && value < parameter.minimum) {
      return `must be at least ${parameter.minimum}, got ${value}`;
    }
    if (parameter.maximum !== undefined && value > parameter.maximum) {
      return `must be at most ${parameter.maximum}, got ${value}`;
    }
  }
  if (typeof value === 'string') {
    const max = Math.min(
      parameter.maxLength ?? MAX_STRING_INPUT_LENGTH,
      MAX_STRING_INPUT_LENGTH,
    );
    if (value.length > max) {
      return `must be at most ${max} characters, got ${value.length}`;
    }
    if (
      parameter.minLength !== undefined &&
      value.length < parameter.minLength
    ) {
      return `must be at least ${parameter.minLength} characters, got ${value.length}`;
    }
    if (parameter.pattern !== undefined) {
      const regex = compilePattern(parameter.pattern);
      if (!regex || !regex.test(value)) {
        return `must match the pattern ${parameter.pattern}`;
      }
    }
  }
  return undefined;
}

function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/**
 * Problems in the parameter declarations of a template, each as
 * `[path, message]` relative to `spec.parameters`: a locked parameter needs a
 * default, a restricted one an enum, defaults must satisfy their own rules,
 * `required` must name declared parameters, pattern must compile.
 *
 * @public
 */
export function parameterDefinitionProblems(
  parameters: EnvironmentTemplateParameters,
): Array<[path: string, message: string]> {
  const problems: Array<[string, string]> = [];
  const properties = parameters.properties ?? {};
  for (const [name, p] of Object.entries(properties)) {
    const at = `properties.${name}`;
    const policy = parameterPolicy(p);
    if (policy === 'locked' && p.default === undefined) {
      problems.push([at, 'a locked parameter needs a default']);
    }
    if (policy === 'restricted' && !p.enum) {
      problems.push([at, 'a restricted parameter needs an enum']);
    }
    if (p.pattern !== undefined && !compilePattern(p.pattern)) {
      problems.push([`${at}.pattern`, 'is not a valid regular expression']);
    }
    if (
      p.minimum !== undefined &&
      p.maximum !== undefined &&
      p.minimum > p.maximum
    ) {
      problems.push([`${at}.minimum`, 'is greater than maximum']);
    }
    for (const [i, e] of (p.enum ?? []).entries()) {
      const c = coerce(p, e);
      if ('problem' in c || c.value !== e) {
        problems.push([`${at}.enum[${i}]`, `is not a ${p.type}`]);
      }
    }
    if (p.default !== undefined) {
      const c = coerce(p, p.default);
      const problem =
        'problem' in c || c.value !== p.default
          ? `must be a ${p.type}`
          : constraintProblem(p, c.value);
      if (problem) problems.push([`${at}.default`, problem]);
    }
  }
  for (const [i, name] of (parameters.required ?? []).entries()) {
    if (!has(properties, name)) {
      problems.push([`required[${i}]`, `names undeclared parameter '${name}'`]);
    }
  }
  return problems;
}

/**
 * The complete, validated inputs of a new environment: the developer's
 * inputs checked against the template's parameters, with defaults filled in.
 *
 * @remarks
 * Rules, each reported as an `InputError` naming `inputs.<name>` (all
 * problems are reported together, separated by `; `):
 * - unknown names are refused;
 * - `locked` parameters take their default; a developer value that differs
 *   from it is refused (the same value is tolerated, so forms that echo the
 *   default still work);
 * - `restricted` (and any parameter with `enum`) must be one of the enum;
 * - types: strings in the plain spelling of a number or boolean are
 *   converted (`"8080"` to 8080, `"true"` to true); nothing else is coerced;
 * - `minimum`/`maximum`, `minLength`/`maxLength` (capped at
 *   {@link MAX_STRING_INPUT_LENGTH}), `pattern`;
 * - `required` parameters without a default must be given. Optional
 *   parameters with neither value nor default are left out of the result.
 *
 * @public
 */
export function resolveInputs(
  template: { parameters?: EnvironmentTemplateParameters },
  developerInputs: Record<string, unknown> | undefined,
): Record<string, InputValue> {
  const properties = template.parameters?.properties ?? {};
  const required = new Set(template.parameters?.required ?? []);
  const given = developerInputs ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw new InputError('inputs: must be an object of input names to values');
  }
  const problems: string[] = [];
  const resolved: Record<string, InputValue> = Object.create(null);

  for (const name of Object.keys(given)) {
    if (!has(properties, name)) {
      const known = Object.keys(properties);
      problems.push(
        `inputs.${name}: unknown input; this template takes ${
          known.length ? known.join(', ') : 'no inputs'
        }`,
      );
    }
  }

  for (const [name, p] of Object.entries(properties)) {
    const provided = has(given, name) && given[name] !== undefined;
    const policy = parameterPolicy(p);
    let raw: unknown;
    if (policy === 'locked') {
      if (provided) {
        const c = coerce(p, given[name]);
        if ('problem' in c || c.value !== p.default) {
          problems.push(
            `inputs.${name}: is locked by the platform team to ${JSON.stringify(
              p.default,
            )} and cannot be changed`,
          );
          continue;
        }
      }
      raw = p.default;
    } else if (provided) {
      raw = given[name];
    } else if (p.default !== undefined) {
      raw = p.default;
    } else {
      if (required.has(name)) {
        problems.push(`inputs.${name}: is required`);
      }
      continue;
    }
    const c = coerce(p, raw);
    if ('problem' in c) {
      problems.push(`inputs.${name}: ${c.problem}`);
      continue;
    }
    const problem = constraintProblem(p, c.value);
    if (problem) {
      problems.push(`inputs.${name}: ${problem}`);
      continue;
    }
    resolved[name] = c.value;
  }

  if (problems.length) {
    throw new InputError(problems.join('; '));
  }
  return { ...resolved };
}
