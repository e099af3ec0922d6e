import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { oneStepExample } from './examples';

export const examples: TemplateExample[] = [
  {
    description:
      'Create an empty development namespace of the default size from the dev-namespace template',
    example: oneStepExample(
      {
        id: 'namespace',
        action: 'env:create-namespace',
        name: 'Create namespace',
      },
      {
        name: 'alice-sandbox',
      },
    ),
  },
  {
    description:
      'Create a medium namespace that runs an image, for a component, owned by a team',
    example: oneStepExample(
      {
        id: 'namespace',
        action: 'env:create-namespace',
        name: 'Create namespace',
      },
      {
        name: 'storefront-qa',
        quotaSize: 'medium',
        image: 'nginx:1.27',
        containerPort: 80,
        owner: 'group:default/team-storefront',
        component: 'component:default/storefront-web',
      },
    ),
  },
];
