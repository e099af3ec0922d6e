import { mockApis } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentAccessPermission } from '@envkit/plugin-environments-common';
import {
  makeEnvironment,
  makeNamespaceEnvironment,
  environmentEntity,
  mockEnvironmentsApi,
} from '../../__testUtils__/fixtures';
import {
  permissionApiDenying,
  renderWithApis,
} from '../../__testUtils__/render';
import { EnvironmentOverviewCard } from './EnvironmentOverviewCard';

const entity = environmentEntity('payments-dev', 'group:default/team-payments');

function renderCard(
  api = mockEnvironmentsApi({
    getEnvironment: jest.fn().mockResolvedValue(makeNamespaceEnvironment()),
  }),
  permissionApi = mockApis.permission(),
) {
  return renderWithApis(<EnvironmentOverviewCard />, {
    api,
    entity,
    permissionApi,
  });
}

/** The cells of the quota table's row for `key`: [key, used, limit]. */
function quotaRow(key: string) {
  const table = screen.getByRole('table', { name: 'Quota usage' });
  const row = within(table)
    .getAllByRole('row')
    .find(r => within(r).queryAllByRole('cell')[0]?.textContent === key);
  return row
    ? within(row)
        .getAllByRole('cell')
        .map(c => c.textContent)
    : undefined;
}

describe('EnvironmentOverviewCard of a namespace environment', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('shows quota usage and ready replicas, and the usage moves when a pod is added', async () => {
    jest.useFakeTimers();
    const getEnvironment = jest
      .fn()
      .mockResolvedValueOnce(makeNamespaceEnvironment('Ready'))
      .mockResolvedValue(
        makeNamespaceEnvironment('Ready', {
          used: {
            pods: '3',
            'requests.cpu': '300m',
            'requests.memory': '384Mi',
          },
        }),
      );
    await renderCard(mockEnvironmentsApi({ getEnvironment }));
    await screen.findByRole('table', { name: 'Quota usage' });
    expect(quotaRow('pods')).toEqual(['pods', '2', '10']);
    expect(quotaRow('requests.cpu')).toEqual(['requests.cpu', '200m', '2']);
    expect(screen.getByLabelText('Ready replicas')).toHaveTextContent(
      '2 of 2 replicas ready',
    );

    await act(async () => {
      jest.advanceTimersByTime(3000);
    });
    await waitFor(() => expect(quotaRow('pods')).toEqual(['pods', '3', '10']));
    expect(quotaRow('requests.memory')).toEqual([
      'requests.memory',
      '384Mi',
      '4Gi',
    ]);
  });

  it('shows ready replicas below the desired count while a rollout runs', async () => {
    await renderCard(
      mockEnvironmentsApi({
        getEnvironment: jest
          .fn()
          .mockResolvedValue(
            makeNamespaceEnvironment('Updating', { readyReplicas: 1 }),
          ),
      }),
    );
    expect(await screen.findByLabelText('Ready replicas')).toHaveTextContent(
      '1 of 2 replicas ready',
    );
  });

  it('lists every object the driver manages with its state, breaking lines only between words', async () => {
    await renderCard();
    const table = await screen.findByRole('table', {
      name: 'Objects of namespace',
    });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row =>
        within(row)
          .getAllByRole('cell')
          .map(c => c.textContent),
      );
    expect(rows).toEqual([
      ['Namespace', 'env-payments-dev', 'Ready'],
      ['ResourceQuota', 'envkit-quota', 'Ready'],
      ['LimitRange', 'envkit-limits', 'Ready'],
      ['NetworkPolicy', 'envkit-network', 'Changed outside Envkit'],
      ['RoleBinding', 'envkit-admins', 'Ready'],
      ['ServiceAccount', 'envkit-access', 'Ready'],
      ['Deployment', 'workload', 'Ready, 2 of 2 replicas'],
      ['Service', 'workload', 'Ready'],
      ['Ingress', 'workload', 'Waiting for an address'],
    ]);
    for (const cell of within(table).getAllByRole('cell')) {
      expect(cell.style.wordBreak).toBe('normal');
      expect(cell.style.overflowWrap).toBe('normal');
    }
  });

  it('offers copyable kubectl commands for the namespace', async () => {
    await renderCard();
    expect(
      await screen.findByText(
        /kubectl --kubeconfig payments-dev\.kubeconfig get pods -n env-payments-dev/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /kubectl --kubeconfig payments-dev\.kubeconfig logs deployment\/workload -n env-payments-dev/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /copy/i })).toBeInTheDocument();
  });

  it('downloads <name>.kubeconfig and says when its token expires', async () => {
    const saved: { blob?: Blob; fileName?: string } = {};
    const createObjectURL = jest.fn((blob: Blob) => {
      saved.blob = blob;
      return 'blob:kubeconfig';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function click(this: HTMLAnchorElement) {
        saved.fileName = this.download;
      });
    const api = mockEnvironmentsApi({
      getEnvironment: jest.fn().mockResolvedValue(makeNamespaceEnvironment()),
    });
    await renderCard(api);

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Download kubeconfig for payments-dev',
      }),
    );

    await screen.findByText(
      /Saved payments-dev\.kubeconfig\. Its token expires/,
    );
    expect(api.getEnvironmentKubeconfig).toHaveBeenCalledWith('env-1');
    expect(saved.fileName).toBe('payments-dev.kubeconfig');
    expect(saved.blob?.size).toBe('apiVersion: v1\nkind: Config\n'.length);
  });

  it('says why the download failed', async () => {
    const api = mockEnvironmentsApi({
      getEnvironment: jest.fn().mockResolvedValue(makeNamespaceEnvironment()),
      getEnvironmentKubeconfig: jest
        .fn()
        .mockRejectedValue(new Error('the cluster refused the token request')),
    });
    await renderCard(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Download kubeconfig for payments-dev',
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not get a kubeconfig for payments-dev: the cluster refused the token request',
    );
  });

  it('tells a caller without environment.access that they cannot connect', async () => {
    const permissionApi = permissionApiDenying(environmentAccessPermission);
    const api = mockEnvironmentsApi({
      getEnvironment: jest.fn().mockResolvedValue(makeNamespaceEnvironment()),
    });
    await renderCard(api, permissionApi);
    expect(
      await screen.findByText(/You cannot connect to namespace/),
    ).toHaveTextContent('environment.access');
    expect(
      screen.queryByRole('button', { name: /Download kubeconfig/ }),
    ).not.toBeInTheDocument();
    expect(api.getEnvironmentKubeconfig).not.toHaveBeenCalled();
  });

  it('waits for the namespace before offering a kubeconfig', async () => {
    await renderCard(
      mockEnvironmentsApi({
        getEnvironment: jest
          .fn()
          .mockResolvedValue(makeNamespaceEnvironment('Provisioning')),
      }),
    );
    expect(
      await screen.findByRole('button', {
        name: 'Download kubeconfig for payments-dev',
      }),
    ).toBeDisabled();
    expect(
      screen.getByText(
        'The namespace can be reached once payments-dev is Ready.',
      ),
    ).toBeInTheDocument();
  });

  it('shows no namespace sections for other environments', async () => {
    await renderCard(
      mockEnvironmentsApi({
        getEnvironment: jest.fn().mockResolvedValue(makeEnvironment('Ready')),
      }),
    );
    await screen.findByText('checkout-pr-42');
    expect(screen.queryByText('Connect')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Quota usage' }),
    ).not.toBeInTheDocument();
  });
});
