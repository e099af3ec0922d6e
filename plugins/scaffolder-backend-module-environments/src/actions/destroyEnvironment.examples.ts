import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { oneStepExample } from './examples';

export const examples: TemplateExample[] = [
  {
    description:
      'Destroy the environment an earlier env:create step made, and wait until it is gone',
    example: oneStepExample(
      { id: 'teardown', action: 'env:destroy', name: 'Destroy environment' },
      {
        environmentId: '${{ steps.environment.output.environmentId }}',
      },
    ),
  },
  {
    description:
      'Destroy an environment by name without waiting for its resources to be removed',
    example: oneStepExample(
      { id: 'teardown', action: 'env:destroy', name: 'Destroy environment' },
      { name: 'storefront-pr-42', wait: false },
    ),
  },
];
