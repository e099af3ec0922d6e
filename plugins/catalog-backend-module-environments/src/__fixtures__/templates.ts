import type { EnvironmentTemplateEntity } from '@envkit/plugin-environments-common';

/** {@link ecsTemplate} with some of its spec replaced. */
export function ecsTemplateWith(
  spec: Partial<EnvironmentTemplateEntity['spec']>,
): EnvironmentTemplateEntity {
  const template = ecsTemplate();
  return { ...template, spec: { ...template.spec, ...spec } };
}

/** A valid ECS template with a required, a restricted and a locked input. */
export function ecsTemplate(): EnvironmentTemplateEntity {
  return {
    apiVersion: 'envkit.io/v1alpha1',
    kind: 'EnvironmentTemplate',
    metadata: {
      name: 'web-on-ecs',
      namespace: 'default',
      title: 'Web service on ECS',
      description: 'A container behind a load balancer',
    },
    spec: {
      type: 'ecs',
      version: '2.1.0',
      owner: 'group:default/platform-team',
      parameters: {
        required: ['imageLocation'],
        properties: {
          imageLocation: { type: 'string', title: 'Image', minLength: 3 },
          containerPort: {
            type: 'integer',
            title: 'Port',
            default: 8080,
            minimum: 1,
            maximum: 65535,
          },
          cpu: {
            type: 'string',
            enum: ['256', '512'],
            default: '256',
            'envkit:policy': 'restricted',
          },
          region: {
            type: 'string',
            default: 'eu-west-1',
            'envkit:policy': 'locked',
          },
        },
      },
      resources: [
        {
          name: 'service',
          driver: 'aws-cloudformation',
          parameters: {
            image: '${{ inputs.imageLocation }}',
            region: '${{ inputs.region }}',
          },
        },
      ],
      outputs: { endpoint: '${{ resources.service.outputs.Endpoint }}' },
      guardrails: { ttl: { default: 'PT4H', max: 'P2D' } },
    },
  };
}

/** A valid namespace template with no required inputs. */
export function namespaceTemplate(): EnvironmentTemplateEntity {
  return {
    apiVersion: 'envkit.io/v1alpha1',
    kind: 'EnvironmentTemplate',
    metadata: { name: 'team-namespace', namespace: 'default' },
    spec: {
      type: 'namespace',
      version: '1.0.0',
      owner: 'group:default/platform-team',
      parameters: {
        properties: {
          quotaSize: {
            type: 'string',
            enum: ['small', 'large'],
            default: 'small',
            'envkit:policy': 'restricted',
          },
        },
      },
      resources: [{ name: 'namespace', driver: 'kubernetes-namespace' }],
      outputs: {},
    },
  };
}
