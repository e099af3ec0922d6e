import { actionExamples } from './examples';

export const examples = actionExamples(
  { id: 'namespace', action: 'env:create-namespace', name: 'Create namespace' },
  [
    {
      description:
        'Create an empty development namespace of the default size from the dev-namespace template',
      input: { name: 'alice-sandbox' },
    },
    {
      description:
        'Create a medium namespace that runs an image, for a component, owned by a team',
      input: {
        name: 'storefront-qa',
        quotaSize: 'medium',
        image: 'nginx:1.27',
        containerPort: 80,
        owner: 'group:default/team-storefront',
        component: 'component:default/storefront-web',
      },
    },
  ],
);
