import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockApis } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Environment } from '@envkit/plugin-environments-common';
import {
  makeEnvironment,
  environmentEntity,
  mockEnvironmentsApi,
} from '../../__testUtils__/fixtures';
import { mockToastApi, renderWithApis } from '../../__testUtils__/render';
import { EnvironmentOverviewCard } from './EnvironmentOverviewCard';

const entity = environmentEntity();

/** An environment whose template has every kind of input. */
function withInputs(phase: Environment['status']['phase'] = 'Ready') {
  const env = makeEnvironment(phase);
  env.spec.templateSnapshot = {
    ...env.spec.templateSnapshot,
    parameters: {
      required: ['image'],
      properties: {
        image: { type: 'string', title: 'Container image', minLength: 3 },
        port: {
          type: 'integer',
          title: 'Container port',
          default: 8080,
          minimum: 1,
          maximum: 65535,
        },
        size: {
          type: 'string',
          title: 'Size',
          enum: ['small', 'large'],
          default: 'small',
          'envkit:policy': 'restricted',
        },
        region: {
          type: 'string',
          title: 'Region',
          default: 'us-east-1',
          'envkit:policy': 'locked',
        },
        apiKey: { type: 'string', title: 'API key', secret: true },
      },
    },
  };
  env.spec.inputs = {
    image: 'nginx:1.27',
    port: 80,
    size: 'small',
    region: 'us-east-1',
  };
  env.spec.secretInputs = ['apiKey'];
  return env;
}

async function renderInputs(
  env: Environment,
  options: { permissionApi?: any } = {},
) {
  const api = mockEnvironmentsApi({
    getEnvironment: jest.fn().mockResolvedValue(env),
    updateEnvironmentInputs: jest.fn().mockResolvedValue(env),
  });
  const toastApi = mockToastApi();
  await renderWithApis(<EnvironmentOverviewCard />, {
    api,
    entity,
    toastApi,
    permissionApi: options.permissionApi,
  });
  const table = await screen.findByRole('table', { name: 'Inputs' });
  return { api, toastApi, table };
}

describe('Inputs section', () => {
  it('shows every input with its value and policy, and never a secret', async () => {
    const { table } = await renderInputs(withInputs());
    const row = (title: string) =>
      within(table).getByText(title).closest('tr') as HTMLElement;
    expect(row('Container image')).toHaveTextContent('nginx:1.27');
    expect(row('Container port')).toHaveTextContent('80');
    expect(row('Size')).toHaveTextContent('One of a list');
    expect(row('Region')).toHaveTextContent('us-east-1Locked');
    expect(row('API key')).toHaveTextContent('Secret: never shown');
  });

  it('shows what will change before applying, and sends only the changes', async () => {
    const { api, toastApi } = await renderInputs(withInputs());
    await userEvent.click(
      screen.getByRole('button', { name: 'Edit inputs of checkout-pr-42' }),
    );
    const dialog = await screen.findByRole('dialog');
    // Locked and secret inputs cannot be edited here.
    expect(within(dialog).queryByLabelText('Region')).not.toBeInTheDocument();
    expect(within(dialog).queryByLabelText('API key')).not.toBeInTheDocument();
    const changes = within(dialog).getByRole('status', {
      name: 'What will change',
    });
    expect(changes).toHaveTextContent('Nothing yet.');
    expect(
      within(dialog).getByRole('button', { name: 'Apply' }),
    ).toBeDisabled();

    const image = within(dialog).getByLabelText('Container image');
    await userEvent.clear(image);
    await userEvent.type(image, 'nginx:1.28');
    expect(changes).toHaveTextContent(
      'Container image: nginx:1.27 → nginx:1.28',
    );
    expect(api.updateEnvironmentInputs).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Apply 1 change' }),
    );
    expect(api.updateEnvironmentInputs).toHaveBeenCalledWith('env-1', {
      image: 'nginx:1.28',
    });
    await waitFor(() =>
      expect(toastApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          title: 'Changing the inputs of checkout-pr-42',
        }),
      ),
    );
  });

  it('refuses a value the template does not allow, naming the input by its title', async () => {
    const { api } = await renderInputs(withInputs());
    await userEvent.click(
      screen.getByRole('button', { name: 'Edit inputs of checkout-pr-42' }),
    );
    const dialog = await screen.findByRole('dialog');
    const port = within(dialog).getByLabelText('Container port');
    await userEvent.clear(port);
    await userEvent.type(port, '70000');
    expect(
      within(dialog).getByRole('status', { name: 'What will change' }),
    ).toHaveTextContent(/Container port: must be at most 65535/);
    expect(
      within(dialog).getByRole('button', { name: 'Apply 1 change' }),
    ).toBeDisabled();
    expect(api.updateEnvironmentInputs).not.toHaveBeenCalled();
  });

  it('offers no Edit once the environment is on its way out', async () => {
    await renderInputs(withInputs('Destroying'));
    expect(
      screen.queryByRole('button', { name: 'Edit inputs of checkout-pr-42' }),
    ).not.toBeInTheDocument();
  });

  it('disables Edit when the policy denies changes', async () => {
    await renderInputs(withInputs(), {
      permissionApi: mockApis.permission({
        authorize: AuthorizeResult.DENY,
      }),
    });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Edit inputs of checkout-pr-42' }),
      ).toBeDisabled(),
    );
  });
});
