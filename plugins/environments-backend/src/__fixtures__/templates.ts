import { EnvironmentTemplateEntity } from '@envkit/plugin-environments-common';

/** A two-resource template on the in-memory test driver. */
export const webTemplate: EnvironmentTemplateEntity = {
  apiVersion: 'envkit.io/v1alpha1',
  kind: 'EnvironmentTemplate',
  metadata: { name: 'web', namespace: 'default', title: 'Web service' },
  spec: {
    type: 'ecs',
    version: '1.2.0',
    owner: 'group:default/platform-team',
    parameters: {
      properties: {
        imageLocation: { type: 'string', title: 'Image' },
        containerPort: {
          type: 'integer',
          default: 8080,
          minimum: 1,
          maximum: 65535,
        },
        size: {
          type: 'string',
          default: 'small',
          enum: ['small', 'large'],
          'envkit:policy': 'restricted',
        },
        region: {
          type: 'string',
          default: 'eu-west-1',
          'envkit:policy': 'locked',
        },
      },
      required: ['imageLocation'],
    },
    resources: [
      {
        name: 'network',
        driver: 'test',
        parameters: { region: '${{ inputs.region }}' },
      },
      {
        name: 'service',
        driver: 'test',
        dependsOn: ['network'],
        parameters: {
          image: '${{ inputs.imageLocation }}',
          port: '${{ inputs.containerPort }}',
          vpc: '${{ resources.network.outputs.vpcId }}',
        },
      },
    ],
    outputs: { endpoint: '${{ resources.service.outputs.url }}' },
    guardrails: {
      ttl: { default: 'PT8H', max: 'P7D' },
      maxEnvironmentsPerOwner: 2,
    },
  },
};

/** Like {@link webTemplate}, but only for the payments team. */
export const restrictedTemplate: EnvironmentTemplateEntity = {
  ...webTemplate,
  metadata: { name: 'payments-only', namespace: 'default' },
  spec: {
    ...webTemplate.spec,
    guardrails: { allowedGroups: ['group:default/team-payments'] },
  },
};
