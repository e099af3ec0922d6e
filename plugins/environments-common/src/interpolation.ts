import { CustomErrorBase, InputError } from '@backstage/errors';
import type { EnvironmentTemplateSpec } from './template';
import { transitiveDependencies } from './resourceGraph';

/**
 * The fields of an environment that `${{ environment.<field> }}` may read.
 * There is no `namespace`: an environment has none of its own; the
 * kubernetes-namespace driver publishes the one it makes as
 * `resources.<name>.outputs.namespace`.
 *
 * @public
 */
export const ENVIRONMENT_EXPRESSION_FIELDS = [
  'id',
  'name',
  'owner',
  'component',
] as const;

/** A field readable as `${{ environment.<field> }}`. @public */
export type EnvironmentExpressionField =
  (typeof ENVIRONMENT_EXPRESSION_FIELDS)[number];

/**
 * What one `${{ … }}` expression refers to. Expressions are plain dotted
 * paths; nothing is ever evaluated.
 *
 * @public
 */
export type ExpressionReference =
  | { kind: 'input'; name: string }
  | { kind: 'environment'; field: EnvironmentExpressionField }
  | { kind: 'resource'; resource: string; output: string };

/**
 * One expression found in a value, with the path of the field holding it,
 * e.g. `spec.resources[1].parameters.vpcId`.
 *
 * @public
 */
export interface FoundReference {
  path: string;
  expression: string;
  reference: ExpressionReference;
}

/**
 * The values expressions are resolved against when an environment is
 * provisioned.
 *
 * @public
 */
export interface InterpolationContext {
  inputs: Record<string, unknown>;
  environment: {
    id: string;
    name: string;
    owner: string;
    component?: string;
  };
  /** Outputs of resources that are already applied, by resource name. */
  resources: Record<string, { outputs: Record<string, unknown> }>;
}

/**
 * Thrown by {@link interpolate} when an expression has no value at run time,
 * e.g. an upstream resource that has not published the output yet.
 *
 * @public
 */
export class InterpolationError extends CustomErrorBase {
  name = 'InterpolationError' as const;
  constructor(message: string, readonly expression: string) {
    super(message);
  }
}

const OPEN = '${{';
const CLOSE = '}}';
const MAX_DEPTH = 32;

type Segment =
  | { text: string }
  | { expression: string; reference: ExpressionReference };

function isPathSegment(part: string): boolean {
  if (part.length === 0 || part.length > 128) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part[i];
    const letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const digit = c >= '0' && c <= '9';
    if (
      i === 0
        ? !(letter || c === '_')
        : !(letter || digit || c === '_' || c === '-')
    ) {
      return false;
    }
  }
  return true;
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

function parseExpression(source: string): ExpressionReference | string {
  const expression = source.trim();
  if (!expression) {
    return 'empty expression';
  }
  const parts = expression.split('.');
  if (!parts.every(isPathSegment)) {
    return `'${expression}' is not a reference; expressions are dotted paths like inputs.port, environment.name or resources.<name>.outputs.<key>, and are never evaluated`;
  }
  if (parts.some(p => FORBIDDEN_SEGMENTS.has(p))) {
    return `'${expression}' uses a forbidden name`;
  }
  const [root] = parts;
  if (root === 'inputs' && parts.length === 2) {
    return { kind: 'input', name: parts[1] };
  }
  if (root === 'environment' && parts.length === 2) {
    const field = parts[1] as EnvironmentExpressionField;
    if (ENVIRONMENT_EXPRESSION_FIELDS.includes(field)) {
      return { kind: 'environment', field };
    }
    const hint =
      parts[1] === 'namespace'
        ? ` (a namespace made by a kubernetes-namespace resource is resources.<name>.outputs.namespace)`
        : '';
    return `'${expression}': unknown environment field '${
      parts[1]
    }'; known fields are ${ENVIRONMENT_EXPRESSION_FIELDS.join(', ')}${hint}`;
  }
  if (root === 'resources' && parts.length === 4 && parts[2] === 'outputs') {
    return { kind: 'resource', resource: parts[1], output: parts[3] };
  }
  return `'${expression}' is not a reference; expressions are inputs.<name>, environment.<field> or resources.<name>.outputs.<key>`;
}

// Splits a string into literal text and expressions. Linear: only indexOf.
function parseString(text: string): Segment[] | string {
  const segments: Segment[] = [];
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf(OPEN, pos);
    if (open < 0) {
      segments.push({ text: text.slice(pos) });
      break;
    }
    if (open > pos) segments.push({ text: text.slice(pos, open) });
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) {
      return `unclosed expression starting at '${text.slice(open, open + 40)}'`;
    }
    const source = text.slice(open + OPEN.length, close);
    const reference = parseExpression(source);
    if (typeof reference === 'string') {
      return reference;
    }
    segments.push({ expression: source.trim(), reference });
    pos = close + CLOSE.length;
  }
  return segments;
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * Every `${{ … }}` expression in the strings of `value` (walking nested
 * objects and arrays; keys are not interpolated), with the path of each.
 * Throws an `InputError` naming the path of a malformed expression.
 *
 * @public
 */
export function collectReferences(value: unknown, path = ''): FoundReference[] {
  const found: FoundReference[] = [];
  const walk = (node: unknown, at: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      throw new InputError(`${at}: nested more than ${MAX_DEPTH} levels deep`);
    }
    if (typeof node === 'string') {
      const segments = parseString(node);
      if (typeof segments === 'string') {
        throw new InputError(`${at || 'value'}: ${segments}`);
      }
      for (const s of segments) {
        if ('expression' in s) {
          found.push({
            path: at,
            expression: s.expression,
            reference: s.reference,
          });
        }
      }
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, childPath(at, i), depth + 1));
    } else if (node && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        walk(item, childPath(at, key), depth + 1);
      }
    }
  };
  walk(value, path, 0);
  return found;
}

function has(record: object | undefined, key: string): boolean {
  return !!record && Object.prototype.hasOwnProperty.call(record, key);
}

/**
 * Checks every expression of a template spec, throwing an `InputError` that
 * names the field path of the first bad one:
 * - in `resources[].parameters`, an input must be declared, an environment
 *   field known, and a resource one the referencing resource depends on
 *   (directly or transitively);
 * - in `outputs`, any declared resource may be read, but inputs marked
 *   `secret` may not: secrets never reach outputs.
 *
 * Assumes the resource graph itself is valid (see `validateResourceGraph`).
 *
 * @public
 */
export function validateReferences(
  spec: Pick<EnvironmentTemplateSpec, 'parameters' | 'resources' | 'outputs'>,
  basePath = 'spec',
): void {
  const properties = spec.parameters?.properties ?? {};
  const resourceNames = new Set(spec.resources.map(r => r.name));

  const checkInput = (ref: FoundReference, inOutputs: boolean) => {
    if (ref.reference.kind !== 'input') return;
    const name = ref.reference.name;
    if (!has(properties, name)) {
      throw new InputError(
        `${ref.path}: '${
          ref.expression
        }' refers to unknown input '${name}'; declared inputs: ${
          Object.keys(properties).join(', ') || 'none'
        }`,
      );
    }
    if (inOutputs && properties[name].secret) {
      throw new InputError(
        `${ref.path}: '${ref.expression}' would publish secret input '${name}'; secrets may not appear in outputs`,
      );
    }
  };

  spec.resources.forEach((resource, i) => {
    const upstream = transitiveDependencies(spec.resources, resource.name);
    const refs = collectReferences(
      resource.parameters ?? {},
      `${basePath}.resources[${i}].parameters`,
    );
    for (const ref of refs) {
      checkInput(ref, false);
      if (ref.reference.kind === 'resource') {
        const target = ref.reference.resource;
        if (!resourceNames.has(target)) {
          throw new InputError(
            `${ref.path}: '${ref.expression}' refers to unknown resource '${target}'`,
          );
        }
        if (!upstream.has(target)) {
          throw new InputError(
            `${ref.path}: '${ref.expression}' reads resource '${target}', which resource '${resource.name}' does not depend on; add it to dependsOn`,
          );
        }
      }
    }
  });

  const outputRefs = collectReferences(
    spec.outputs ?? {},
    `${basePath}.outputs`,
  );
  for (const ref of outputRefs) {
    checkInput(ref, true);
    if (
      ref.reference.kind === 'resource' &&
      !resourceNames.has(ref.reference.resource)
    ) {
      throw new InputError(
        `${ref.path}: '${ref.expression}' refers to unknown resource '${ref.reference.resource}'`,
      );
    }
  }
}

function lookup(
  reference: ExpressionReference,
  context: InterpolationContext,
): { found: true; value: unknown } | { found: false } {
  let value: unknown;
  let found = false;
  if (reference.kind === 'input') {
    found = has(context.inputs, reference.name);
    value = found ? context.inputs[reference.name] : undefined;
  } else if (reference.kind === 'environment') {
    found = has(context.environment, reference.field);
    value = found ? context.environment[reference.field] : undefined;
  } else {
    const resource = has(context.resources, reference.resource)
      ? context.resources[reference.resource]
      : undefined;
    found = !!resource && has(resource.outputs, reference.output);
    value = found ? resource!.outputs[reference.output] : undefined;
  }
  if (!found || value === undefined || value === null) {
    return { found: false };
  }
  return { found: true, value };
}

function interpolateString(
  text: string,
  context: InterpolationContext,
  path: string,
): unknown {
  const segments = parseString(text);
  if (typeof segments === 'string') {
    throw new InputError(`${path || 'value'}: ${segments}`);
  }
  const resolve = (s: {
    expression: string;
    reference: ExpressionReference;
  }) => {
    const result = lookup(s.reference, context);
    if (!result.found) {
      throw new InterpolationError(
        `${path || 'value'}: '\${{ ${s.expression} }}' has no value${
          s.reference.kind === 'resource'
            ? ` (resource '${s.reference.resource}' has not published output '${s.reference.output}')`
            : ''
        }`,
        s.expression,
      );
    }
    return result.value;
  };
  // A string that is exactly one expression keeps the value's own type.
  if (segments.length === 1 && 'expression' in segments[0]) {
    return resolve(segments[0]);
  }
  return segments
    .map(s => {
      if (!('expression' in s)) return s.text;
      const value = resolve(s);
      if (typeof value === 'object') {
        throw new InterpolationError(
          `${path || 'value'}: '\${{ ${
            s.expression
          } }}' is an object or list and cannot be embedded in text`,
          s.expression,
        );
      }
      return String(value);
    })
    .join('');
}

/**
 * Returns a copy of `value` with every `${{ … }}` expression in its strings
 * replaced from `context`. A string that is exactly one expression takes the
 * value as it is (a number stays a number); otherwise values are joined into
 * the text. Throws {@link InterpolationError} naming the expression when one
 * has no value, and `InputError` for malformed expressions.
 *
 * @public
 */
export function interpolate<T = unknown>(
  value: T,
  context: InterpolationContext,
  path = '',
): T {
  const walk = (node: unknown, at: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) {
      throw new InputError(`${at}: nested more than ${MAX_DEPTH} levels deep`);
    }
    if (typeof node === 'string') return interpolateString(node, context, at);
    if (Array.isArray(node)) {
      return node.map((item, i) => walk(item, childPath(at, i), depth + 1));
    }
    if (node && typeof node === 'object') {
      // fromEntries defines own properties, so a `__proto__` key stays data.
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [
          key,
          walk(item, childPath(at, key), depth + 1),
        ]),
      );
    }
    return node;
  };
  return walk(value, path, 0) as T;
}
