/**
 * Secrets Manager dynamic references (`{{resolve:secretsmanager:…}}`) in
 * resource properties, resolved as CloudFormation resolves them: when the
 * resource is created or updated, from the secret's current value, failing
 * the resource when the secret or the JSON key is not there. The resolved
 * value reaches only the resource's service (RDS, ElastiCache, …); the
 * stack's events and templates keep the reference text.
 */
import { randomInt } from 'node:crypto';
import type { Resolved } from './intrinsics';

const REFERENCE =
  /\{\{resolve:secretsmanager:((?:arn:[^:]+:secretsmanager:[^:]+:\d+:secret:)?[^:}]+)(?::(SecretString)?(?::([^:}]*))?(?::([^:}]*))?(?::([^:}]*))?)?\}\}/g;

/** Looks a secret's current string value up by ARN or name. */
export type SecretValueLookup = (secretId: string) => string | undefined;

class DynamicReferenceError extends Error {}

function resolveText(text: string, lookup: SecretValueLookup): string {
  return text.replace(
    REFERENCE,
    (_match, secretId: string, _field, jsonKey?: string) => {
      const value = lookup(secretId);
      if (value === undefined) {
        throw new DynamicReferenceError(
          `Could not resolve dynamic reference to secret '${secretId}': Secrets Manager can't find the specified secret. (Service: AWSSecretsManager; Status Code: 400; Error Code: ResourceNotFoundException)`,
        );
      }
      if (!jsonKey) return value;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      const field =
        parsed !== null && typeof parsed === 'object'
          ? (parsed as Record<string, unknown>)[jsonKey]
          : undefined;
      if (field === undefined) {
        throw new DynamicReferenceError(
          `Could not resolve dynamic reference to secret '${secretId}': the secret's value has no JSON key '${jsonKey}'.`,
        );
      }
      return typeof field === 'string' ? field : JSON.stringify(field);
    },
  );
}

/**
 * `properties` with every Secrets Manager dynamic reference replaced by the
 * value it names; throws with CloudFormation's reason when one cannot be.
 */
export function resolveDynamicReferences(
  properties: Record<string, Resolved>,
  lookup: SecretValueLookup,
): Record<string, Resolved> {
  const walk = (value: Resolved): Resolved => {
    if (typeof value === 'string') {
      return value.includes('{{resolve:secretsmanager:')
        ? resolveText(value, lookup)
        : value;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, walk(v as Resolved)]),
      );
    }
    return value;
  };
  return walk(properties) as Record<string, Resolved>;
}

/** Whether `properties` holds any Secrets Manager dynamic reference. */
export function hasDynamicReference(properties: Record<string, Resolved>) {
  return JSON.stringify(properties).includes('{{resolve:secretsmanager:');
}

export { DynamicReferenceError };

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * The value `AWS::SecretsManager::Secret` stores: `SecretString` as given,
 * or a password made as `GenerateSecretString` describes (length and
 * character classes), merged into `SecretStringTemplate` under
 * `GenerateStringKey` when both are set.
 */
export function initialSecretValue(
  properties: Record<string, Resolved>,
): string | undefined {
  if (typeof properties.SecretString === 'string') {
    return properties.SecretString;
  }
  const spec = properties.GenerateSecretString;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return undefined;
  }
  const g = spec as Record<string, Resolved>;
  const on = (name: string) => String(g[name]) === 'true';
  const excluded = new Set(String(g.ExcludeCharacters ?? ''));
  let alphabet = '';
  if (!on('ExcludeLowercase')) alphabet += 'abcdefghijklmnopqrstuvwxyz';
  if (!on('ExcludeUppercase')) alphabet += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  if (!on('ExcludeNumbers')) alphabet += '0123456789';
  if (!on('ExcludePunctuation')) alphabet += PUNCTUATION;
  if (on('IncludeSpace')) alphabet += ' ';
  const characters = [...alphabet].filter(c => !excluded.has(c));
  const length = Number(g.PasswordLength ?? 32);
  const password = Array.from(
    { length },
    () => characters[randomInt(characters.length)],
  ).join('');
  const template = g.SecretStringTemplate;
  const key = g.GenerateStringKey;
  if (typeof template === 'string' && typeof key === 'string') {
    const merged = JSON.parse(template) as Record<string, unknown>;
    merged[key] = password;
    return JSON.stringify(merged);
  }
  return password;
}
