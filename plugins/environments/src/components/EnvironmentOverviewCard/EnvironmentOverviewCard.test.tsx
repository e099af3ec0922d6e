import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockApis } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ENVIRONMENT_PHASES,
  environmentDeletePermission,
  type Environment,
  type EnvironmentPhase,
} from '@envkit/plugin-environments-common';
import {
  makeAwaitingApproval,
  makeEnvironment,
  makeTemplate,
  environmentEntity as checkoutEntity,
  mockEnvironmentsApi,
} from '../../__testUtils__/fixtures';
import {
  mockToastApi,
  permissionApiDenying,
  renderWithApis,
} from '../../__testUtils__/render';
import { AsyncEntityProvider } from '@backstage/plugin-catalog-react';
import {
  ENTITY_FOLLOW_DELAY_MS,
  EnvironmentOverviewCard,
} from './EnvironmentOverviewCard';

const environmentEntity = checkoutEntity();

function renderCard(
  api = mockEnvironmentsApi(),
  options: { permissionApi?: any; entity?: Entity } = {},
) {
  return renderWithApis(<EnvironmentOverviewCard />, {
    api,
    entity: options.entity ?? environmentEntity,
    permissionApi: options.permissionApi,
  });
}

/** Renders the card for `environment`, as the API answers; returns the API. */
async function renderCardOf(environment: Environment) {
  const api = mockEnvironmentsApi({
    getEnvironment: jest.fn().mockResolvedValue(environment),
  });
  await renderCard(api);
  return api;
}

/** Lets fake time pass, with React's updates flushed. */
const advance = (ms: number) =>
  act(async () => {
    jest.advanceTimersByTime(ms);
  });

/** Opens the dialog of the card's `action` button for checkout-pr-42. */
async function openDialog(action: 'Extend' | 'Destroy' | 'Redeploy') {
  await userEvent.click(
    await screen.findByRole('button', { name: `${action} checkout-pr-42` }),
  );
  return screen.findByRole('dialog');
}

const clickIn = (dialog: HTMLElement, button: string) =>
  userEvent.click(within(dialog).getByRole('button', { name: button }));

const dialogClosed = () =>
  waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

/**
 * Cancels the open `dialog` of `action`, which must leave `call` alone, then
 * opens it again and confirms, which must make `call` for env-1.
 */
async function cancelThenConfirm(
  dialog: HTMLElement,
  action: 'Destroy' | 'Redeploy',
  call: jest.MockInstance<Promise<Environment>, [id: string]>,
) {
  await clickIn(dialog, 'Cancel');
  await dialogClosed();
  expect(call).not.toHaveBeenCalled();

  await clickIn(await openDialog(action), action);
  expect(call).toHaveBeenCalledWith('env-1');
}

describe('EnvironmentOverviewCard', () => {
  it('shows progress while the environment loads', async () => {
    const api = mockEnvironmentsApi({
      getEnvironment: jest.fn(() => new Promise<never>(() => {})),
    });
    await renderCard(api);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(api.getEnvironment).toHaveBeenCalledWith('env-1');
  });

  it('shows the backend error when the environment cannot be read', async () => {
    const response = new Response(
      JSON.stringify({ error: { name: 'NotFoundError', message: 'no env-1' } }),
      {
        status: 404,
        statusText: 'Not Found',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response as any);
    const api = mockEnvironmentsApi({
      getEnvironment: jest.fn().mockRejectedValue(error),
    });
    await renderCard(api);
    expect((await screen.findAllByText(/no env-1/)).length).toBeGreaterThan(0);
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('explains the missing annotation on entities that are not environments', async () => {
    await renderCard(mockEnvironmentsApi(), {
      entity: { ...environmentEntity, metadata: { name: 'x' } },
    });
    expect(
      screen.getAllByText(/envkit.io\/environment-id/).length,
    ).toBeGreaterThan(0);
  });

  it.each(ENVIRONMENT_PHASES)(
    'renders the %s phase as a status',
    async phase => {
      await renderCardOf(makeEnvironment(phase));
      const status = await screen.findByRole('status');
      expect(status).toHaveTextContent(`Phase: ${phase}`);
    },
  );

  it('says who must approve a request waiting for approval and offers no change meanwhile', async () => {
    const waiting = makeAwaitingApproval();
    await renderCardOf(waiting);
    expect(
      await screen.findByText(
        /Waiting for approval by a member of group:default\/platform-team/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Extend checkout-pr-42' }),
    ).toBeDisabled();
  });

  it('shows a Ready environment with its endpoint link, outputs, owner, expiry, resources and events', async () => {
    await renderCard();
    expect(await screen.findByRole('status')).toHaveTextContent('Ready');
    const link = screen.getByRole('link', {
      name: /^Open checkout-pr-42-alb.sandbox.local/,
    });
    expect(link).toHaveAttribute(
      'href',
      'http://checkout-pr-42-alb.sandbox.local',
    );
    expect(screen.getByText('Output: clusterName')).toBeInTheDocument();
    expect(screen.getByText('c1')).toBeInTheDocument();
    expect(screen.getByText('team-storefront')).toBeInTheDocument();
    expect(screen.getByText(/Expires in 3h (29|30)m/)).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Resources' })).toHaveTextContent(
      'network',
    );
    const events = screen.getByRole('list', { name: 'Events' });
    expect(within(events).getAllByRole('listitem')).toHaveLength(2);
    const throttled = within(events).getAllByRole('listitem')[1];
    expect(throttled).toHaveTextContent(
      /^WarningCloudFormation asked us to slow down.* · Throttled · network$/,
    );
  });

  it('says what is happening in words while an environment is destroyed', async () => {
    const destroying = makeEnvironment('Destroying', {
      spec: { generation: 2, deletionRequestedAt: '2025-03-01T11:00:00Z' },
    });
    await renderCard(
      mockEnvironmentsApi({
        getEnvironment: jest.fn().mockResolvedValue(destroying),
        getEnvironmentEvents: jest.fn().mockResolvedValue([
          {
            at: '2025-03-01T11:00:01Z',
            type: 'Normal',
            reason: 'Destroying',
            message:
              'Removing every resource, in the reverse order of creation',
          },
        ]),
      }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Destroying');
    expect(screen.queryByText(/Applying the latest change/)).toBeNull();
    const [event] = within(
      screen.getByRole('list', { name: 'Events' }),
    ).getAllByRole('listitem');
    expect(event).toHaveTextContent(
      /^NormalRemoving every resource, in the reverse order of creation.* · Destroying$/,
    );
    expect(event).not.toHaveTextContent('Destroying: Destroying');
  });

  it('explains why a Failed environment failed', async () => {
    await renderCardOf(makeEnvironment('Failed'));
    expect(
      await screen.findByText(/StackRollbackComplete in service/),
    ).toBeInTheDocument();
  });

  it('keeps a Degraded environment usable: endpoint kept, what failed shown, Retry offered', async () => {
    const api = await renderCardOf(makeEnvironment('Degraded'));
    expect(
      await screen.findByText(/StackRollbackComplete in service/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/checkout-pr-42-alb\.sandbox\.local/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Retry checkout-pr-42' }),
    );
    expect(api.retryEnvironment).toHaveBeenCalledWith('env-1');
  });

  it('offers Retry only for a Failed or Degraded environment', async () => {
    await renderCard();
    await screen.findByRole('button', { name: 'Redeploy checkout-pr-42' });
    expect(
      screen.queryByRole('button', { name: /^Retry/ }),
    ).not.toBeInTheDocument();
  });

  it('offers no endpoint while the environment is being destroyed', async () => {
    // It still has the outputs it had while Ready.
    const destroying = makeEnvironment('Destroying');
    destroying.status.outputs = makeEnvironment('Ready').status.outputs;
    await renderCardOf(destroying);
    expect(await screen.findByRole('status')).toHaveTextContent('Destroying');
    expect(
      screen.getByText('None; the environment is being destroyed'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /^Open / }),
    ).not.toBeInTheDocument();
  });

  it('disables every action once the environment is Destroyed', async () => {
    await renderCardOf(makeEnvironment('Destroyed'));
    await screen.findByRole('status');
    for (const name of [/^Redeploy/, /^Upgrade/, /^Extend/, /^Destroy/]) {
      expect(screen.getByRole('button', { name })).toBeDisabled();
    }
    expect(
      screen.getByText('None; the environment is destroyed'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Expires in/)).not.toBeInTheDocument();
  });

  it('offers Upgrade with a badge when the template has a newer version', async () => {
    const api = mockEnvironmentsApi({
      getTemplate: jest.fn().mockResolvedValue(makeTemplate('1.10.0')),
    });
    await renderCard(api);
    expect(
      await screen.findByText('Version 1.10.0 available'),
    ).toBeInTheDocument();
    const upgrade = screen.getByRole('button', {
      name: 'Upgrade checkout-pr-42 to version 1.10.0',
    });
    expect(upgrade).toBeEnabled();
    await userEvent.click(upgrade);
    expect(api.upgradeEnvironment).toHaveBeenCalledWith('env-1');
    expect(api.getTemplate).toHaveBeenCalledWith('default', 'ecs-web-service');
  });

  it('keeps Upgrade disabled on the newest version, saying why in text', async () => {
    await renderCard();
    await screen.findByRole('status');
    expect(
      screen.getByRole('button', { name: /Upgrade checkout-pr-42/ }),
    ).toBeDisabled();
    expect(screen.queryByText(/available$/)).not.toBeInTheDocument();
    // Visible words, not only the button's accessible name.
    expect(
      screen.getByText(
        'Upgrade is off: checkout-pr-42 already runs version 1.2.0, the newest of its template.',
      ),
    ).toBeVisible();
  });

  it('redeploys only after a confirmation that says what a redeploy does', async () => {
    const api = mockEnvironmentsApi();
    const toastApi = mockToastApi();
    await renderWithApis(<EnvironmentOverviewCard />, {
      api,
      entity: environmentEntity,
      toastApi,
    });
    const dialog = await openDialog('Redeploy');
    expect(dialog).toHaveTextContent('Redeploy checkout-pr-42?');
    expect(dialog).toHaveTextContent(
      /rolled out again with the same inputs and template version 1\.2\.0/,
    );
    await cancelThenConfirm(dialog, 'Redeploy', api.redeployEnvironment);
    // Through the ToastApi, not the deprecated AlertApi.
    await waitFor(() =>
      expect(toastApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          title: 'Redeploying checkout-pr-42',
          status: 'success',
        }),
      ),
    );
  });

  it('disables the actions the permission policy denies, with the reason', async () => {
    const permissionApi = permissionApiDenying(environmentDeletePermission);
    const authorize = jest.spyOn(permissionApi, 'authorize');
    await renderCard(mockEnvironmentsApi(), { permissionApi });
    await screen.findByRole('status');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Destroy checkout-pr-42' }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByRole('button', { name: 'Extend checkout-pr-42' }),
    ).toBeEnabled();
    expect(
      screen.getByText('You are not allowed to destroy this environment.'),
    ).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({ name: 'environment.delete' }),
        resourceRef: 'env-1',
      }),
    );
  });

  it('disables every action when updates and deletes are denied', async () => {
    await renderCard(mockEnvironmentsApi(), {
      permissionApi: mockApis.permission({ authorize: AuthorizeResult.DENY }),
    });
    await screen.findByText(
      'You are not allowed to change or destroy this environment.',
    );
    for (const name of [/^Redeploy/, /^Upgrade/, /^Extend/, /^Destroy/]) {
      expect(screen.getByRole('button', { name })).toBeDisabled();
    }
  });

  it('extends the environment by the lifetime chosen, up to the template maximum', async () => {
    const api = mockEnvironmentsApi();
    await renderCard(api);
    const dialog = await openDialog('Extend');
    expect(dialog).toHaveTextContent('allows at most 1d');
    // The template's default lifetime is preselected.
    expect(
      within(dialog).getByRole('button', { name: /8h/ }),
    ).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: /8h/ }));
    // It has 3h 30m left: an hour from now would shorten it, so that
    // choice is offered disabled, with the reason.
    const options = screen.getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      '1h — shorter than the time left',
      '4h',
      '8h',
      '1d',
    ]);
    expect(options[0]).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(screen.getByRole('option', { name: '1d' }));
    // The expiry the choice gives is shown before confirming.
    const inADay = new Date(Date.now() + 24 * 3600_000);
    expect(within(dialog).getByRole('status')).toHaveTextContent(
      `After extending: ${inADay.toLocaleDateString(undefined, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
      })}`,
    );
    await clickIn(dialog, 'Extend');
    expect(api.extendEnvironment).toHaveBeenCalledWith('env-1', 'P1D');
    await dialogClosed();
  });

  it('destroys the environment only after confirmation', async () => {
    const api = mockEnvironmentsApi();
    await renderCard(api);
    const dialog = await openDialog('Destroy');
    expect(dialog).toHaveTextContent('Destroy checkout-pr-42?');
    await cancelThenConfirm(dialog, 'Destroy', api.destroyEnvironment);
  });

  it('reports a failed action instead of swallowing it', async () => {
    const api = mockEnvironmentsApi({
      redeployEnvironment: jest
        .fn()
        .mockRejectedValue(new Error('environment is being destroyed')),
    });
    await renderCard(api);
    await clickIn(await openDialog('Redeploy'), 'Redeploy');
    expect(api.redeployEnvironment).toHaveBeenCalledWith('env-1');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not redeploy checkout-pr-42: environment is being destroyed',
    );
  });
});

describe('EnvironmentOverviewCard live updates', () => {
  let visibility: DocumentVisibilityState = 'visible';
  beforeAll(() => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => visibility,
    });
  });
  afterEach(() => {
    visibility = 'visible';
    jest.useRealTimers();
  });

  /** Renders the card on fake timers with the environment in `phase`. */
  async function renderPolling(phase: EnvironmentPhase) {
    jest.useFakeTimers();
    const getEnvironment = jest.fn().mockResolvedValue(makeEnvironment(phase));
    await renderCard(mockEnvironmentsApi({ getEnvironment }));
    await screen.findByRole('status');
    return getEnvironment;
  }

  function setVisibility(next: DocumentVisibilityState) {
    visibility = next;
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
  }

  it('shows a phase change within one poll, without a reload', async () => {
    jest.useFakeTimers();
    const getEnvironment = jest
      .fn()
      .mockResolvedValueOnce(makeEnvironment('Provisioning'))
      .mockResolvedValue(makeEnvironment('Ready'));
    await renderCard(mockEnvironmentsApi({ getEnvironment }));
    expect(await screen.findByRole('status')).toHaveTextContent('Provisioning');
    await advance(3000);
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Ready'),
    );
  });

  it('does not poll while the tab is hidden, and catches up when shown', async () => {
    const getEnvironment = await renderPolling('Provisioning');
    expect(getEnvironment).toHaveBeenCalledTimes(1);

    setVisibility('hidden');
    await advance(30_000);
    expect(getEnvironment).toHaveBeenCalledTimes(1);

    getEnvironment.mockResolvedValue(makeEnvironment('Ready'));
    setVisibility('visible');
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Ready'),
    );
    expect(getEnvironment).toHaveBeenCalledTimes(2);
  });

  it('stops polling once the environment is Destroyed', async () => {
    const getEnvironment = await renderPolling('Destroyed');
    await advance(15_000);
    expect(getEnvironment).toHaveBeenCalledTimes(1);
  });

  describe("keeps the page's entity in step with the environment", () => {
    /** The card on a page whose entity says `entityPhase`. */
    async function renderOnPage(
      entityPhase: EnvironmentPhase,
      livePhase: EnvironmentPhase,
      { inCatalog = true }: { inCatalog?: boolean } = {},
    ) {
      jest.useFakeTimers();
      const refresh = jest.fn();
      const entity = {
        ...environmentEntity,
        metadata: {
          ...environmentEntity.metadata,
          labels: { 'envkit.io/phase': entityPhase },
        },
      };
      await renderWithApis(
        <AsyncEntityProvider entity={entity} loading={false} refresh={refresh}>
          <EnvironmentOverviewCard />
        </AsyncEntityProvider>,
        {
          api: mockEnvironmentsApi({
            getEnvironment: jest
              .fn()
              .mockResolvedValue(makeEnvironment(livePhase)),
          }),
          catalogEntities: inCatalog ? [entity] : [],
        },
      );
      expect(await screen.findByRole('status')).toHaveTextContent(livePhase);
      return refresh;
    }

    it('reads the entity again while its phase label lags behind', async () => {
      const refresh = await renderOnPage('Provisioning', 'Ready');
      await advance(ENTITY_FOLLOW_DELAY_MS + 10);
      expect(refresh).toHaveBeenCalled();
    });

    it('leaves an entity that agrees alone', async () => {
      const agreeing = await renderOnPage('Ready', 'Ready');
      await advance(ENTITY_FOLLOW_DELAY_MS * 4);
      expect(agreeing).not.toHaveBeenCalled();
    });

    it('follows an environment being destroyed while its entity exists', async () => {
      const destroying = await renderOnPage('Ready', 'Destroying');
      await advance(ENTITY_FOLLOW_DELAY_MS + 10);
      expect(destroying).toHaveBeenCalled();
    });

    it.each(['Destroying', 'Destroyed'] as const)(
      'keeps the last entity on the page once the catalog has dropped it (%s)',
      async live => {
        const gone = await renderOnPage('Ready', live, { inCatalog: false });
        await advance(ENTITY_FOLLOW_DELAY_MS * 4);
        expect(gone).not.toHaveBeenCalled();
      },
    );
  });

  it('shows a Sleeping environment with its schedule and cost, and wakes it with Wake now', async () => {
    const sleeping = {
      ...makeEnvironment('Sleeping', {
        spec: {
          schedule: {
            timeZone: 'Europe/Berlin',
            awake: [
              {
                days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
                from: '08:00',
                to: '20:00',
              },
            ],
          },
        },
      }),
      cost: { currency: 'USD' as const, accrued: 12.5, projectedMonthly: 42.5 },
    };
    const api = await renderCardOf(sleeping);
    expect(
      await screen.findByText(
        /Awake Mon, Tue, Wed, Thu, Fri 08:00–20:00 \(Europe\/Berlin\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/\$12\.50 so far/)).toBeInTheDocument();
    expect(
      screen.getByText(/\$42\.50 a month on its schedule/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Wake checkout-pr-42 now' }),
    );
    expect(api.wakeEnvironment).toHaveBeenCalledWith('env-1');
    await userEvent.click(
      screen.getByRole('button', { name: 'Keep checkout-pr-42 awake tonight' }),
    );
    expect(api.wakeEnvironment).toHaveBeenCalledWith('env-1', {
      tonight: true,
    });
  });

  it('offers Wake now only while asleep, and no sleep actions without a schedule', async () => {
    await renderCard();
    await screen.findByRole('button', { name: 'Redeploy checkout-pr-42' });
    expect(
      screen.queryByRole('button', { name: 'Wake checkout-pr-42 now' }),
    ).not.toBeInTheDocument();
  });
});
