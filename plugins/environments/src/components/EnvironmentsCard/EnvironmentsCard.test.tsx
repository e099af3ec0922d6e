import { Entity } from '@backstage/catalog-model';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeEnvironment,
  mockEnvironmentsApi,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { apiListingFor, listing } from '../../__testUtils__/listings';
import { EnvironmentsCard } from './EnvironmentsCard';

/** A catalog entity of `kind` in the default namespace. */
const catalogEntity = (
  kind: string,
  name: string,
  rest: Pick<Entity, 'spec' | 'relations'> & {
    annotations?: Record<string, string>;
  },
): Entity => {
  const { annotations, ...fields } = rest;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    ...fields,
  };
};

const component = catalogEntity('Component', 'checkout', {
  spec: { type: 'service', owner: 'group:default/team-storefront' },
});

const environmentEntity = catalogEntity('Resource', 'checkout-pr-42', {
  annotations: { 'envkit.io/environment-id': 'env-1' },
  spec: { type: 'environment' },
});

describe('EnvironmentsCard', () => {
  it('shows progress while loading', async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: jest.fn(() => new Promise<never>(() => {})),
    });
    await renderWithApis(<EnvironmentsCard />, { api, entity: component });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows the error when environments cannot be listed', async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: jest
        .fn()
        .mockRejectedValue(new Error('environments backend is down')),
    });
    await renderWithApis(<EnvironmentsCard />, { api, entity: component });
    expect(
      (await screen.findAllByText(/environments backend is down/)).length,
    ).toBeGreaterThan(0);
  });

  it('links to Create when the component has no environments', async () => {
    const api = mockEnvironmentsApi();
    await renderWithApis(<EnvironmentsCard />, { api, entity: component });
    expect(await screen.findByText('No environments yet')).toBeInTheDocument();
    expect(
      screen.getByText('Create an environment').closest('a'),
    ).toHaveAttribute('href', '/create');
    expect(api.listEnvironments).toHaveBeenCalledWith({
      component: 'component:default/checkout',
    });
  });

  it('offers each environment template with the component filled in, saying when to pick it', async () => {
    const template = (name: string, title: string, description: string) => ({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name, namespace: 'default', title, description },
      spec: { type: 'environment' },
    });
    const api = mockEnvironmentsApi();
    await renderWithApis(<EnvironmentsCard />, {
      api,
      entity: component,
      catalogEntities: [
        template(
          'create-ecs-environment',
          'Create an ECS environment',
          'Quick start: an image and a port.',
        ),
        {
          ...template('create-website', 'New website', 'Not an environment'),
          spec: { type: 'website' },
        },
      ],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create an environment' }),
    );
    const menu = await screen.findByRole('menu');
    const items = within(menu).getAllByRole('menuitem');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent(
      'Create an ECS environmentQuick start: an image and a port.',
    );
    const href = items[0].getAttribute('href')!;
    expect(href.split('?')[0]).toBe(
      '/create/templates/default/create-ecs-environment',
    );
    expect(
      JSON.parse(new URLSearchParams(href.split('?')[1]).get('formData')!),
    ).toEqual({ component: 'checkout' });
  });

  it("lists a component's environments with phase, endpoint, expiry and a link to each", async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: listing(
        makeEnvironment('Ready'),
        makeEnvironment('Provisioning', { id: 'env-2', name: 'checkout-b' }),
      ),
    });
    await renderWithApis(<EnvironmentsCard />, {
      api,
      entity: component,
      catalogEntities: [environmentEntity],
    });
    const link = await screen.findByRole('link', { name: 'checkout-pr-42' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/resource/checkout-pr-42',
    );
    const rows = screen.getAllByRole('row');
    const ready = rows.find(r => r.textContent?.includes('checkout-pr-42'))!;
    expect(ready).toHaveTextContent('Phase: Ready');
    expect(ready).toHaveTextContent('checkout-pr-42-alb.sandbox.local');
    expect(ready).toHaveTextContent(/in 3h (29|30)m/);
    const provisioning = rows.find(r => r.textContent?.includes('checkout-b'))!;
    expect(provisioning).toHaveTextContent('Phase: Provisioning');
    // Not in the catalog yet: shown, but not linked.
    expect(
      within(provisioning).queryByRole('link', { name: 'checkout-b' }),
    ).not.toBeInTheDocument();
  });

  it('leaves destroyed environments out', async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: listing(
        makeEnvironment('Ready'),
        makeEnvironment('Destroyed', { id: 'env-9', name: 'old-one' }),
      ),
    });
    await renderWithApis(<EnvironmentsCard />, { api, entity: component });
    expect(await screen.findByText('checkout-pr-42')).toBeInTheDocument();
    expect(screen.queryByText('old-one')).not.toBeInTheDocument();
    expect(
      screen.getByText('1 destroyed environment not shown.'),
    ).toBeInTheDocument();
  });

  it("lists a group's environments by owner", async () => {
    const api = mockEnvironmentsApi();
    await renderWithApis(<EnvironmentsCard />, {
      api,
      entity: catalogEntity('Group', 'team-storefront', {
        spec: { type: 'team', children: [] },
      }),
    });
    await screen.findByText('No environments yet');
    expect(api.listEnvironments).toHaveBeenCalledWith({
      owner: 'group:default/team-storefront',
    });
  });

  it("lists a system's environments through its components", async () => {
    const api = apiListingFor(
      'component',
      'component:default/checkout',
      makeEnvironment('Ready'),
    );
    await renderWithApis(<EnvironmentsCard />, {
      api,
      entity: catalogEntity('System', 'storefront', {
        spec: { owner: 'group:default/team-storefront' },
        relations: [
          { type: 'hasPart', targetRef: 'component:default/checkout' },
          { type: 'hasPart', targetRef: 'component:default/cart' },
          { type: 'hasPart', targetRef: 'api:default/cart-api' },
        ],
      }),
    });
    expect(await screen.findByText('checkout-pr-42')).toBeInTheDocument();
    expect(api.listEnvironments).toHaveBeenCalledTimes(2);
    expect(api.listEnvironments).toHaveBeenCalledWith({
      component: 'component:default/cart',
    });
  });
});
