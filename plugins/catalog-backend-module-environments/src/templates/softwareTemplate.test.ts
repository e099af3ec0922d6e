import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { ecsTemplate, namespaceTemplate } from '../__fixtures__/templates';
import {
  environmentTemplateToSoftwareTemplate,
  generatedTemplateName,
} from './softwareTemplate';

describe('environmentTemplateToSoftwareTemplate', () => {
  it.each([
    ['an ECS template', ecsTemplate()],
    ['a namespace template', namespaceTemplate()],
  ])(
    'generates a Template the scaffolder accepts from %s',
    async (_, source) => {
      const template = environmentTemplateToSoftwareTemplate(source);

      await expect(
        templateEntityV1beta3Validator.check(template),
      ).resolves.toBe(true);
    },
  );

  it('turns the inputs into a form: required kept, restricted as enum, locked read-only', () => {
    const template = environmentTemplateToSoftwareTemplate(ecsTemplate());
    const [environmentPage, settingsPage] = (template.spec as any).parameters;

    expect(environmentPage.required).toEqual(['name']);
    expect(environmentPage.properties.component['ui:field']).toBe(
      'EntityPicker',
    );
    expect(environmentPage.properties.ttl.default).toBe('PT4H');
    const inputs = settingsPage.properties.inputs;
    expect(inputs.required).toEqual(['imageLocation']);
    expect(inputs.properties.containerPort).toEqual({
      type: 'integer',
      title: 'Port',
      default: 8080,
      minimum: 1,
      maximum: 65535,
    });
    expect(inputs.properties.cpu).toEqual({
      type: 'string',
      enum: ['256', '512'],
      default: '256',
    });
    expect(inputs.properties.region).toMatchObject({
      default: 'eu-west-1',
      'ui:disabled': true,
    });
    expect(inputs.properties.region['envkit:policy']).toBeUndefined();
  });

  it('ends the form with a read-only cost estimate of this template that the step never reads', () => {
    const template = environmentTemplateToSoftwareTemplate(ecsTemplate());
    const spec = template.spec as any;
    const costPage = spec.parameters[spec.parameters.length - 1];
    expect(costPage.title).toBe('Cost');
    expect(costPage.properties.costEstimate).toMatchObject({
      'ui:field': 'EnvironmentCostEstimate',
      'ui:options': {
        templateRef: 'environmenttemplate:default/web-on-ecs',
      },
      'ui:backstage': { review: { show: false } },
    });
    expect(JSON.stringify(spec.steps)).not.toContain('costEstimate');
  });

  it('calls the action for the template type with every parameter wired', () => {
    const ecs = environmentTemplateToSoftwareTemplate(ecsTemplate())
      .spec as any;
    const ns = environmentTemplateToSoftwareTemplate(namespaceTemplate())
      .spec as any;
    const other = environmentTemplateToSoftwareTemplate({
      ...namespaceTemplate(),
      spec: { ...namespaceTemplate().spec, type: 'database' },
    }).spec as any;

    expect(ecs.steps).toEqual([
      {
        id: 'environment',
        name: 'Create Web service on ECS environment',
        action: 'env:create-ecs',
        input: {
          name: '${{ parameters.name }}',
          templateRef: 'environmenttemplate:default/web-on-ecs',
          inputs: '${{ parameters.inputs }}',
          component: '${{ parameters.component }}',
          ttl: '${{ parameters.ttl }}',
        },
      },
    ]);
    expect(ns.steps[0].action).toBe('env:create-namespace');
    expect(other.steps[0].action).toBe('env:create');
    expect(ecs.output.links).toEqual([
      {
        title: 'Open endpoint',
        url: '${{ steps.environment.output.endpoint }}',
      },
      {
        title: 'Environment in the catalog',
        icon: 'catalog',
        entityRef: '${{ steps.environment.output.entityRef }}',
      },
    ]);
  });

  it('keeps secret inputs out of the task parameters: a Secret field, passed from the secrets', async () => {
    const source = ecsTemplate();
    source.spec.parameters.properties.dbPassword = {
      type: 'string',
      title: 'Database password',
      secret: true,
      'ui:widget': 'password',
    };
    const template = environmentTemplateToSoftwareTemplate(source);
    const spec = template.spec as any;

    expect(spec.parameters[1].properties.inputs.properties.dbPassword).toEqual({
      type: 'string',
      title: 'Database password',
      'ui:field': 'Secret',
    });
    expect(spec.steps[0].input.secretInputs).toEqual({
      dbPassword: '${{ secrets["dbPassword"] }}',
    });
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
  });

  it('lists who may use a restricted template, in a form the scaffolder accepts', async () => {
    const restricted = environmentTemplateToSoftwareTemplate({
      ...ecsTemplate(),
      spec: {
        ...ecsTemplate().spec,
        guardrails: {
          allowedUsers: ['jane'],
          allowedGroups: ['team-payments', 'group:default/ops'],
        },
      },
    });

    expect((restricted.spec as any).envkit).toEqual({
      audience: [
        'user:default/jane',
        'group:default/team-payments',
        'group:default/ops',
      ],
    });
    await expect(
      templateEntityV1beta3Validator.check(restricted),
    ).resolves.toBe(true);
    // Open to everyone: no audience at all.
    expect(
      (environmentTemplateToSoftwareTemplate(ecsTemplate()).spec as any).envkit,
    ).toBeUndefined();
  });

  it('names the Template after its source and keeps long names valid', () => {
    expect(generatedTemplateName('web-on-ecs')).toBe('create-web-on-ecs');
    const long = generatedTemplateName('x'.repeat(63));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).not.toBe(generatedTemplateName(`${'x'.repeat(62)}y`));
  });
});
