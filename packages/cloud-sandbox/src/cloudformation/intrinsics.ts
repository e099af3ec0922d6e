/**
 * Evaluation of CloudFormation intrinsic functions and condition functions,
 * plus the dependency analysis CloudFormation does before it orders work.
 */
import { AwsError } from '../aws/query';
import type { Template, TemplateValue } from './templateParser';

/** Marker for `Ref: AWS::NoValue`: the enclosing property disappears. */
export const NO_VALUE = Symbol('AWS::NoValue');

export type Resolved =
  | string
  | number
  | boolean
  | null
  | Resolved[]
  | { [key: string]: Resolved };

export interface EvaluationContext {
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
  parameters: Record<string, string | string[]>;
  conditions: Record<string, boolean>;
  mappings: Template['Mappings'];
  /** Ref of a resource: its physical id. */
  resourceRef(logicalId: string): string | undefined;
  /** Fn::GetAtt of a resource. */
  resourceAttribute(logicalId: string, attribute: string): Resolved | undefined;
  /**
   * Fn::ImportValue: the value another stack exports under `name`; throws
   * CloudFormation's error when nothing does. Absent where imports cannot
   * be resolved (conditions, validation).
   */
  importValue?(name: string): string;
}

export function pseudoParameters(
  ctx: Pick<
    EvaluationContext,
    'region' | 'accountId' | 'stackName' | 'stackId'
  >,
): Record<string, string> {
  return {
    'AWS::Region': ctx.region,
    'AWS::AccountId': ctx.accountId,
    'AWS::StackName': ctx.stackName,
    'AWS::StackId': ctx.stackId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NotificationARNs': '',
  };
}

export function availabilityZones(region: string): string[] {
  return ['a', 'b', 'c'].map(suffix => `${region}${suffix}`);
}

function invalid(message: string): AwsError {
  return new AwsError('ValidationError', `Template error: ${message}`);
}

function refValue(
  name: string,
  ctx: EvaluationContext,
): Resolved | typeof NO_VALUE {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const pseudo = pseudoParameters(ctx)[name];
  if (pseudo !== undefined) return pseudo;
  if (name in ctx.parameters) return ctx.parameters[name];
  const physical = ctx.resourceRef(name);
  if (physical !== undefined) return physical;
  throw invalid(
    `unresolved resource dependencies [${name}] in the Resources block of the template`,
  );
}

function asString(value: Resolved): string {
  if (Array.isArray(value)) return value.map(asString).join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function substitute(
  text: string,
  variables: Record<string, Resolved>,
  ctx: EvaluationContext,
): string {
  return text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    // `${!Literal}` is CloudFormation's escape for a literal `${Literal}`.
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (name in variables) return asString(variables[name]);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) {
      const value = ctx.resourceAttribute(
        name.slice(0, dot),
        name.slice(dot + 1),
      );
      if (value === undefined)
        throw invalid(`unresolved attribute ${name} in Fn::Sub`);
      return asString(value);
    }
    const value = refValue(name, ctx);
    if (value === NO_VALUE) return whole;
    return asString(value);
  });
}

export function evaluateCondition(
  value: TemplateValue,
  ctx: EvaluationContext,
): boolean {
  const result = evaluate(value, ctx);
  if (typeof result === 'boolean') return result;
  if (result === 'true') return true;
  if (result === 'false') return false;
  throw invalid('a condition must evaluate to a boolean');
}

function single(value: TemplateValue): [string, TemplateValue] | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0];
  if (key !== 'Ref' && key !== 'Condition' && !key.startsWith('Fn::'))
    return undefined;
  return [key, value[key]];
}

export function evaluate(
  value: TemplateValue,
  ctx: EvaluationContext,
): Resolved | typeof NO_VALUE {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: Resolved[] = [];
    for (const item of value) {
      const resolved = evaluate(item, ctx);
      if (resolved !== NO_VALUE) out.push(resolved);
    }
    return out;
  }
  const fn = single(value);
  if (!fn) {
    const out: Record<string, Resolved> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = evaluate(item, ctx);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }
  const [name, arg] = fn;
  const args = Array.isArray(arg) ? arg : [arg];
  const ev = (v: TemplateValue): Resolved => {
    const r = evaluate(v, ctx);
    return r === NO_VALUE ? '' : r;
  };
  switch (name) {
    case 'Ref':
      return refValue(String(arg), ctx);
    case 'Condition':
      return ctx.conditions[String(arg)] ?? false;
    case 'Fn::GetAtt': {
      const parts =
        typeof arg === 'string'
          ? arg.split('.')
          : args.map(a => asString(ev(a)));
      const [logicalId, ...rest] = parts;
      const attribute = rest.join('.');
      const resolved = ctx.resourceAttribute(logicalId, attribute);
      if (resolved === undefined) {
        throw invalid(
          `resource ${logicalId} has no attribute ${attribute} yet`,
        );
      }
      return resolved;
    }
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(arg, {}, ctx);
      const [text, vars] = args;
      const variables: Record<string, Resolved> = {};
      if (vars && typeof vars === 'object' && !Array.isArray(vars)) {
        for (const [k, v] of Object.entries(vars)) variables[k] = ev(v);
      }
      return substitute(String(text), variables, ctx);
    }
    case 'Fn::Join': {
      const [delimiter, list] = args;
      const items = ev(list);
      return (Array.isArray(items) ? items : [items])
        .map(asString)
        .join(String(delimiter));
    }
    case 'Fn::Select': {
      const index = Number(ev(args[0]));
      const list = ev(args[1]);
      if (!Array.isArray(list) || index < 0 || index >= list.length) {
        throw invalid(
          `Fn::Select cannot select nonexistent value at index ${index}`,
        );
      }
      return list[index];
    }
    case 'Fn::Split': {
      const [delimiter, text] = args;
      return asString(ev(text)).split(String(delimiter));
    }
    case 'Fn::GetAZs': {
      const region = asString(ev(arg)) || ctx.region;
      return availabilityZones(region);
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = args;
      const chosen = ctx.conditions[String(condition)] ? whenTrue : whenFalse;
      return evaluate(chosen, ctx);
    }
    case 'Fn::Equals':
      return asString(ev(args[0])) === asString(ev(args[1]));
    case 'Fn::Not':
      return !evaluateCondition(args[0], ctx);
    case 'Fn::And':
      return args.every(a => evaluateCondition(a, ctx));
    case 'Fn::Or':
      return args.some(a => evaluateCondition(a, ctx));
    case 'Fn::Base64':
      return Buffer.from(asString(ev(arg))).toString('base64');
    case 'Fn::FindInMap': {
      const [map, top, second] = args.map(a => asString(ev(a)));
      const found = ctx.mappings?.[map]?.[top]?.[second];
      if (found === undefined)
        throw invalid(`Unable to get mapping for ${map}::${top}::${second}`);
      return ev(found);
    }
    case 'Fn::ImportValue': {
      if (!ctx.importValue) {
        throw invalid('Fn::ImportValue cannot be used here');
      }
      return ctx.importValue(asString(ev(arg)));
    }
    case 'Fn::Cidr': {
      const [block, count] = [asString(ev(args[0])), Number(ev(args[1]))];
      const [a, b] = block.split('.');
      return Array.from({ length: count }, (_, i) => `${a}.${b}.${i}.0/24`);
    }
    default:
      throw invalid(`unsupported function ${name}`);
  }
}

/** Evaluates the template's Conditions section. */
export function evaluateConditions(
  template: Template,
  ctx: Omit<EvaluationContext, 'conditions'>,
): Record<string, boolean> {
  const conditions: Record<string, boolean> = {};
  const declared = template.Conditions ?? {};
  const pending = new Set<string>();
  const full: EvaluationContext = { ...ctx, conditions };
  const resolve = (name: string): boolean => {
    if (name in conditions) return conditions[name];
    if (!(name in declared))
      throw invalid(`Unresolved condition dependency ${name}`);
    if (pending.has(name))
      throw invalid(`Circular condition dependency ${name}`);
    pending.add(name);
    // Nested `Condition: X` references are resolved first.
    for (const dep of conditionRefs(declared[name])) resolve(dep);
    conditions[name] = evaluateCondition(declared[name], full);
    pending.delete(name);
    return conditions[name];
  };
  for (const name of Object.keys(declared)) resolve(name);
  return conditions;
}

function conditionRefs(value: TemplateValue, out: string[] = []): string[] {
  if (!value || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    value.forEach(v => conditionRefs(v, out));
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === 'Condition' && typeof item === 'string') out.push(item);
    else conditionRefs(item, out);
  }
  return out;
}

/** The logical id in `Fn::GetAtt: A.B` or `Fn::GetAtt: [A, B]`. */
export function getAttTarget(item: TemplateValue): TemplateValue | undefined {
  if (typeof item === 'string') return item.split('.')[0];
  return Array.isArray(item) ? item[0] : undefined;
}

/** The template string of `Fn::Sub: text` or `Fn::Sub: [text, vars]`. */
export function subText(item: TemplateValue): TemplateValue | undefined {
  if (typeof item === 'string') return item;
  return Array.isArray(item) ? item[0] : undefined;
}

/**
 * Every name a value refers to through Ref, Fn::GetAtt or Fn::Sub:
 * resources, parameters and pseudo parameters (`AWS::Region`).
 */
export function referencedNames(
  value: TemplateValue | undefined,
  out: Set<string> = new Set(),
): Set<string> {
  if (value === null || value === undefined || typeof value !== 'object')
    return out;
  if (Array.isArray(value)) {
    value.forEach(v => referencedNames(v, out));
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === 'Ref' && typeof item === 'string') out.add(item);
    else if (key === 'Fn::GetAtt') {
      const target = getAttTarget(item);
      if (typeof target === 'string') out.add(target);
      if (Array.isArray(item)) referencedNames(item.slice(1), out);
    } else if (key === 'Fn::Sub') {
      const text = subText(item);
      const vars =
        Array.isArray(item) &&
        item[1] &&
        typeof item[1] === 'object' &&
        !Array.isArray(item[1])
          ? item[1]
          : {};
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const inner = match[1].trim();
          const name = inner.startsWith('AWS::') ? inner : inner.split('.')[0];
          if (!(name in vars)) out.add(name);
        }
      }
      if (Array.isArray(item)) referencedNames(item[1], out);
    } else referencedNames(item, out);
  }
  return out;
}

/**
 * The logical ids a value refers to, through Ref, Fn::GetAtt and Fn::Sub,
 * restricted to `resourceNames`.
 */
export function referencedResources(
  value: TemplateValue | undefined,
  resourceNames: Set<string>,
  out: Set<string> = new Set(),
): Set<string> {
  for (const name of referencedNames(value)) {
    if (resourceNames.has(name)) out.add(name);
  }
  return out;
}
