import { createHash } from 'node:crypto';
import {
  albName,
  ecsClusterName,
  shortResourceName,
  targetGroupName,
} from '@envkit/plugin-environments-common';
import { DriverEnvironment } from '@envkit/plugin-environments-node';
import { StackResourceParameters } from './resourceParameters';
import { builtinName } from './templateSource';

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
  body: string;
  parameters: { ParameterKey: string; ParameterValue: string }[];
  tags: { Key: string; Value: string }[];
  /** Digest of body, parameters, tags and capabilities. */
  hash: string;
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
  if (builtinName(template) !== 'ecs-service') return {};
  return {
    ClusterName: ecsClusterName(env.name, env.id),
    ServiceName: shortResourceName(env.name, env.id, resourceName, 63),
    LoadBalancerName: albName(env.name, env.id, resourceName),
    TargetGroupName: targetGroupName(env.name, env.id, resourceName),
  };
}

/** The stack a resource should have, and the digest that identifies it. */
export function desiredStack(options: {
  body: string;
  params: StackResourceParameters;
  environment: DriverEnvironment;
  resourceName: string;
}): DesiredStack {
  const { body, params, environment: env, resourceName } = options;
  const values: Record<string, string> = {
    ...builtinParameters(params.template, env, resourceName),
    ...params.parameters,
  };
  const parameters = Object.keys(values)
    .sort()
    .map(key => ({ ParameterKey: key, ParameterValue: values[key] }));
  const tags = [
    { Key: STACK_TAGS.environment, Value: env.id },
    { Key: STACK_TAGS.owner, Value: env.owner },
    { Key: STACK_TAGS.template, Value: env.templateRef },
    { Key: STACK_TAGS.templateVersion, Value: env.templateVersion },
    { Key: STACK_TAGS.resource, Value: resourceName },
  ];
  const hash = createHash('sha256')
    .update(JSON.stringify([body, parameters, tags, params.capabilities]))
    .digest('hex')
    .slice(0, 32);
  return {
    body,
    parameters,
    tags: [...tags, { Key: STACK_TAGS.specHash, Value: hash }],
    hash,
  };
}
