import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Destroy the environment an earlier env:create step made, and wait until it is gone',
    example: yaml.stringify({
      steps: [
        {
          id: 'teardown',
          action: 'env:destroy',
          name: 'Destroy environment',
          input: {
            environmentId: '${{ steps.environment.output.environmentId }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Destroy an environment by name without waiting for its resources to be removed',
    example: yaml.stringify({
      steps: [
        {
          id: 'teardown',
          action: 'env:destroy',
          name: 'Destroy environment',
          input: { name: 'storefront-pr-42', wait: false },
        },
      ],
    }),
  },
];
