import { actionExamples } from './examples';

export const examples = actionExamples(
  { id: 'environment', action: 'env:create', name: 'Create environment' },
  [
    {
      description:
        'Create an environment from an EnvironmentTemplate, passing its inputs through, and wait until it is Ready',
      input: {
        name: 'checkout-preview',
        templateRef: 'environmenttemplate:default/ecs-web-service',
        inputs: {
          imageLocation: 'public.ecr.aws/nginx/nginx:1.27',
          containerPort: 80,
        },
        component: 'component:default/storefront-web',
      },
    },
    {
      description:
        'Create an environment owned by a team, expiring after two days, without waiting for it to be Ready',
      stepName: 'Request environment',
      input: {
        name: 'payments-load',
        templateRef: 'dev-namespace',
        inputs: { quotaSize: 'medium' },
        owner: 'group:default/team-payments',
        ttl: 'P2D',
        wait: false,
      },
    },
  ],
);
