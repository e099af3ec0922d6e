import { Entity } from '@backstage/catalog-model';
import { screen, within } from '@testing-library/react';
import {
  makeEnvironment,
  mockEnvironmentsApi,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { EnvironmentTemplateOverview } from './EnvironmentTemplateOverview';

const template: Entity = {
  apiVersion: 'envkit.io/v1alpha1',
  kind: 'EnvironmentTemplate',
  metadata: { name: 'ecs-web-service', namespace: 'default', title: 'ECS' },
  spec: {
    type: 'ecs',
    version: '1.2.0',
    owner: 'group:default/platform',
    parameters: {
      required: ['image'],
      properties: {
        image: { type: 'string', title: 'Container image' },
        size: {
          type: 'string',
          enum: ['small', 'large'],
          default: 'small',
          'envkit:policy': 'restricted',
        },
        region: {
          type: 'string',
          default: 'us-east-1',
          'envkit:policy': 'locked',
        },
        token: { type: 'string', default: 'abc', secret: true },
      },
    },
    resources: [
      { name: 'service', driver: 'aws-cloudformation', dependsOn: ['network'] },
      { name: 'network', driver: 'aws-cloudformation' },
    ],
    outputs: {},
    guardrails: {
      ttl: { default: 'PT8H', max: 'P7D' },
      maxEnvironmentsPerOwner: 3,
      approval: { required: 'always', approvers: 'group:default/platform' },
    },
  },
};

const generated: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'create-ecs-web-service',
    namespace: 'default',
    title: 'New ECS environment',
    annotations: {
      'envkit.io/environment-template':
        'environmenttemplate:default/ecs-web-service',
    },
  },
  spec: {},
};

const env = (id: string, version: string, phase = 'Ready' as const) =>
  makeEnvironment(phase, { id, spec: { templateVersion: version } });

async function renderTemplate() {
  const api = mockEnvironmentsApi({
    listEnvironments: jest.fn().mockResolvedValue({
      items: [
        env('a', '1.2.0'),
        env('b', '1.0.0'),
        env('c', '1.1.0'),
        makeEnvironment('Destroyed', {
          id: 'd',
          spec: { templateVersion: '0.9.0' },
        }),
      ],
      totalCount: 4,
    }),
  });
  await renderWithApis(<EnvironmentTemplateOverview />, {
    api,
    entity: template,
    catalogEntities: [generated],
  });
  return api;
}

describe('EnvironmentTemplateOverview', () => {
  it('shows the version and each parameter with its policy and default, never a secret default', async () => {
    await renderTemplate();
    expect(
      screen.getByText('Environment template, version 1.2.0'),
    ).toBeInTheDocument();
    const params = screen.getByRole('table', { name: 'Parameters' });
    const row = (text: string) =>
      within(params).getAllByText(text)[0].closest('tr') as HTMLElement;
    expect(row('Container image')).toHaveTextContent('image · required');
    expect(row('Container image')).toHaveTextContent(
      'Overridable: any valid value',
    );
    expect(row('size')).toHaveTextContent(
      'Restricted: one of the listed valuessmallsmall, large',
    );
    expect(row('region')).toHaveTextContent(
      'Locked: always the defaultus-east-1',
    );
    expect(row('token')).toHaveTextContent('hidden');
    expect(params).not.toHaveTextContent('abc');
  });

  it('lists the resources in the order they are applied, with their dependencies', async () => {
    await renderTemplate();
    const rows = within(
      screen.getByRole('table', { name: 'Resources' }),
    ).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('1networkaws-cloudformation—service');
    expect(rows[2]).toHaveTextContent('2serviceaws-cloudformationnetwork—');
  });

  it('states the guardrails in words', async () => {
    await renderTemplate();
    expect(screen.getByText('8h (PT8H)')).toBeInTheDocument();
    expect(screen.getByText('7d (P7D)')).toBeInTheDocument();
    expect(screen.getByText('at most 3')).toBeInTheDocument();
    expect(screen.getByText(/every new environment/)).toBeInTheDocument();
  });

  it('counts the live environments by version and how many are outdated', async () => {
    const api = await renderTemplate();
    expect(
      await screen.findByText('3 environments, 2 on an older version.'),
    ).toBeInTheDocument();
    expect(api.listEnvironments).toHaveBeenCalledWith({
      template: 'environmenttemplate:default/ecs-web-service',
    });
    const rows = within(
      screen.getByRole('table', { name: 'Environments by version' }),
    ).getAllByRole('row');
    expect(rows.map(r => r.textContent)).toEqual([
      'VersionEnvironmentsState',
      '1.2.01Current',
      '1.1.01Outdated: can be upgraded to 1.2.0',
      '1.0.01Outdated: can be upgraded to 1.2.0',
    ]);
  });

  it('links the software template generated from it', async () => {
    await renderTemplate();
    expect(
      await screen.findByRole('link', { name: 'New ECS environment' }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/create-ecs-web-service',
    );
  });
});
