import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import Ajv from 'ajv';
import {
  ecsTemplate,
  ecsTemplateWith,
  namespaceTemplate,
} from '../__fixtures__/templates';
import {
  environmentTemplateToSoftwareTemplate,
  generatedTemplateName,
} from './softwareTemplate';

const ajv = new Ajv();

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

  it('turns the inputs into titled top-level fields: required kept, restricted as enum, locked read-only', () => {
    const template = environmentTemplateToSoftwareTemplate(ecsTemplate());
    const [environmentPage, settingsPage] = (template.spec as any).parameters;

    expect(environmentPage.required).toEqual(['name']);
    expect(settingsPage.title).toBe('Web service on ECS settings');
    expect(settingsPage.required).toEqual(['imageLocation']);
    expect(settingsPage.properties.inputs).toBeUndefined();
    expect(settingsPage.properties.containerPort).toEqual({
      type: 'integer',
      title: 'Port',
      default: 8080,
      minimum: 1,
      maximum: 65535,
      'ui:options': { inputType: 'text' },
      errorMessage: {
        type: 'must be a whole number',
        minimum: 'must be at least 1',
        maximum: 'must be at most 65535',
      },
    });
    expect(settingsPage.properties.cpu).toMatchObject({
      type: 'string',
      enum: ['256', '512'],
      default: '256',
      errorMessage: { enum: 'must be one of 256, 512' },
    });
    expect(settingsPage.properties.region).toMatchObject({
      default: 'eu-west-1',
      'ui:disabled': true,
    });
    expect(settingsPage.properties.region['envkit:policy']).toBeUndefined();
  });

  it('words every rule of a field instead of showing its regular expression', () => {
    const source = ecsTemplate();
    source.spec.parameters.properties.imageLocation = {
      type: 'string',
      title: 'Image',
      description: 'An image reference such as nginx:1.27',
      pattern: '^[a-z0-9][a-z0-9./:-]*$',
      maxLength: 512,
    };
    const [environmentPage, settingsPage] = (
      environmentTemplateToSoftwareTemplate(source).spec as any
    ).parameters;

    expect(settingsPage.properties.imageLocation.errorMessage).toEqual({
      type: 'must be text',
      minLength: 'is required',
      maxLength: 'must be at most 512 characters',
      pattern:
        'is not in the expected form: An image reference such as nginx:1.27',
    });
    expect(environmentPage.properties.name).toMatchObject({
      'ui:field': 'EnvironmentName',
      errorMessage: {
        pattern:
          "may only have lowercase letters, digits and '-', must start with a letter and end with a letter or digit",
      },
    });
    expect(
      JSON.stringify(environmentPage.properties.name.errorMessage),
    ).not.toContain('^');
  });

  it('offers the lifetimes the template allows as a choice in words, and none above its maximum', () => {
    const [environmentPage] = (
      environmentTemplateToSoftwareTemplate(ecsTemplate()).spec as any
    ).parameters;
    expect(environmentPage.properties.ttl).toMatchObject({
      title: 'Lifetime',
      enum: ['PT1H', 'PT4H', 'PT8H', 'P1D', 'P2D'],
      enumNames: ['1 hour', '4 hours', '8 hours', '1 day', '2 days'],
      default: 'PT4H',
    });
    expect(environmentPage.properties.ttl.enum).not.toContain('P3D');
  });

  it('keeps the component as the entity name the review shows, first on the page', () => {
    const [environmentPage] = (
      environmentTemplateToSoftwareTemplate(ecsTemplate()).spec as any
    ).parameters;
    expect(Object.keys(environmentPage.properties)).toEqual([
      'component',
      'name',
      'ttl',
    ]);
    expect(environmentPage.properties.component['ui:options']).toEqual({
      catalogFilter: { kind: 'Component' },
      defaultKind: 'Component',
      defaultNamespace: 'default',
    });
  });

  it('gives every text field a place in the form from the start, so the review keeps form order', () => {
    const [environmentPage, settingsPage] = (
      environmentTemplateToSoftwareTemplate(ecsTemplate()).spec as any
    ).parameters;
    expect(environmentPage.properties.component.default).toBe('');
    expect(environmentPage.properties.name.default).toBe('');
    // Required, without a default: empty is refused as missing.
    expect(settingsPage.properties.imageLocation).toMatchObject({
      default: '',
      minLength: 3,
    });
  });

  it('leaves optional fields out of the review while they are empty, required ones never', () => {
    const [environmentPage, settingsPage, costPage] = (
      environmentTemplateToSoftwareTemplate(ecsTemplate()).spec as any
    ).parameters;
    // The review reads `review.show` from the page's schema resolved with
    // the form's data: a condition per optional field that holds while the
    // field is absent or empty.
    const hiddenWhenEmpty = (page: any) =>
      (page.allOf ?? []).map((condition: any) => {
        const [key] = Object.keys(condition.then.properties);
        expect(condition.then.properties[key]).toEqual({
          'ui:backstage': { review: { show: false } },
        });
        const holds = (data: object) => ajv.validate(condition.if, data);
        expect([
          holds({}),
          holds({ [key]: '' }),
          holds({ [key]: 'x' }),
        ]).toEqual([true, true, false]);
        return key;
      });
    expect(hiddenWhenEmpty(environmentPage)).toEqual(['component', 'ttl']);
    expect(hiddenWhenEmpty(settingsPage)).toEqual(
      Object.keys(settingsPage.properties).filter(
        key => key !== 'imageLocation',
      ),
    );
    // Already out of the review.
    expect(costPage.allOf).toBeUndefined();
  });

  it('says on its card when to pick it: which inputs it lets you set', () => {
    const template = environmentTemplateToSoftwareTemplate(ecsTemplate());
    expect(template.metadata.description).toBe(
      'A container behind a load balancer. Pick this to set every input of the template: Image, Port, cpu.',
    );
  });

  it('renames an input that shares a name with a field of the form, end to end', () => {
    const source = ecsTemplate();
    source.spec.parameters.properties.name = { type: 'string', title: 'App' };
    const spec = environmentTemplateToSoftwareTemplate(source).spec as any;
    expect(spec.parameters[1].properties.input_name.title).toBe('App');
    expect(spec.steps[0].input.inputs.name).toBe(
      '${{ parameters["input_name"] }}',
    );
    expect(spec.steps[0].input.name).toBe('${{ parameters.name }}');
    expect(
      spec.parameters[2].properties.costEstimate['ui:options'].inputs
        .input_name,
    ).toBe('name');
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
        inputs: {
          imageLocation: 'imageLocation',
          containerPort: 'containerPort',
          cpu: 'cpu',
          region: 'region',
        },
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
          inputs: {
            imageLocation: '${{ parameters["imageLocation"] }}',
            containerPort: '${{ parameters["containerPort"] }}',
            cpu: '${{ parameters["cpu"] }}',
            region: '${{ parameters["region"] }}',
          },
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

    expect(spec.parameters[1].properties.dbPassword).toEqual({
      type: 'string',
      title: 'Database password',
      'ui:field': 'Secret',
      errorMessage: { type: 'must be text' },
      default: '',
    });
    expect(spec.steps[0].input.inputs.dbPassword).toBeUndefined();
    expect(spec.steps[0].input.secretInputs).toEqual({
      dbPassword: '${{ secrets["dbPassword"] }}',
    });
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
  });

  it('lists who may use a restricted template, in a form the scaffolder accepts', async () => {
    const restricted = environmentTemplateToSoftwareTemplate(
      ecsTemplateWith({
        guardrails: {
          allowedUsers: ['jane'],
          allowedGroups: ['team-payments', 'group:default/ops'],
        },
      }),
    );

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
