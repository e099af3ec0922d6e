/**
 * A valid ECS-style EnvironmentTemplate, fresh on every call. It is untyped
 * so that tests can break one thing in their copy, or retarget it (another
 * name, driver or guardrails) without restating the rest.
 *
 * @public
 */
export function exampleTemplate(): any {
  return {
    apiVersion: 'envkit.io/v1alpha1',
    kind: 'EnvironmentTemplate',
    metadata: {
      name: 'ecs-service',
      title: 'ECS service',
      description: 'A Fargate service behind an ALB',
    },
    spec: {
      type: 'ecs',
      version: '1.2.0',
      owner: 'group:default/platform',
      parameters: {
        properties: {
          imageLocation: { type: 'string', title: 'Image', minLength: 3 },
          containerPort: {
            type: 'integer',
            default: 8080,
            minimum: 1,
            maximum: 65535,
          },
          size: {
            type: 'string',
            enum: ['small', 'medium'],
            default: 'small',
            'envkit:policy': 'restricted',
          },
          region: {
            type: 'string',
            default: 'eu-west-1',
            'envkit:policy': 'locked',
          },
          public: { type: 'boolean', default: true },
          dbPassword: { type: 'string', secret: true, 'ui:widget': 'password' },
        },
        required: ['imageLocation'],
      },
      resources: [
        {
          name: 'network',
          driver: 'aws-cloudformation',
          parameters: {
            template: 'network.yaml',
            Region: '${{ inputs.region }}',
          },
        },
        {
          name: 'service',
          driver: 'aws-cloudformation',
          dependsOn: ['network'],
          parameters: {
            template: 'service.yaml',
            Parameters: {
              VpcId: '${{ resources.network.outputs.VpcId }}',
              Image: '${{ inputs.imageLocation }}',
              Port: '${{ inputs.containerPort }}',
              Name: 'svc-${{ environment.name }}',
              Secret: '${{ inputs.dbPassword }}',
            },
          },
        },
      ],
      outputs: {
        endpoint: 'http://${{ resources.service.outputs.Endpoint }}',
        owner: '${{ environment.owner }}',
      },
      guardrails: {
        ttl: { default: 'PT8H', max: 'P7D' },
        maxEnvironmentsPerOwner: 3,
        allowedGroups: ['group:default/developers'],
        allowedUsers: ['user:default/jane'],
      },
      failurePolicy: 'rollback',
    },
  };
}
