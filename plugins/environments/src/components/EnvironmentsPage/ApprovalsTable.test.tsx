import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeAwaitingApproval,
  makeEnvironment,
  mockEnvironmentsApi,
} from '../../__testUtils__/fixtures';
import { renderWithApis, signedInAs } from '../../__testUtils__/render';
import { EnvironmentsContent } from './EnvironmentsPage';

const priya = signedInAs('user:default/priya', 'group:default/platform-team');

const pendingRequest = () =>
  makeAwaitingApproval({ id: 'env-9', name: 'costly-demo' });

function renderApprovals(api = mockEnvironmentsApi()) {
  return renderWithApis(<EnvironmentsContent />, {
    api,
    extraApis: [priya],
    routeEntries: ['/environments?tab=approvals'],
  });
}

describe('the Approvals tab', () => {
  it('lists the requests waiting for the user and approves one', async () => {
    let pending = [pendingRequest()];
    const api = mockEnvironmentsApi({
      listApprovals: jest.fn(async () => pending),
      approveEnvironment: jest.fn(async () => {
        pending = [];
        return makeEnvironment('Provisioning');
      }),
    });
    await renderApprovals(api);

    expect(screen.getByRole('tab', { name: 'Approvals' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const row = (await screen.findByText('costly-demo')).closest('tr')!;
    expect(within(row).getByText('user:default/guest')).toBeInTheDocument();
    expect(
      within(row).getByText('group:default/platform-team'),
    ).toBeInTheDocument();

    await userEvent.click(
      within(row).getByRole('button', { name: 'Approve costly-demo' }),
    );
    await waitFor(() =>
      expect(api.approveEnvironment).toHaveBeenCalledWith('env-9'),
    );
    expect(
      await screen.findByText('No requests wait for your approval'),
    ).toBeInTheDocument();
  });

  it('rejects only with a reason', async () => {
    const api = mockEnvironmentsApi({
      listApprovals: jest.fn().mockResolvedValue([pendingRequest()]),
    });
    await renderApprovals(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject costly-demo' }),
    );
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Reject' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /reason/i }),
      'Use the shared staging instead',
    );
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(api.rejectEnvironment).toHaveBeenCalledWith(
        'env-9',
        'Use the shared staging instead',
      ),
    );
    expect(api.approveEnvironment).not.toHaveBeenCalled();
  });
});
