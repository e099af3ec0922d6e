import { InputError } from '@backstage/errors';
import { shortHash } from './hash';

/**
 * Longest environment name. Chosen so that every physical name derived from
 * it fits its cloud's limit with room for a resource name and a hash:
 * CloudFormation stacks (128), ECS clusters (255), Kubernetes namespaces (63);
 * ALB and target group names (32) are shortened with a hash instead.
 *
 * @public
 */
export const MAX_ENVIRONMENT_NAME_LENGTH = 20;

/**
 * Longest resource name inside a template (a DNS-1123 label, kept short
 * enough that `envkit-<env>-<resource>-<hash>` stays under 128 characters).
 *
 * @public
 */
export const MAX_RESOURCE_NAME_LENGTH = 40;

/** Names an environment may not take, whatever their form. @public */
export const RESERVED_ENVIRONMENT_NAMES: readonly string[] = [
  'default',
  'envkit',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/** Prefixes an environment name may not start with. @public */
export const RESERVED_ENVIRONMENT_NAME_PREFIXES: readonly string[] = [
  'kube-',
  'envkit-',
  // AWS refuses load balancer names starting with `internal-`.
  'internal-',
];

const HASH_LENGTH = 8;

function isLowerAlpha(c: string) {
  return c >= 'a' && c <= 'z';
}
function isDigit(c: string) {
  return c >= '0' && c <= '9';
}

/**
 * Why `name` is not a DNS-1123 label of at most `maxLength` characters that
 * starts with a letter, or `undefined` when it is one.
 *
 * @public
 */
export function dnsLabelProblem(
  name: unknown,
  maxLength: number,
): string | undefined {
  if (typeof name !== 'string') {
    return 'must be a string';
  }
  if (name.length === 0) {
    return 'must not be empty';
  }
  if (name.length > maxLength) {
    return `must be at most ${maxLength} characters, got ${name.length}`;
  }
  for (const c of name) {
    if (c >= 'A' && c <= 'Z') {
      return `must be lowercase; try '${name.toLowerCase()}'`;
    }
    if (!isLowerAlpha(c) && !isDigit(c) && c !== '-') {
      return `may only contain lowercase letters a-z, digits 0-9 and '-', found '${c}'`;
    }
  }
  if (!isLowerAlpha(name[0])) {
    return 'must start with a lowercase letter';
  }
  const last = name[name.length - 1];
  if (!isLowerAlpha(last) && !isDigit(last)) {
    return 'must end with a letter or digit';
  }
  return undefined;
}

/**
 * Why `name` cannot name an environment, or `undefined` when it can.
 *
 * @public
 */
export function environmentNameProblem(name: unknown): string | undefined {
  const problem = dnsLabelProblem(name, MAX_ENVIRONMENT_NAME_LENGTH);
  if (problem) {
    return problem;
  }
  const text = name as string;
  if (RESERVED_ENVIRONMENT_NAMES.includes(text)) {
    return `'${text}' is reserved; choose another name`;
  }
  const prefix = RESERVED_ENVIRONMENT_NAME_PREFIXES.find(p =>
    text.startsWith(p),
  );
  if (prefix) {
    return `names starting with '${prefix}' are reserved; choose another name`;
  }
  return undefined;
}

/**
 * Throws an `InputError` naming `name` (or `field`) unless `name` is a valid
 * environment name: a DNS-1123 label of at most
 * {@link MAX_ENVIRONMENT_NAME_LENGTH} characters, starting with a letter,
 * not reserved.
 *
 * @public
 */
export function validateEnvironmentName(name: unknown, field = 'name'): string {
  const problem = environmentNameProblem(name);
  if (problem) {
    throw new InputError(
      `${field}: environment name ${problem} (lowercase letters, digits and '-', starting with a letter, at most ${MAX_ENVIRONMENT_NAME_LENGTH} characters)`,
    );
  }
  return name as string;
}

function stripTrailingHyphens(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '-') end--;
  return text.slice(0, end);
}

/**
 * CloudFormation stack name of one resource of an environment:
 * `envkit-<env>-<resource>-<hash of environment id>`. Deterministic, at most
 * 128 characters, and distinct for distinct environments even when their
 * names and resource names concatenate to the same text.
 *
 * @public
 */
export function stackName(
  envName: string,
  envId: string,
  resourceName: string,
): string {
  validateEnvironmentName(envName, 'environment name');
  const problem = dnsLabelProblem(resourceName, MAX_RESOURCE_NAME_LENGTH);
  if (problem) {
    throw new InputError(`resource name ${problem}`);
  }
  return `envkit-${envName}-${resourceName}-${shortHash(
    `${envId}\u0000stack`,
    HASH_LENGTH,
  )}`;
}

/**
 * A name of at most `maxLength` characters for a cloud object of an
 * environment: `<env>-<suffix>-<hash>`, with `<env>-<suffix>` cut when too
 * long. The hash covers the environment id and the suffix, so truncation never
 * makes two names equal.
 *
 * @public
 */
export function shortResourceName(
  envName: string,
  envId: string,
  suffix: string,
  maxLength: number,
): string {
  validateEnvironmentName(envName, 'environment name');
  if (suffix) {
    const problem = dnsLabelProblem(suffix, 63);
    if (problem) throw new InputError(`name suffix ${problem}`);
  }
  if (!Number.isInteger(maxLength) || maxLength < HASH_LENGTH + 2) {
    throw new RangeError(
      `maxLength must be an integer of at least ${HASH_LENGTH + 2}`,
    );
  }
  const hash = shortHash(`${envId}\u0000${suffix}`, HASH_LENGTH);
  const base = suffix ? `${envName}-${suffix}` : envName;
  const budget = maxLength - HASH_LENGTH - 1;
  return `${stripTrailingHyphens(base.slice(0, budget))}-${hash}`;
}

/**
 * Application Load Balancer name of an environment (at most 32 characters).
 *
 * @public
 */
export function albName(envName: string, envId: string, suffix = 'alb') {
  return shortResourceName(envName, envId, suffix, 32);
}

/**
 * Target group name of an environment (at most 32 characters).
 *
 * @public
 */
export function targetGroupName(envName: string, envId: string, suffix = 'tg') {
  return shortResourceName(envName, envId, suffix, 32);
}

/**
 * ECS cluster name of an environment (well under the 255-character limit).
 *
 * @public
 */
export function ecsClusterName(envName: string, envId: string): string {
  validateEnvironmentName(envName, 'environment name');
  return `envkit-${envName}-${shortHash(`${envId}\u0000cluster`, HASH_LENGTH)}`;
}

/**
 * Kubernetes namespace of an environment. Without an id it is the
 * environment name itself (valid, never reserved); with one it is
 * `<env>-<hash of id>`, for clusters shared by environments whose names may
 * repeat over time. At most 29 characters either way.
 *
 * @public
 */
export function namespaceName(envName: string, envId?: string): string {
  validateEnvironmentName(envName, 'environment name');
  if (envId === undefined) {
    return envName;
  }
  return `${envName}-${shortHash(`${envId}\u0000namespace`, HASH_LENGTH)}`;
}
