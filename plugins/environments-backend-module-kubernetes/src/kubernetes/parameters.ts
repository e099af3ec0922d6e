// Longer than most files: one reader per parameter of the namespace
// resource, each with the problems it reports, kept in one place so the
// accepted parameter set reads as a whole.
import { parseEntityRef } from '@backstage/catalog-model';
import type { DriverValidationProblem } from '@envkit/plugin-environments-node';
import { POD_SECURITY_LEVELS, type PodSecurityLevel } from './config';
import { parseQuantity } from '@envkit/plugin-environments-common';

/** Traffic a template may allow through the namespace's default-deny policy. */
export type NetworkAllowance =
  | 'sameNamespace'
  | 'dnsEgress'
  | 'ingressController';

export const NETWORK_ALLOWANCES: readonly NetworkAllowance[] = [
  'sameNamespace',
  'dnsEgress',
  'ingressController',
];

/** Named quota sizes a template can offer instead of spelling out numbers. */
export const QUOTA_PRESETS: Record<string, Record<string, string>> = {
  small: { cpu: '2', memory: '4Gi', pods: '10' },
  medium: { cpu: '4', memory: '8Gi', pods: '20' },
  large: { cpu: '8', memory: '16Gi', pods: '40' },
};

/** Friendly quota keys and the ResourceQuota `hard` keys each sets. */
const QUOTA_KEYS: Record<string, string[]> = {
  cpu: ['requests.cpu', 'limits.cpu'],
  memory: ['requests.memory', 'limits.memory'],
  pods: ['pods'],
  services: ['services'],
  configMaps: ['configmaps'],
  secrets: ['secrets'],
  persistentVolumeClaims: ['persistentvolumeclaims'],
  storage: ['requests.storage'],
};

const DEFAULT_LIMIT_RANGE = {
  default: { cpu: '500m', memory: '512Mi' },
  defaultRequest: { cpu: '100m', memory: '128Mi' },
};

export interface ComputeResources {
  cpu: string;
  memory: string;
}

export interface WorkloadParameters {
  image: string;
  port: number;
  replicas: number;
  host?: string;
  /**
   * Environment variables whose values go into a Kubernetes Secret, by
   * name; absent when there are none. Never echoed anywhere.
   */
  secretEnv?: Record<string, string>;
}

export interface RbacSubject {
  kind: 'User' | 'Group';
  name: string;
  /** The entity ref the subject came from, e.g. `group:default/team-a`. */
  ref?: string;
}

/** The resource's parameters, checked and with every default filled in. */
export interface NamespaceParameters {
  cluster?: string;
  allowedClusters?: string[];
  /** ResourceQuota `spec.hard`. */
  quotaHard: Record<string, string>;
  /** Friendly quota as asked after capping, for the `quota` output. */
  quotaSummary: Record<string, string>;
  /** Human notes about values lowered to `maxQuota`. */
  quotaCapped: string[];
  limitRange: {
    default: ComputeResources;
    defaultRequest: ComputeResources;
    max?: Partial<ComputeResources>;
  };
  allow: NetworkAllowance[];
  podSecurity: PodSecurityLevel;
  subjects: RbacSubject[];
  workload?: WorkloadParameters;
}

export interface ParameterDefaults {
  podSecurity: PodSecurityLevel;
  subjectPrefix: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

/** Where secret inputs may go: the only parameter stored as a Kubernetes Secret. */
export const SECRET_ENV_PATH = 'workload.secretEnv';

/** Portable environment variable names (also valid Secret keys). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const KNOWN_PARAMETERS = new Set([
  'cluster',
  'allowedClusters',
  'quota',
  'maxQuota',
  'limitRange',
  'networkPolicy',
  'podSecurity',
  'adminGroups',
  'workload',
]);

/**
 * Maps an owner entity ref to an RBAC subject: `group:default/team-a` →
 * Group `<prefix>team-a`, `user:default/lena` → User `<prefix>lena`.
 */
export function subjectForEntityRef(
  ref: string,
  defaultKind: 'user' | 'group',
  prefix: string,
): RbacSubject | string {
  let parsed;
  try {
    parsed = parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch (e) {
    return `'${ref}' is not an entity ref: ${(e as Error).message}`;
  }
  const kind = parsed.kind.toLocaleLowerCase('en-US');
  if (kind !== 'user' && kind !== 'group') {
    return `'${ref}' must refer to a user or group`;
  }
  return {
    kind: kind === 'user' ? 'User' : 'Group',
    name: `${prefix}${parsed.name}`,
    ref: `${kind}:${parsed.namespace}/${parsed.name}`.toLocaleLowerCase(
      'en-US',
    ),
  };
}

function readQuota(
  value: unknown,
  path: string,
  problems: DriverValidationProblem[],
): Record<string, string> | undefined {
  if (isBlank(value)) return undefined;
  if (typeof value === 'string') {
    const preset = QUOTA_PRESETS[value];
    if (!preset) {
      problems.push({
        path,
        message: `unknown quota size '${value}'; use one of ${Object.keys(
          QUOTA_PRESETS,
        ).join(
          ', ',
        )} or an object such as { cpu: '2', memory: '4Gi', pods: 10 }`,
      });
      return undefined;
    }
    return { ...preset };
  }
  if (!isObject(value)) {
    problems.push({ path, message: 'must be a size name or an object' });
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!(key in QUOTA_KEYS) && !key.includes('.') && !key.includes('/')) {
      problems.push({
        path: `${path}.${key}`,
        message: `unknown quota key; use ${Object.keys(QUOTA_KEYS).join(
          ', ',
        )} or a ResourceQuota key such as 'count/deployments.apps'`,
      });
      continue;
    }
    if (parseQuantity(raw) === undefined || (parseQuantity(raw) ?? -1) < 0) {
      problems.push({
        path: `${path}.${key}`,
        message: `must be a non-negative quantity such as '2', '500m' or '4Gi', got ${JSON.stringify(
          raw,
        )}`,
      });
      continue;
    }
    out[key] = String(raw);
  }
  return out;
}

function readResources(
  value: unknown,
  path: string,
  problems: DriverValidationProblem[],
): Partial<ComputeResources> | undefined {
  if (isBlank(value)) return undefined;
  if (!isObject(value)) {
    problems.push({ path, message: 'must be an object with cpu and memory' });
    return undefined;
  }
  const out: Partial<ComputeResources> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (key !== 'cpu' && key !== 'memory') {
      problems.push({
        path: `${path}.${key}`,
        message: 'only cpu and memory are supported',
      });
    } else if (parseQuantity(raw) === undefined) {
      problems.push({
        path: `${path}.${key}`,
        message: `must be a quantity such as '500m' or '512Mi', got ${JSON.stringify(
          raw,
        )}`,
      });
    } else {
      out[key] = String(raw);
    }
  }
  return out;
}

function readInteger(
  value: unknown,
  path: string,
  min: number,
  max: number,
  problems: DriverValidationProblem[],
): number | undefined {
  const n =
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    problems.push({
      path,
      message: `must be an integer from ${min} to ${max}, got ${JSON.stringify(
        value,
      )}`,
    });
    return undefined;
  }
  return n;
}

function readWorkload(
  value: unknown,
  problems: DriverValidationProblem[],
): WorkloadParameters | undefined {
  if (isBlank(value)) return undefined;
  if (!isObject(value)) {
    problems.push({
      path: 'parameters.workload',
      message: 'must be an object',
    });
    return undefined;
  }
  // A template offers the workload through an optional image input; an
  // empty image means "namespace only".
  if (isBlank(value.image)) return undefined;
  if (typeof value.image !== 'string' || /\s/.test(value.image)) {
    problems.push({
      path: 'parameters.workload.image',
      message: 'must be a container image reference without spaces',
    });
    return undefined;
  }
  const port = readInteger(
    value.port,
    'parameters.workload.port',
    1,
    65535,
    problems,
  );
  const replicas = isBlank(value.replicas)
    ? 1
    : readInteger(
        value.replicas,
        'parameters.workload.replicas',
        0,
        50,
        problems,
      );
  let host: string | undefined;
  if (!isBlank(value.host)) {
    if (
      typeof value.host !== 'string' ||
      !DNS_SUBDOMAIN.test(value.host) ||
      value.host.length > 253
    ) {
      problems.push({
        path: 'parameters.workload.host',
        message: 'must be a lowercase DNS name such as shop.dev.example.com',
      });
    } else host = value.host;
  }
  const secretEnv = readSecretEnv(value.secretEnv, problems);
  if (port === undefined || replicas === undefined) return undefined;
  return {
    image: value.image,
    port,
    replicas,
    host,
    ...(secretEnv ? { secretEnv } : {}),
  };
}

/**
 * `workload.secretEnv`: variable name → value. Blank values (an optional
 * secret input left empty) leave the variable out. Problems name the
 * variable, never its value.
 */
function readSecretEnv(
  value: unknown,
  problems: DriverValidationProblem[],
): Record<string, string> | undefined {
  const path = `parameters.${SECRET_ENV_PATH}`;
  if (isBlank(value)) return undefined;
  if (!isObject(value)) {
    problems.push({
      path,
      message: 'must be a map of environment variable names to values',
    });
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!ENV_NAME.test(name)) {
      problems.push({
        path: `${path}.${name}`,
        message:
          'is not a usable environment variable name: use letters, digits and _, not starting with a digit',
      });
    } else if (
      typeof raw === 'string' ||
      typeof raw === 'number' ||
      typeof raw === 'boolean'
    ) {
      if (!isBlank(raw)) out[name] = String(raw);
    } else if (!isBlank(raw)) {
      problems.push({
        path: `${path}.${name}`,
        message: 'must be a string, number or boolean',
      });
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/** Whether a `secretParameters` path lies where the driver keeps secrets secret. */
export function isSecretEnvPath(path: string): boolean {
  return path === SECRET_ENV_PATH || path.startsWith(`${SECRET_ENV_PATH}.`);
}

/** The longest of `keys` that `path` starts with, as a whole step. */
function longestKeyOf(keys: string[], path: string): string | undefined {
  return keys
    .filter(
      k => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`),
    )
    .sort((a, b) => b.length - a.length)[0];
}

/**
 * Walks a `secretParameters` path (`a.b[0].c`; keys may themselves hold
 * dots, as quota keys do) to the object holding its last step.
 */
function locate(
  root: unknown,
  path: string,
): { parent: Json | unknown[]; key: string | number } | undefined {
  let node: unknown = root;
  let rest = path;
  for (;;) {
    let key: string | number | undefined;
    let after = '';
    const index = /^\[(\d+)\]/.exec(rest);
    if (index && Array.isArray(node)) {
      key = Number(index[1]);
      after = rest.slice(index[0].length);
    } else if (isObject(node)) {
      key = longestKeyOf(Object.keys(node), rest);
      if (key === undefined) return undefined;
      after = rest.slice(key.length);
    } else {
      return undefined;
    }
    if (after === '') return { parent: node as Json | unknown[], key };
    node = (node as any)[key];
    rest = after.startsWith('.') ? after.slice(1) : after;
  }
}

/**
 * Secret inputs the template put anywhere but `workload.secretEnv`, each a
 * problem naming its path (never its value), and a copy of the parameters
 * with those values blanked so that no other problem can quote them.
 */
export function isolateSecrets(
  raw: Record<string, unknown>,
  secretPaths: readonly string[],
): { problems: DriverValidationProblem[]; visible: Record<string, unknown> } {
  const misplaced = secretPaths.filter(p => !isSecretEnvPath(p));
  if (!misplaced.length) return { problems: [], visible: raw };
  const visible = structuredClone(raw);
  for (const path of misplaced) {
    const found = locate(visible, path);
    if (found) (found.parent as any)[found.key] = '';
  }
  return {
    visible,
    problems: misplaced.map(path => ({
      path: `parameters.${path}`,
      message: `holds a secret input; secrets may only be passed in ${SECRET_ENV_PATH}, which the driver stores in a Kubernetes Secret, never in a label, annotation, quota, cluster choice or plain value`,
    })),
  };
}

function capQuota(
  quota: Record<string, string>,
  max: Record<string, string> | undefined,
  notes: string[],
): Record<string, string> {
  if (!max) return quota;
  const out = { ...quota };
  for (const [key, limit] of Object.entries(max)) {
    const asked = out[key];
    if (asked === undefined) {
      // A maximum the template did not ask for still bounds the namespace.
      out[key] = limit;
    } else if ((parseQuantity(asked) ?? 0) > (parseQuantity(limit) ?? 0)) {
      notes.push(`${key} lowered from ${asked} to the maximum ${limit}`);
      out[key] = limit;
    }
  }
  return out;
}

function toHard(quota: Record<string, string>): Record<string, string> {
  const hard: Record<string, string> = {};
  for (const [key, value] of Object.entries(quota)) {
    for (const target of QUOTA_KEYS[key] ?? [key]) hard[target] = value;
  }
  return hard;
}

/**
 * Checks the resource parameters. Returns the parameters with defaults
 * filled in when there are no problems. `secretPaths` (the resource's
 * `secretParameters`) outside `workload.secretEnv` are problems, and no
 * problem quotes a secret value.
 */
export function readNamespaceParameters(
  parameters: Record<string, unknown>,
  owner: string,
  defaults: ParameterDefaults,
  secretPaths: readonly string[] = [],
): { parameters?: NamespaceParameters; problems: DriverValidationProblem[] } {
  const isolated = isolateSecrets(parameters, secretPaths);
  const result = readVisibleParameters(isolated.visible, owner, defaults);
  if (!isolated.problems.length) return result;
  // A blanked secret may cause further problems at its path; its own says more.
  const covered = (path: string) =>
    isolated.problems.some(
      s =>
        path === s.path ||
        path.startsWith(`${s.path}.`) ||
        path.startsWith(`${s.path}[`),
    );
  return {
    problems: [
      ...isolated.problems,
      ...result.problems.filter(p => !covered(p.path)),
    ],
  };
}

function readVisibleParameters(
  raw: Record<string, unknown>,
  owner: string,
  defaults: ParameterDefaults,
): { parameters?: NamespaceParameters; problems: DriverValidationProblem[] } {
  const problems: DriverValidationProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_PARAMETERS.has(key)) {
      problems.push({
        path: `parameters.${key}`,
        message: `unknown parameter; known parameters are ${[
          ...KNOWN_PARAMETERS,
        ].join(', ')}`,
      });
    }
  }

  let cluster: string | undefined;
  let allowedClusters: string[] | undefined;
  if (!isBlank(raw.cluster)) {
    if (typeof raw.cluster !== 'string') {
      problems.push({
        path: 'parameters.cluster',
        message: 'must be a cluster name',
      });
    } else cluster = raw.cluster;
  }
  if (!isBlank(raw.allowedClusters)) {
    const allowed = raw.allowedClusters;
    if (!Array.isArray(allowed) || !allowed.every(c => typeof c === 'string')) {
      problems.push({
        path: 'parameters.allowedClusters',
        message: 'must be a list of cluster names',
      });
    } else if (cluster !== undefined && !allowed.includes(cluster)) {
      problems.push({
        path: 'parameters.cluster',
        message: `cluster '${cluster}' is not allowed by this template; allowed clusters: ${allowed.join(
          ', ',
        )}`,
      });
    } else {
      allowedClusters = allowed;
    }
  }

  const asked =
    readQuota(raw.quota ?? 'small', 'parameters.quota', problems) ?? {};
  const max = readQuota(raw.maxQuota, 'parameters.maxQuota', problems);
  const quotaCapped: string[] = [];
  const quotaSummary = capQuota(asked, max, quotaCapped);

  let limitRange: NamespaceParameters['limitRange'] = DEFAULT_LIMIT_RANGE;
  if (!isBlank(raw.limitRange)) {
    if (!isObject(raw.limitRange)) {
      problems.push({
        path: 'parameters.limitRange',
        message: 'must be an object',
      });
    } else {
      const lr = raw.limitRange;
      limitRange = {
        default: {
          ...DEFAULT_LIMIT_RANGE.default,
          ...readResources(
            lr.default,
            'parameters.limitRange.default',
            problems,
          ),
        },
        defaultRequest: {
          ...DEFAULT_LIMIT_RANGE.defaultRequest,
          ...readResources(
            lr.defaultRequest,
            'parameters.limitRange.defaultRequest',
            problems,
          ),
        },
        max: readResources(lr.max, 'parameters.limitRange.max', problems),
      };
    }
  }

  let allow: NetworkAllowance[] = [];
  const networkPolicy = raw.networkPolicy;
  if (!isBlank(networkPolicy)) {
    const list = isObject(networkPolicy)
      ? networkPolicy.allow ?? []
      : undefined;
    if (!Array.isArray(list)) {
      problems.push({
        path: 'parameters.networkPolicy.allow',
        message: `must be a list of ${NETWORK_ALLOWANCES.join(', ')}`,
      });
    } else {
      list.forEach((item, i) => {
        if (!NETWORK_ALLOWANCES.includes(item as NetworkAllowance)) {
          problems.push({
            path: `parameters.networkPolicy.allow[${i}]`,
            message: `unknown allowance ${JSON.stringify(
              item,
            )}; known: ${NETWORK_ALLOWANCES.join(', ')}`,
          });
        } else if (!allow.includes(item as NetworkAllowance)) {
          allow = [...allow, item as NetworkAllowance];
        }
      });
    }
  }

  let podSecurity = defaults.podSecurity;
  if (!isBlank(raw.podSecurity)) {
    if (!POD_SECURITY_LEVELS.includes(raw.podSecurity as PodSecurityLevel)) {
      problems.push({
        path: 'parameters.podSecurity',
        message: `must be one of ${POD_SECURITY_LEVELS.join(', ')}`,
      });
    } else podSecurity = raw.podSecurity as PodSecurityLevel;
  }

  const subjects: RbacSubject[] = [];
  const addSubject = (ref: unknown, kind: 'user' | 'group', path: string) => {
    if (typeof ref !== 'string' || !ref) {
      problems.push({
        path,
        message: 'must be an entity ref such as group:default/team-a',
      });
      return;
    }
    const subject = subjectForEntityRef(ref, kind, defaults.subjectPrefix);
    if (typeof subject === 'string') {
      problems.push({ path, message: subject });
    } else if (
      !subjects.some(s => s.kind === subject.kind && s.name === subject.name)
    ) {
      subjects.push(subject);
    }
  };
  addSubject(owner, 'user', 'environment.owner');
  if (!isBlank(raw.adminGroups)) {
    const groups =
      typeof raw.adminGroups === 'string' ? [raw.adminGroups] : raw.adminGroups;
    if (!Array.isArray(groups)) {
      problems.push({
        path: 'parameters.adminGroups',
        message: 'must be a list of entity refs',
      });
    } else {
      groups.forEach((g, i) =>
        addSubject(g, 'group', `parameters.adminGroups[${i}]`),
      );
    }
  }

  const workload = readWorkload(raw.workload, problems);

  if (problems.length) return { problems };
  return {
    problems,
    parameters: {
      cluster,
      allowedClusters,
      quotaHard: toHard(quotaSummary),
      quotaSummary,
      quotaCapped,
      limitRange,
      allow,
      podSecurity,
      subjects,
      workload,
    },
  };
}
