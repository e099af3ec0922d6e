import { InputError } from '@backstage/errors';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
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

// ajv checks the JSON Schema rules; Envkit adds the policies, the plain-text
// conversion and messages in words around it. `allErrors` so every input's
// problem is reported in one answer.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });

// One compiled validator per distinct schema; templates are few and change
// rarely, so a small bound keeps memory flat while every call after the
// first is a lookup.
const MAX_CACHED_VALIDATORS = 500;
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (validators.size >= MAX_CACHED_VALIDATORS) {
      validators.delete(validators.keys().next().value!);
    }
    validators.set(key, validate);
  }
  return validate;
}

/** The JSON Schema of one parameter's value, with Envkit's hard limits. */
function valueSchema(p: EnvironmentTemplateParameter): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: p.type };
  if (p.enum) schema.enum = p.enum;
  if (p.type === 'integer' || p.type === 'number') {
    const safe = p.type === 'integer' ? Number.MAX_SAFE_INTEGER : undefined;
    const minimum = p.minimum ?? (safe && -safe);
    const maximum = p.maximum ?? safe;
    if (minimum !== undefined) schema.minimum = minimum;
    if (maximum !== undefined) schema.maximum = maximum;
  }
  if (p.type === 'string') {
    schema.maxLength = Math.min(
      p.maxLength ?? MAX_STRING_INPUT_LENGTH,
      MAX_STRING_INPUT_LENGTH,
    );
    if (p.minLength !== undefined) schema.minLength = p.minLength;
    if (p.pattern !== undefined) schema.pattern = p.pattern;
  }
  return schema;
}

/** The JSON Schema of a template's whole inputs object. */
function inputsSchema(parameters: EnvironmentTemplateParameters): object {
  const properties: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(parameters.properties ?? {})) {
    properties[name] =
      p.default === undefined
        ? valueSchema(p)
        : { ...valueSchema(p), default: p.default };
  }
  const required = (parameters.required ?? []).filter(
    name =>
      has(properties, name) &&
      parameters.properties[name].default === undefined,
  );
  return {
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  };
}

// Integers and decimals in their plain spelling only: no hex, exponents,
// whitespace or leading zeros, so "8080" converts and "0x1F" or " 1" do not.
const PLAIN_INTEGER = /^-?(0|[1-9]\d*)$/;
const PLAIN_DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/**
 * Strings in the plain spelling of a number or boolean become that value
 * (`"8080"` to 8080, `"true"` to true), because forms and query strings send
 * text; anything else is left for the schema to judge. ajv's own
 * `coerceTypes` is not used: it would also take `"0x1F"`, `" 80"` and `true`
 * for numbers.
 */
function fromText(p: EnvironmentTemplateParameter, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (p.type === 'boolean' && (value === 'true' || value === 'false')) {
    return value === 'true';
  }
  const plain = p.type === 'integer' ? PLAIN_INTEGER : PLAIN_DECIMAL;
  if ((p.type === 'integer' || p.type === 'number') && plain.test(value)) {
    return Number(value);
  }
  return value;
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

/** Problems listed in one error message; the rest are counted. */
const MAX_LISTED_PROBLEMS = 5;

/** An input name as an error message repeats it: at most 64 characters. */
function shortName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}

/** `, got 'x'`, or nothing for a secret input: its value is never echoed. */
function got(p: EnvironmentTemplateParameter, shown: string): string {
  return p.secret ? '' : `, got ${shown}`;
}

// When one value breaks several rules, the first of these is reported.
const KEYWORD_ORDER = [
  'type',
  'enum',
  'minimum',
  'maximum',
  'maxLength',
  'minLength',
  'pattern',
];

/** An ajv error about one value, in words. */
function valueProblem(
  error: ErrorObject,
  p: EnvironmentTemplateParameter,
  value: unknown,
): string {
  const limit = error.params.limit;
  const length = typeof value === 'string' ? value.length : 0;
  switch (error.keyword) {
    case 'type':
      return `must be ${p.type === 'integer' ? 'an' : 'a'} ${p.type}${got(
        p,
        describe(value),
      )}`;
    case 'enum':
      return `must be one of ${(p.enum ?? [])
        .map(e => JSON.stringify(e))
        .join(', ')}${got(p, describe(value))}`;
    case 'minimum':
      return `must be at least ${limit}${got(p, String(value))}`;
    case 'maximum':
      return `must be at most ${limit}${got(p, String(value))}`;
    case 'minLength':
      return `must be at least ${limit} characters, got ${length}`;
    case 'maxLength':
      return `must be at most ${limit} characters, got ${length}`;
    case 'pattern':
      // The template's own words for the form, when it has them; a regular
      // expression means little to the person who typed the value.
      return p.description
        ? `is not in the expected form (${p.description})`
        : `must match the pattern ${p.pattern}`;
    default:
      return error.message ?? 'is not valid';
  }
}

function firstError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) => {
    const i = KEYWORD_ORDER.indexOf(e.keyword);
    return i < 0 ? KEYWORD_ORDER.length : i;
  };
  return errors.reduce((best, e) => (rank(e) < rank(best) ? e : best));
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
    const patternCompiles =
      p.pattern === undefined || compilePattern(p.pattern) !== undefined;
    if (!patternCompiles) {
      problems.push([`${at}.pattern`, 'is not a valid regular expression']);
    }
    if (
      p.minimum !== undefined &&
      p.maximum !== undefined &&
      p.minimum > p.maximum
    ) {
      problems.push([`${at}.minimum`, 'is greater than maximum']);
    }
    const ofType = validatorFor({ type: p.type });
    for (const [i, e] of (p.enum ?? []).entries()) {
      if (!ofType(e)) problems.push([`${at}.enum[${i}]`, `is not a ${p.type}`]);
    }
    if (p.default !== undefined && patternCompiles) {
      const validate = validatorFor(valueSchema(p));
      if (!validate(p.default)) {
        const error = firstError(validate.errors ?? []);
        problems.push([
          `${at}.default`,
          error.keyword === 'type'
            ? `must be a ${p.type}`
            : valueProblem(error, p, p.default),
        ]);
      }
    }
  }
  for (const [i, name] of (parameters.required ?? []).entries()) {
    if (!has(properties, name)) {
      problems.push([`required[${i}]`, `names undeclared parameter '${name}'`]);
    }
  }
  return problems;
}

/** The input an ajv error is about, from its path or its params. */
function inputOf(error: ErrorObject): string | undefined {
  if (error.keyword === 'additionalProperties') {
    return error.params.additionalProperty;
  }
  if (error.keyword === 'required') return error.params.missingProperty;
  const [, first] = error.instancePath.split('/');
  return first?.replace(/~1/g, '/').replace(/~0/g, '~');
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
 * The values of `secret` inputs are never repeated in a message.
 *
 * @public
 */
export function resolveInputs(
  template: { parameters?: EnvironmentTemplateParameters },
  developerInputs: Record<string, unknown> | undefined,
): Record<string, InputValue> {
  const parameters = template.parameters ?? { properties: {} };
  const properties = parameters.properties ?? {};
  const given = developerInputs ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw new InputError('inputs: must be an object of input names to values');
  }
  // Without a prototype, an own `__proto__` input stays a plain key that the
  // schema refuses as unknown.
  const data: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(given)) {
    data[name] = has(properties, name)
      ? fromText(properties[name], value)
      : value;
  }

  const problems = new Map<string, string>();
  for (const [name, p] of Object.entries(properties)) {
    if (parameterPolicy(p) !== 'locked') continue;
    if (data[name] !== undefined && data[name] !== p.default) {
      problems.set(
        name,
        `is locked by the platform team to ${JSON.stringify(
          p.default,
        )} and cannot be changed`,
      );
    }
    data[name] = p.default;
  }

  const validate = validatorFor(inputsSchema(parameters));
  if (!validate(data)) {
    const byInput = new Map<string, ErrorObject[]>();
    for (const error of validate.errors ?? []) {
      const name = inputOf(error);
      if (name !== undefined) {
        byInput.set(name, [...(byInput.get(name) ?? []), error]);
      }
    }
    const known = Object.keys(properties);
    for (const [name, errors] of byInput) {
      if (problems.has(name)) continue;
      const error = firstError(errors);
      if (error.keyword === 'additionalProperties') {
        problems.set(
          name,
          `unknown input; this template takes ${
            known.length ? known.join(', ') : 'no inputs'
          }`,
        );
      } else if (error.keyword === 'required') {
        problems.set(name, 'is required');
      } else {
        problems.set(name, valueProblem(error, properties[name], data[name]));
      }
    }
  }

  if (problems.size) {
    // Unknown inputs first, in the order given, then by declaration order.
    const order = [
      ...Object.keys(given).filter(name => !has(properties, name)),
      ...Object.keys(properties),
    ];
    // Capped like every other 400: a body of 10,000 unknown inputs gets a
    // short answer, not one line each.
    const listed = order.filter(name => problems.has(name));
    const shown = listed
      .slice(0, MAX_LISTED_PROBLEMS)
      .map(name => `inputs.${shortName(name)}: ${problems.get(name)}`);
    const more =
      listed.length > MAX_LISTED_PROBLEMS
        ? ` (and ${listed.length - MAX_LISTED_PROBLEMS} more)`
        : '';
    throw new InputError(`${shown.join('; ')}${more}`);
  }
  const resolved: Record<string, InputValue> = {};
  for (const name of Object.keys(properties)) {
    if (data[name] !== undefined) resolved[name] = data[name] as InputValue;
  }
  return resolved;
}
