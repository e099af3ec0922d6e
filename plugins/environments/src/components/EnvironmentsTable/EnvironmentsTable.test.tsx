import type { Entity } from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import {
  makeEnvironment,
  mockEnvironmentsApi,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { ENVIRONMENT_ID_ANNOTATION } from '../../constants';
import { EnvironmentsTable } from './EnvironmentsTable';

const entityOf = (id: string, name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    annotations: { [ENVIRONMENT_ID_ANNOTATION]: id },
  },
  spec: { type: 'environment', owner: 'group:default/team-storefront' },
});

describe('EnvironmentsTable', () => {
  it('links each name to its catalog entity', async () => {
    await renderWithApis(
      <EnvironmentsTable environments={[makeEnvironment('Ready')]} />,
      {
        api: mockEnvironmentsApi(),
        catalogEntities: [entityOf('env-1', 'checkout-pr-42')],
      },
    );
    expect(
      await screen.findByRole('link', { name: 'checkout-pr-42' }),
    ).toHaveAttribute('href', '/catalog/default/resource/checkout-pr-42');
  });

  it('turns a name into a link once a new environment reaches the catalog', async () => {
    // The catalog has not ingested the environment at the first ask.
    const catalogApi = catalogApiMock.mock();
    catalogApi.getEntities
      .mockResolvedValueOnce({ items: [] })
      .mockResolvedValue({ items: [entityOf('env-1', 'checkout-pr-42')] });
    await renderWithApis(
      <EnvironmentsTable environments={[makeEnvironment('Provisioning')]} />,
      { api: mockEnvironmentsApi(), catalogApi },
    );
    expect(await screen.findByText('checkout-pr-42')).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'checkout-pr-42' }),
    ).not.toBeInTheDocument();

    expect(
      await screen.findByRole(
        'link',
        { name: 'checkout-pr-42' },
        { timeout: 8000 },
      ),
    ).toHaveAttribute('href', '/catalog/default/resource/checkout-pr-42');
  });

  it('stops asking the catalog when every environment is linked or destroyed', async () => {
    const catalogApi = catalogApiMock.mock();
    catalogApi.getEntities.mockResolvedValue({
      items: [entityOf('env-1', 'checkout-pr-42')],
    });
    await renderWithApis(
      <EnvironmentsTable
        environments={[
          makeEnvironment('Ready'),
          makeEnvironment('Destroyed', { id: 'env-2', name: 'gone' }),
        ]}
      />,
      { api: mockEnvironmentsApi(), catalogApi },
    );
    await screen.findByRole('link', { name: 'checkout-pr-42' });
    await new Promise(resolve => setTimeout(resolve, 4000));
    expect(catalogApi.getEntities).toHaveBeenCalledTimes(1);
  });

  it('shows each environment its cost and totals the month per owner', async () => {
    const withCost = (id: string, owner: string, projectedMonthly: number) => ({
      ...makeEnvironment('Ready', { id, name: id, spec: { owner } }),
      cost: { currency: 'USD' as const, accrued: 1.25, projectedMonthly },
    });
    await renderWithApis(
      <EnvironmentsTable
        environments={[
          withCost('a', 'group:default/team-a', 40),
          withCost('b', 'group:default/team-a', 2.5),
          withCost('c', 'group:default/team-b', 89.43),
        ]}
        columns={['owner', 'cost']}
      />,
      { api: mockEnvironmentsApi() },
    );
    expect(await screen.findAllByText(/\$1\.25 so far/)).toHaveLength(3);
    const totals = screen.getByRole('region', { name: 'Cost per owner' });
    expect(totals).toHaveTextContent('team-b: $89.43');
    expect(totals).toHaveTextContent('team-a: $42.50');
    expect(totals).not.toHaveTextContent('of the environments shown');
  });

  it('says the totals cover only the listed environments when more match', async () => {
    await renderWithApis(
      <EnvironmentsTable
        environments={[
          {
            ...makeEnvironment('Ready', { id: 'a', name: 'a' }),
            cost: { currency: 'USD' as const, accrued: 1, projectedMonthly: 9 },
          },
        ]}
        columns={['owner', 'cost']}
        partial
      />,
      { api: mockEnvironmentsApi() },
    );
    expect(
      await screen.findByRole('region', { name: 'Cost per owner' }),
    ).toHaveTextContent('of the environments shown');
  });
  it('links a destroyed environment to its history, also while the catalog still has its entity', async () => {
    await renderWithApis(
      <EnvironmentsTable
        environments={[
          makeEnvironment('Destroyed', { id: 'env-1', name: 'checkout-pr-42' }),
          makeEnvironment('Rejected', { id: 'env-2', name: 'refused' }),
        ]}
      />,
      {
        api: mockEnvironmentsApi(),
        catalogEntities: [entityOf('env-1', 'checkout-pr-42')],
      },
    );
    expect(
      await screen.findByRole('link', {
        name: 'History of checkout-pr-42 (destroyed)',
      }),
    ).toHaveAttribute('href', '/environments/history/env-1');
    expect(
      screen.getByRole('link', { name: 'History of refused (rejected)' }),
    ).toHaveAttribute('href', '/environments/history/env-2');
  });

  it('cuts a long endpoint with an ellipsis, the whole URL in its text and title, and keeps owners whole', async () => {
    const url =
      'http://checkout-pr-42-1a2b3c.apps.sandbox.envkit.local/a/long/path';
    const env = makeEnvironment('Ready', {
      spec: { owner: 'user:default/guest' },
    });
    env.status.outputs = { endpoint: url };
    await renderWithApis(
      <EnvironmentsTable
        environments={[env]}
        columns={['owner', 'component', 'cost']}
      />,
      { api: mockEnvironmentsApi() },
    );
    const link = (await screen.findByText(url)).closest('a')!;
    expect(link).toHaveAttribute('href', url);
    expect(link).toHaveAttribute('title', url);
    expect(link).toHaveStyle({
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      whiteSpace: 'nowrap',
    });
    expect(link.style.maxWidth).not.toBe('');
    const owner = screen.getByRole('link', { name: 'user:guest' });
    expect(owner.closest('td')).toHaveStyle({
      wordBreak: 'normal',
      overflowWrap: 'normal',
    });
  });
});
