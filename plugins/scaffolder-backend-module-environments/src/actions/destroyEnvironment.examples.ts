import { actionExamples } from './examples';

export const examples = actionExamples(
  { id: 'teardown', action: 'env:destroy', name: 'Destroy environment' },
  [
    {
      description:
        'Destroy the environment an earlier env:create step made, and wait until it is gone',
      input: {
        environmentId: '${{ steps.environment.output.environmentId }}',
      },
    },
    {
      description:
        'Destroy an environment by name without waiting for its resources to be removed',
      input: { name: 'storefront-pr-42', wait: false },
    },
  ],
);
