import type { Entity } from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockEnvironmentsApi } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { CreateEnvironmentButton } from './CreateEnvironmentButton';

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'create-dev-namespace',
    namespace: 'default',
    title: 'New Development namespace environment',
  },
  spec: { type: 'environment' },
};

describe('CreateEnvironmentButton', () => {
  it('is a disabled button, not a link, until it knows the templates, then opens their menu', async () => {
    let answer: (value: { items: Entity[] }) => void = () => {};
    const catalogApi = catalogApiMock.mock();
    catalogApi.getEntities.mockReturnValue(
      new Promise(resolve => {
        answer = resolve;
      }),
    );
    await renderWithApis(<CreateEnvironmentButton />, {
      api: mockEnvironmentsApi(),
      catalogApi,
    });

    const waiting = screen.getByRole('button', {
      name: 'Create an environment',
    });
    expect(waiting).toBeDisabled();
    expect(waiting).toHaveAttribute('aria-busy', 'true');
    expect(waiting.closest('a')).toBeNull();

    answer({ items: [template] });
    const ready = await screen.findByRole('button', {
      name: 'Create an environment',
      busy: false,
    });
    await userEvent.click(ready);
    expect(
      await screen.findByRole('menuitem', {
        name: /New Development namespace environment/,
      }),
    ).toHaveAttribute('href', '/create/templates/default/create-dev-namespace');
  });

  it("links to the scaffolder's list when there are no environment templates", async () => {
    await renderWithApis(<CreateEnvironmentButton />, {
      api: mockEnvironmentsApi(),
      catalogEntities: [],
    });
    const button = await screen.findByRole('button', {
      name: 'Create an environment',
    });
    expect(button.closest('a')).toHaveAttribute('href', '/create');
  });
});
