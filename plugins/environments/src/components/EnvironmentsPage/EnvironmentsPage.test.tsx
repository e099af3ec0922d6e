import type { Entity } from '@backstage/catalog-model';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeEnvironment,
  makeTemplate,
  mockEnvironmentsApi,
} from '../../__testUtils__/fixtures';
import { renderWithApis, signedInAs } from '../../__testUtils__/render';
import { apiListingFor, listing } from '../../__testUtils__/listings';
import { EnvironmentsContent } from './EnvironmentsPage';

const guest = signedInAs('user:default/guest', 'group:default/team-storefront');

/** Renders the page for the guest at `route`, with `catalogEntities` in the catalog. */
function renderPage(
  api = mockEnvironmentsApi(),
  route = '/environments',
  catalogEntities?: Entity[],
) {
  return renderWithApis(<EnvironmentsContent />, {
    api,
    extraApis: [guest],
    routeEntries: [route],
    catalogEntities,
  });
}

/** Opens the filter whose button reads `any` and picks `option` in it. */
async function pickFilter(any: RegExp, option: string) {
  await userEvent.click(screen.getByRole('button', { name: any }));
  await userEvent.click(screen.getByRole('option', { name: option }));
}

/** Waits until the page last listed environments with `filters`, 100 at a time. */
const lastListed = (
  api: ReturnType<typeof mockEnvironmentsApi>,
  filters: { owner?: string; template?: string; phase?: string },
) =>
  waitFor(() =>
    expect(api.listEnvironments).toHaveBeenLastCalledWith({
      owner: undefined,
      template: undefined,
      phase: undefined,
      ...filters,
      limit: 100,
    }),
  );

describe('EnvironmentsContent', () => {
  it("shows the environments of the user and the user's groups under Mine", async () => {
    const api = apiListingFor(
      'owner',
      'group:default/team-storefront',
      makeEnvironment('Ready'),
    );
    await renderPage(api);
    expect(await screen.findByText('checkout-pr-42')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Mine' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(api.listEnvironments).toHaveBeenCalledWith({
      owner: 'user:default/guest',
    });
    expect(api.listEnvironments).toHaveBeenCalledWith({
      owner: 'group:default/team-storefront',
    });
  });

  it('follows every page of an owner under Mine', async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: jest.fn(
        async (query?: { owner?: string; cursor?: string }) => {
          if (query?.owner !== 'user:default/guest') {
            return { items: [], totalCount: 0 };
          }
          return query.cursor === 'page-2'
            ? {
                items: [makeEnvironment('Ready', { id: 'b', name: 'second' })],
                totalCount: 2,
              }
            : {
                items: [makeEnvironment('Ready', { id: 'a', name: 'first' })],
                totalCount: 2,
                nextCursor: 'page-2',
              };
        },
      ),
    });
    await renderPage(api);
    expect(await screen.findByText('second')).toBeInTheDocument();
    expect(screen.getByText('first')).toBeInTheDocument();
    expect(api.listEnvironments).toHaveBeenCalledWith({
      owner: 'user:default/guest',
      cursor: 'page-2',
    });
  });

  it('shows more of All on request when there are more than a page', async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: jest.fn(async (query?: { limit?: number }) =>
        query?.limit === 200
          ? {
              items: [
                makeEnvironment('Ready', { id: 'a', name: 'first' }),
                makeEnvironment('Ready', { id: 'b', name: 'second' }),
              ],
              totalCount: 2,
            }
          : {
              items: [makeEnvironment('Ready', { id: 'a', name: 'first' })],
              totalCount: 2,
              nextCursor: 'page-2',
            },
      ),
    });
    // A fake clock, so "Show more" is clicked before the filters' debounce
    // (400 ms) first fires, however slowly the page renders.
    jest.useFakeTimers();
    try {
      const user = userEvent.setup({
        advanceTimers: jest.advanceTimersByTime,
      });
      await renderPage(api, '/environments?tab=all');
      expect(
        await screen.findByText('All environments (1 of 2)'),
      ).toBeInTheDocument();
      await user.click(screen.getByRole('button', { name: 'Show 1 more' }));
      expect(
        await screen.findByText('All environments (2)'),
      ).toBeInTheDocument();
      // The debounce fires once after the page opens; with the filters
      // unchanged it must not take the extra rows back.
      await act(async () => {
        jest.advanceTimersByTime(1000);
      });
      expect(screen.getByText('All environments (2)')).toBeInTheDocument();
      expect(screen.getByText('second')).toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: /Show .* more/ }),
      ).not.toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it('offers Create when the user has no environments', async () => {
    await renderPage();
    expect(
      await screen.findByText('You have no environments yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Create an environment').closest('a'),
    ).toHaveAttribute('href', '/create');
  });

  it('filters All by phase and template', async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: listing(makeEnvironment('Failed')),
    });
    await renderPage(api);
    await userEvent.click(screen.getByRole('tab', { name: 'All' }));
    expect(await screen.findByText('All environments (1)')).toBeInTheDocument();

    await pickFilter(/Any phase/, 'Failed');
    await lastListed(api, { phase: 'Failed' });

    await pickFilter(/Any template/, 'ECS web service');
    await lastListed(api, {
      phase: 'Failed',
      template: 'environmenttemplate:default/ecs-web-service',
    });
  });

  it('lists templates with version, description, owner and validation state', async () => {
    const api = mockEnvironmentsApi({
      listTemplates: jest.fn().mockResolvedValue([
        makeTemplate('1.2.0'),
        makeTemplate('0.1.0', {
          ref: 'environmenttemplate:default/broken',
          valid: false,
          error: "resources[0].driver: no driver 'aws-magic'",
        }),
      ]),
    });
    await renderPage(api, '/environments?tab=templates');
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    const valid = rows.find(r => r.textContent?.includes('1.2.0'))!;
    expect(valid).toHaveTextContent('A Fargate service behind a load balancer');
    expect(valid).toHaveTextContent('platform');
    expect(valid).toHaveTextContent('Validation: Valid');
    const broken = rows.find(r => r.textContent?.includes('0.1.0'))!;
    expect(broken).toHaveTextContent('Validation: Invalid');
    expect(broken).toHaveTextContent("no driver 'aws-magic'");
  });

  it('shows the error when templates cannot be listed', async () => {
    const api = mockEnvironmentsApi({
      listTemplates: jest.fn().mockRejectedValue(new Error('catalog is down')),
    });
    await renderPage(api, '/environments?tab=templates');
    expect(
      (await screen.findAllByText(/catalog is down/)).length,
    ).toBeGreaterThan(0);
  });

  it("offers the catalog's groups and users as owners, and filters by the one picked", async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: listing(makeEnvironment('Ready')),
    });
    await renderPage(api, '/environments?tab=all', [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'team-storefront', title: 'Storefront' },
        spec: { type: 'team', children: [] },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'guest' },
        spec: { profile: { displayName: 'Guest' }, memberOf: [] },
      },
    ]);
    expect(await screen.findByText('All environments (1)')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Any owner/ }));
    const options = screen.getAllByRole('option').map(o => o.textContent);
    expect(options).toEqual([
      'Any owner',
      'Storefront (group)',
      'Guest (user)',
    ]);
    await userEvent.click(
      screen.getByRole('option', { name: 'Storefront (group)' }),
    );
    await lastListed(api, { owner: 'group:default/team-storefront' });
  });

  it('says there are no environments, not that no filter matches, when no filter is set', async () => {
    await renderPage(mockEnvironmentsApi(), '/environments?tab=all');
    expect(await screen.findByText('No environments yet')).toBeInTheDocument();
    expect(
      screen.queryByText(/No environments match these filters/),
    ).not.toBeInTheDocument();
  });

  it('says no environment matches once a filter is set', async () => {
    await renderPage(
      mockEnvironmentsApi(),
      '/environments?tab=all&phase=Failed',
    );
    expect(
      await screen.findByText(/No environments match these filters/),
    ).toBeInTheDocument();
  });

  it('links a destroyed environment to its history page, which shows it', async () => {
    const destroyed = makeEnvironment('Destroyed', {
      id: 'env-gone',
      name: 'old-pr-1',
    });
    const api = mockEnvironmentsApi({
      listEnvironments: listing(destroyed),
      getEnvironment: jest.fn().mockResolvedValue(destroyed),
    });
    await renderPage(api, '/environments?tab=all');
    const link = await screen.findByRole('link', {
      name: 'History of old-pr-1 (destroyed)',
    });
    expect(link).toHaveAttribute('href', '/environments/history/env-gone');

    // Mounted at the page's root, as the app mounts it under /environments.
    await renderPage(api, '/history/env-gone');
    expect(await screen.findByText('Environment history')).toBeInTheDocument();
    expect(api.getEnvironment).toHaveBeenCalledWith('env-gone');
    expect(
      (await screen.findAllByText('All resources are ready')).length,
    ).toBeGreaterThan(0);
  });

  it('shows how many environments use each template', async () => {
    const api = mockEnvironmentsApi({
      listEnvironments: listing(
        makeEnvironment('Ready', {
          id: 'a',
          spec: { templateVersion: '1.0.0' },
        }),
        makeEnvironment('Ready', {
          id: 'b',
          spec: { templateVersion: '1.2.0' },
        }),
      ),
    });
    await renderPage(api, '/environments?tab=templates');
    expect(
      await screen.findByText('2 environments, 1 on an older version'),
    ).toBeInTheDocument();
  });

  it('gives every template row an id, so the table logs no warning', async () => {
    const previous = process.env.NODE_ENV;
    const warn = jest.spyOn(console, 'warn');
    // material-table checks the ids in development builds only.
    (process.env as Record<string, string>).NODE_ENV = 'development';
    try {
      await renderPage(mockEnvironmentsApi(), '/environments?tab=templates');
      expect(await screen.findByText('ECS web service')).toBeInTheDocument();
      expect(warn).not.toHaveBeenCalledWith(
        expect.stringContaining('without id'),
      );
    } finally {
      (process.env as Record<string, string>).NODE_ENV = previous!;
      warn.mockRestore();
    }
  });
});
