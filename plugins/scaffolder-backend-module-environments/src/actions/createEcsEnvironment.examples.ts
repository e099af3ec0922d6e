import { actionExamples } from './examples';

export const examples = actionExamples(
  {
    id: 'environment',
    action: 'env:create-ecs',
    name: 'Create ECS environment',
  },
  [
    {
      description:
        'Run a container image on ECS from the default ecs-web-service template and wait for its endpoint',
      input: {
        name: 'storefront-pr-42',
        imageLocation: 'public.ecr.aws/nginx/nginx:1.27',
        containerPort: 80,
        component: 'component:default/storefront-web',
      },
    },
    {
      description:
        'Use another ECS template, pass an extra template input and allow 30 minutes for provisioning',
      input: {
        name: 'payments-demo',
        templateRef: 'environmenttemplate:default/ecs-web-service',
        imageLocation: 'public.ecr.aws/docker/library/httpd:2.4',
        containerPort: 8080,
        inputs: { cpu: '512', memory: '1024' },
        ttl: 'PT4H',
        timeoutMinutes: 30,
      },
    },
  ],
);
