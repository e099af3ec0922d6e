import { DriverValidationProblem } from '@envkit/plugin-environments-node';
import { builtinName, templateUrl } from './templateSource';

/** CloudFormation capabilities a resource may grant explicitly. */
export const CAPABILITIES = [
  'CAPABILITY_IAM',
  'CAPABILITY_NAMED_IAM',
  'CAPABILITY_AUTO_EXPAND',
] as const;

/** The parameters of one `aws-cloudformation` resource, checked. */
export interface StackResourceParameters {
  /** `builtin:<name>`, an absolute URL, or a path relative to `baseUrl`. */
  template: string;
  baseUrl?: string;
  /** CloudFormation stack parameters, as strings. */
  parameters: Record<string, string>;
  region?: string;
  accountId?: string;
  /** Granted as given; computed from the template when absent. */
  capabilities?: string[];
  /**
   * Whether an update may replace or delete the stack's data resources
   * (a database, cache, bucket or queue), losing their data; refused
   * otherwise. Set by the platform team in the EnvironmentTemplate.
   */
  allowReplacement?: boolean;
  /**
   * Stack parameters whose values hold a secret input: sent as `NoEcho`
   * parameters and never repeated by the driver.
   */
  secretNames: string[];
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT = /^\d{12}$/;
const KNOWN_KEYS = new Set([
  'template',
  'baseUrl',
  'parameters',
  'region',
  'accountId',
  'capabilities',
  'allowReplacement',
]);

function stackParameterValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  // List parameters (List<…>, CommaDelimitedList) take comma-joined text.
  if (
    Array.isArray(value) &&
    value.every(v => ['string', 'number', 'boolean'].includes(typeof v))
  ) {
    return value.join(',');
  }
  return undefined;
}

/** `parameters.<Name>`: a whole stack parameter, what a secret may fill. */
const STACK_PARAMETER_PATH = /^parameters\.([A-Za-z0-9]+)$/;

/**
 * Checks resource parameters without touching AWS; returns the parsed form
 * or every problem found, each with its path. `secretPaths` are the paths
 * that hold secret inputs (`DriverResource.secretParameters`): each must be
 * a whole stack parameter, the only thing CloudFormation can hide.
 */
export function parseResourceParameters(
  raw: Record<string, unknown>,
  secretPaths: readonly string[] = [],
): {
  value?: StackResourceParameters;
  problems: DriverValidationProblem[];
} {
  const problems: DriverValidationProblem[] = [];
  const problem = (path: string, message: string) =>
    problems.push({ path: `parameters.${path}`, message });

  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) {
      problem(
        key,
        `unknown parameter; expected one of ${[...KNOWN_KEYS].join(', ')}`,
      );
    }
  }

  const template = raw.template;
  const baseUrl = raw.baseUrl;
  if (baseUrl !== undefined && typeof baseUrl !== 'string') {
    problem('baseUrl', 'must be a URL string');
  }
  if (typeof template !== 'string' || template.trim() === '') {
    problem(
      'template',
      "is required: 'builtin:network', 'builtin:ecs-service', a URL, or a path relative to baseUrl",
    );
  } else {
    try {
      if (!builtinName(template)) {
        templateUrl(
          template,
          typeof baseUrl === 'string' ? baseUrl : undefined,
        );
      }
    } catch (error) {
      problem('template', (error as Error).message);
    }
  }

  const parameters: Record<string, string> = {};
  const rawParameters = raw.parameters ?? {};
  if (
    typeof rawParameters !== 'object' ||
    rawParameters === null ||
    Array.isArray(rawParameters)
  ) {
    problem('parameters', 'must be a map of CloudFormation parameter values');
  } else {
    for (const [key, value] of Object.entries(rawParameters)) {
      const text = stackParameterValue(value);
      if (text === undefined) {
        problem(
          `parameters.${key}`,
          'must be a string, number, boolean or a list of them',
        );
      } else {
        parameters[key] = text;
      }
    }
  }

  const region = raw.region;
  if (
    region !== undefined &&
    region !== '' &&
    (typeof region !== 'string' || !REGION.test(region))
  ) {
    problem('region', `must be an AWS region like us-east-1`);
  }
  const accountId = raw.accountId;
  if (
    accountId !== undefined &&
    accountId !== '' &&
    (typeof accountId !== 'string' || !ACCOUNT.test(accountId))
  ) {
    problem('accountId', 'must be a 12-digit AWS account id');
  }
  const capabilities = raw.capabilities;
  if (capabilities !== undefined) {
    if (
      !Array.isArray(capabilities) ||
      capabilities.some(c => !(CAPABILITIES as readonly unknown[]).includes(c))
    ) {
      problem('capabilities', `must be a list of ${CAPABILITIES.join(', ')}`);
    }
  }

  const allowReplacement = raw.allowReplacement;
  if (
    allowReplacement !== undefined &&
    typeof allowReplacement !== 'boolean' &&
    allowReplacement !== 'true' &&
    allowReplacement !== 'false'
  ) {
    problem('allowReplacement', 'must be true or false');
  }

  const secretNames: string[] = [];
  for (const path of secretPaths) {
    const name = STACK_PARAMETER_PATH.exec(path)?.[1];
    if (name) {
      secretNames.push(name);
    } else {
      problem(
        path,
        "holds a secret input, but only a whole stack parameter (parameters.<Name>) can take one: CloudFormation hides a parameter's value (NoEcho), not part of one or any other field",
      );
    }
  }

  if (problems.length) return { problems };
  return {
    problems,
    value: {
      template: template as string,
      baseUrl: baseUrl as string | undefined,
      parameters,
      region: (region as string) || undefined,
      accountId: (accountId as string) || undefined,
      capabilities: capabilities as string[] | undefined,
      allowReplacement: String(allowReplacement) === 'true',
      secretNames,
    },
  };
}
