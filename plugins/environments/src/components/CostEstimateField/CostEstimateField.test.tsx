import { screen, waitFor, within } from '@testing-library/react';
import type { CostEstimate } from '@envkit/plugin-environments-common';
import { mockEnvironmentsApi } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { CostEstimateField } from './CostEstimateField';

const estimate: CostEstimate = {
  currency: 'USD',
  monthly: 89.43,
  lines: [
    {
      resource: 'service',
      item: 'Fargate vCPU (Service)',
      quantity: 365,
      unit: 'vCPU-hour',
      unitPrice: 0.04048,
      monthly: 14.78,
      whileRunning: true,
      assumption: '1 task running all month',
    },
    {
      resource: 'service',
      item: 'Application Load Balancer (LoadBalancer)',
      quantity: 730,
      unit: 'ALB-hour',
      unitPrice: 0.0225,
      monthly: 16.43,
      whileRunning: false,
    },
  ],
  priceLists: [
    {
      name: 'AWS on-demand list prices',
      region: 'us-east-1',
      date: '2024-10-01',
      sources: ['https://aws.amazon.com/fargate/pricing/'],
    },
  ],
  notEstimated: [{ resource: 'dns', reason: 'no list price' }],
};

function renderField(
  formData: Record<string, unknown>,
  options: Record<string, unknown>,
  api = mockEnvironmentsApi({
    previewEnvironment: jest.fn().mockResolvedValue({
      environment: {},
      resources: [],
      estimate,
    }),
  }),
) {
  const props: any = {
    schema: { title: 'Estimated cost', type: 'string' },
    uiSchema: { 'ui:options': options },
    formContext: { formData },
    formData: undefined,
    onChange: jest.fn(),
    idSchema: { $id: 'root_costEstimate' },
    rawErrors: [],
    required: false,
    disabled: false,
    readonly: false,
  };
  return {
    api,
    rendered: renderWithApis(<CostEstimateField {...props} />, { api }),
  };
}

describe('CostEstimateField', () => {
  it('prices what the form describes and shows it line by line, with what it leaves out', async () => {
    const { api, rendered } = renderField(
      { name: 'shop-dev', inputs: { cpu: '512' }, ttl: 'P1D' },
      { templateRef: 'environmenttemplate:default/ecs-web-service' },
    );
    await rendered;
    const region = await screen.findByRole('region', {
      name: 'Estimated cost',
    });
    expect(
      await within(region).findByText('About $89.43 a month'),
    ).toBeInTheDocument();
    expect(api.previewEnvironment).toHaveBeenCalledWith({
      name: 'shop-dev',
      templateRef: 'environmenttemplate:default/ecs-web-service',
      inputs: { cpu: '512' },
      ttl: 'P1D',
    });
    const table = within(region).getByRole('table', { name: 'Cost estimate' });
    expect(table).toHaveTextContent('Fargate vCPU (Service) (while running)');
    expect(table).toHaveTextContent('$16.43');
    expect(region).toHaveTextContent('Not included: dns (no list price)');
    expect(region).toHaveTextContent(
      'AWS on-demand list prices, us-east-1, read 2024-10-01',
    );
  });

  it('reads the inputs of a hand-written form from the fields it names', async () => {
    const { api, rendered } = renderField(
      {
        name: 'shop-dev',
        imageLocation: 'nginx:1.27',
        containerPort: 80,
        ttl: '',
      },
      {
        templateRef: 'environmenttemplate:default/ecs-web-service',
        inputs: ['imageLocation', 'containerPort', 'cpu'],
      },
    );
    await rendered;
    await waitFor(() =>
      expect(api.previewEnvironment).toHaveBeenCalledWith({
        name: 'shop-dev',
        templateRef: 'environmenttemplate:default/ecs-web-service',
        inputs: { imageLocation: 'nginx:1.27', containerPort: 80 },
      }),
    );
  });

  it('says why there is no estimate when the preview refuses the form', async () => {
    const api = mockEnvironmentsApi({
      previewEnvironment: jest
        .fn()
        .mockRejectedValue(
          new Error("InputError: inputs.cpu: must be one of '256', '512'"),
        ),
    });
    const { rendered } = renderField(
      { name: 'shop-dev', inputs: { cpu: '3' } },
      { templateRef: 'environmenttemplate:default/ecs-web-service' },
      api,
    );
    await rendered;
    expect(
      await screen.findByText(
        "No estimate yet: inputs.cpu: must be one of '256', '512'",
      ),
    ).toBeInTheDocument();
  });
});
