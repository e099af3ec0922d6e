/**
 * `NoEcho` parameters: CloudFormation shows their values as `****` wherever
 * it describes a stack, its events or a change set (only Outputs and
 * Metadata the template author wrote are left as they are).
 */
import type { Resolved } from './intrinsics';
import type { ParameterDeclaration, Template } from './templateParser';

/** What CloudFormation shows instead of a `NoEcho` value. */
export const MASK = '****';

export function isNoEcho(declaration: ParameterDeclaration | undefined) {
  const flag = declaration?.NoEcho;
  return flag === true || String(flag).toLowerCase() === 'true';
}

/** The parameters `template` declares with `NoEcho: true`. */
export function noEchoNames(template: Template): Set<string> {
  return new Set(
    Object.entries(template.Parameters ?? {})
      .filter(([, declaration]) => isNoEcho(declaration))
      .map(([name]) => name),
  );
}

/** The values of the `NoEcho` parameters among `parameters`. */
export function noEchoValues(
  template: Template,
  parameters: Record<string, string>,
): string[] {
  return [...noEchoNames(template)]
    .map(name => parameters[name])
    .filter((value): value is string => !!value);
}

/** `text` with every one of `secrets` in it replaced by `****`. */
export function maskText(
  text: string | undefined,
  secrets: readonly string[],
): string | undefined {
  if (text === undefined) return undefined;
  return secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
}

/** `value` with every string in it masked, see {@link maskText}. */
export function maskResolved(
  value: Resolved,
  secrets: readonly string[],
): Resolved {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return maskText(value, secrets) as string;
  if (Array.isArray(value)) return value.map(v => maskResolved(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskResolved(v, secrets)]),
    );
  }
  return value;
}
