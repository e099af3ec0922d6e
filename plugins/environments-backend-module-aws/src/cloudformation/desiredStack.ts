import { createHash, scryptSync } from 'node:crypto';
import { InputError } from '@backstage/errors';
import {
  albName,
  ecsClusterName,
  shortResourceName,
  targetGroupName,
} from '@envkit/plugin-environments-common';
import { DriverEnvironment } from '@envkit/plugin-environments-node';
import { StackResourceParameters } from './resourceParameters';
import { declaredParameters, withNoEcho } from './templateParameters';
import { builtinName, MAX_TEMPLATE_BODY_BYTES } from './templateSource';

/**
 * The stack parameter the driver fills with the environment's latest
 * redeploy request (`redeployRequestedAt`), for templates that declare it:
 * the built-in ECS template feeds it to the service's
 * `ForceNewDeployment.ForceNewDeploymentNonce`, so a new request rolls the
 * service over and an unchanged one changes nothing.
 */
export const REDEPLOY_NONCE_PARAMETER = 'RedeployNonce';

/**
 * The stack parameter that sets how many tasks an ECS service runs. While
 * the environment sleeps the driver sends 0 for templates that declare it,
 * over the resource's own value, so every update made meanwhile keeps the
 * service at zero; awake, the resource's value (or the template default)
 * goes back.
 */
export const DESIRED_COUNT_PARAMETER = 'DesiredCount';

/** Tag keys the driver puts on every stack. @public */
export const STACK_TAGS = {
  environment: 'envkit:environment',
  owner: 'envkit:owner',
  template: 'envkit:template',
  templateVersion: 'envkit:template-version',
  resource: 'envkit:resource',
  /** Digest of template body, parameters and tags the stack was last sent. */
  specHash: 'envkit:spec-hash',
} as const;

/** Everything a CreateStack or UpdateStack call sends. */
export interface DesiredStack {
  /** The template, with `NoEcho: true` on the parameters holding secrets. */
  body: string;
  parameters: { ParameterKey: string; ParameterValue: string }[];
  tags: { Key: string; Value: string }[];
  /** Digest of body, parameters, tags and capabilities. */
  hash: string;
}

const secretDigests = new Map<string, string>();

/**
 * What a secret value adds to the spec digest: the digest is a stack tag
 * anyone who may describe the stack can read, so a secret goes in only
 * through a slow, salted key derivation, never as itself or a plain hash.
 * Remembered for the life of the process (apply runs every few seconds).
 */
function secretDigest(value: string, salt: string): string {
  const key = createHash('sha256').update(`${salt}\0${value}`).digest('hex');
  let digest = secretDigests.get(key);
  if (!digest) {
    if (secretDigests.size >= 1000) secretDigests.clear();
    digest = scryptSync(value, salt, 16).toString('hex');
    secretDigests.set(key, digest);
  }
  return digest;
}

/**
 * Parameters the driver supplies itself for a built-in template, before the
 * resource's own: the ECS service's physical names follow the environment,
 * so they are recognisable in the AWS console and never collide between
 * environments.
 */
function builtinParameters(
  template: string,
  env: DriverEnvironment,
  resourceName: string,
): Record<string, string> {
  const cluster = { ClusterName: ecsClusterName(env.name, env.id) };
  const loadBalancer = {
    LoadBalancerName: albName(env.name, env.id, resourceName),
  };
  const service = {
    ServiceName: shortResourceName(env.name, env.id, resourceName, 63),
    TargetGroupName: targetGroupName(env.name, env.id, resourceName),
  };
  switch (builtinName(template)) {
    case 'ecs-service':
      return { ...cluster, ...loadBalancer, ...service };
    case 'ecs-platform':
      return { ...cluster, ...loadBalancer };
    case 'ecs-service-shared':
    case 'ecs-app-service':
      return service;
    default:
      return {};
  }
}

/**
 * The stack a resource should have, and the digest that identifies it:
 * the resource's parameters over the ones the driver fills in (built-in
 * names, the redeploy nonce where the template declares it; a desired
 * count of zero while asleep), and the
 * template with every parameter holding a secret made `NoEcho`.
 */
export function desiredStack(options: {
  body: string;
  params: StackResourceParameters;
  environment: DriverEnvironment;
  resourceName: string;
}): DesiredStack {
  const { params, environment: env, resourceName } = options;
  const declared = declaredParameters(options.body);
  const values: Record<string, string> = {
    ...builtinParameters(params.template, env, resourceName),
    // Sent only to templates that declare it: CloudFormation refuses
    // parameters a template does not declare.
    ...(env.redeployRequestedAt && declared?.has(REDEPLOY_NONCE_PARAMETER)
      ? { [REDEPLOY_NONCE_PARAMETER]: env.redeployRequestedAt }
      : {}),
    ...params.parameters,
    ...(env.asleep && declared?.has(DESIRED_COUNT_PARAMETER)
      ? { [DESIRED_COUNT_PARAMETER]: '0' }
      : {}),
  };
  const parameters = Object.keys(values)
    .sort()
    .map(key => ({ ParameterKey: key, ParameterValue: values[key] }));
  const hide = params.secretNames.filter(
    name => declared?.has(name) && !declared.get(name)!.noEcho,
  );
  const body = withNoEcho(options.body, hide);
  if (Buffer.byteLength(body, 'utf8') > MAX_TEMPLATE_BODY_BYTES) {
    throw new InputError(
      `template ${params.template} is over ${MAX_TEMPLATE_BODY_BYTES} bytes once its secret parameters are marked NoEcho`,
    );
  }
  const secret = new Set(params.secretNames);
  const digestible = parameters.map(p =>
    secret.has(p.ParameterKey)
      ? {
          ...p,
          ParameterValue: secretDigest(
            p.ParameterValue,
            `${env.id}/${resourceName}/${p.ParameterKey}`,
          ),
        }
      : p,
  );
  const tags = [
    { Key: STACK_TAGS.environment, Value: env.id },
    { Key: STACK_TAGS.owner, Value: env.owner },
    { Key: STACK_TAGS.template, Value: env.templateRef },
    { Key: STACK_TAGS.templateVersion, Value: env.templateVersion },
    { Key: STACK_TAGS.resource, Value: resourceName },
  ];
  const hash = createHash('sha256')
    .update(JSON.stringify([body, digestible, tags, params.capabilities]))
    .digest('hex')
    .slice(0, 32);
  return {
    body,
    parameters,
    tags: [...tags, { Key: STACK_TAGS.specHash, Value: hash }],
    hash,
  };
}
