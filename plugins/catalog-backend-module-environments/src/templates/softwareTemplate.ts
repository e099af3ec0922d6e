import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  durationLabel,
  EnvironmentTemplateEntity,
  EnvironmentTemplateParameter,
  environmentTemplateAudience,
  lifetimeChoices,
  MAX_ENVIRONMENT_NAME_LENGTH,
  parameterPolicy,
  shortHash,
} from '@envkit/plugin-environments-common';
import {
  GENERATED_TEMPLATES_LOCATION,
  locationAnnotations,
} from '../locations';

/** Annotation on a generated Template naming its EnvironmentTemplate. */
export const ANNOTATION_SOURCE_TEMPLATE = 'envkit.io/environment-template';
/**
 * Where a generated Template lists who may use it (its EnvironmentTemplate's
 * `allowedUsers` and `allowedGroups` as full refs): the path under `spec`,
 * for `hasSpec({ key })` conditions. Absent when the template is open to
 * everyone. A list in `spec` rather than an annotation, because the
 * catalog indexes each item of a list, so a permission condition can match
 * one claim against it; an annotation is a single string.
 *
 * @public
 */
export const TEMPLATE_AUDIENCE_SPEC_KEY = 'envkit.audience';

const ACTION_BY_TYPE: Record<string, string> = {
  ecs: 'env:create-ecs',
  namespace: 'env:create-namespace',
};

/** Name of the Template generated for an EnvironmentTemplate: `create-<name>`. @public */
export function generatedTemplateName(environmentTemplateName: string): string {
  const name = `create-${environmentTemplateName}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54)}-${shortHash(name)}`;
}

/**
 * A message per JSON Schema rule the parameter has, for the form's
 * validator (ajv-errors' `errorMessage`): the scaffolder shows these beside
 * the field's title instead of ajv's "must match pattern ^[a-z]…".
 */
function ruleMessages(parameter: EnvironmentTemplateParameter): JsonObject {
  const messages: JsonObject = {
    type: {
      integer: 'must be a whole number',
      number: 'must be a number',
      boolean: 'must be yes or no',
      string: 'must be text',
    }[parameter.type],
  };
  if (parameter.enum) {
    messages.enum = `must be one of ${parameter.enum.join(', ')}`;
  }
  if (parameter.minimum !== undefined) {
    messages.minimum = `must be at least ${parameter.minimum}`;
  }
  if (parameter.maximum !== undefined) {
    messages.maximum = `must be at most ${parameter.maximum}`;
  }
  if (parameter.minLength !== undefined) {
    messages.minLength = `must be at least ${parameter.minLength} characters`;
  }
  if (parameter.maxLength !== undefined) {
    messages.maxLength = `must be at most ${parameter.maxLength} characters`;
  }
  if (parameter.pattern !== undefined) {
    // The pattern itself means nothing to most readers; the field's own
    // description says what is expected.
    messages.pattern = parameter.description
      ? `is not in the expected form: ${parameter.description}`
      : 'is not in the expected form';
  }
  return messages;
}

/** A template parameter as a form field: JSON Schema and `ui:` keys only. */
function formField(
  parameter: EnvironmentTemplateParameter,
  required: boolean,
): JsonObject {
  const field: JsonObject = {};
  for (const [key, value] of Object.entries(parameter)) {
    if (value === undefined || key === 'envkit:policy' || key === 'secret') {
      continue;
    }
    field[key] = value;
  }
  field.errorMessage = ruleMessages(parameter);
  if (parameter.type === 'string' && parameter.default === undefined) {
    // The scaffolder's review lists fields in the order the form first held
    // them; an empty default puts this one in its place from the start. The
    // step leaves empty inputs out, so an empty value means "not given".
    field.default = '';
    if (required && !parameter.secret && !(parameter.minLength! >= 1)) {
      field.minLength = 1;
      (field.errorMessage as JsonObject).minLength = 'is required';
    }
  }
  if (
    (parameter.type === 'integer' || parameter.type === 'number') &&
    !parameter.enum
  ) {
    // A number input drops what is not a number and the form then falls
    // back on the default; a text input keeps "80a" so it is refused.
    field['ui:options'] = {
      ...(field['ui:options'] as JsonObject | undefined),
      inputType: 'text',
    };
  }
  const policy = parameterPolicy(parameter);
  if (policy === 'locked') {
    // Shown so developers know the value; the platform team fixed it.
    field['ui:disabled'] = true;
    field.description = [parameter.description, 'Set by the platform team.']
      .filter(Boolean)
      .join(' ');
  }
  if (parameter.secret) {
    // Backstage's Secret field keeps the value in the task's secrets, out
    // of its stored parameters; the step passes it as `secretInputs`.
    delete field['ui:widget'];
    field['ui:field'] = 'Secret';
  }
  return field;
}

/** Form fields the Environment page uses; inputs with these names are renamed. */
const ENVIRONMENT_FIELDS = ['component', 'name', 'ttl', 'costEstimate'];

/**
 * The form field of each template input: its own name, or `input_<name>`
 * where that is one of the environment's own fields. Inputs are top-level
 * fields so that the scaffolder calls them by their titles in its messages
 * and its review.
 */
function formKeys(names: string[]): Map<string, string> {
  return new Map(
    names.map(name => [
      name,
      ENVIRONMENT_FIELDS.includes(name) ? `input_${name}` : name,
    ]),
  );
}

/**
 * Leaves the optional fields of a form page out of the scaffolder's review
 * while they are empty. The review looks up each field's schema with the
 * form's data, so a condition on the page (`if` the field is absent or ''
 * `then` its `review.show` is false) drops the row of, say, a component
 * nobody chose, and shows it once filled in. The field keeps its empty
 * default, and so its place in the review's order.
 */
function hideEmptyOptionalFieldsInReview(page: JsonObject): void {
  const required = new Set((page.required as string[] | undefined) ?? []);
  const properties = page.properties as Record<string, JsonObject>;
  const conditions = Object.entries(properties)
    .filter(
      ([key, field]) =>
        !required.has(key) &&
        (field['ui:backstage'] as JsonObject | undefined)?.review === undefined,
    )
    .map(([key]) => ({
      if: {
        anyOf: [
          { not: { required: [key] } },
          { properties: { [key]: { const: '' } } },
        ],
      },
      then: {
        properties: {
          [key]: { 'ui:backstage': { review: { show: false } } },
        },
      },
    }));
  if (conditions.length > 0) page.allOf = conditions;
}

/** `${{ parameters["key"] }}`: any key, even one that is not an identifier. */
const parameterExpression = (key: string) =>
  `\${{ parameters[${JSON.stringify(key)}] }}`;

/** The lifetime field: a choice of durations the template allows. */
function lifetimeField(
  ttl: { default: string; max: string } | undefined,
): JsonObject {
  const choices = lifetimeChoices(ttl?.max, ttl?.default);
  return {
    title: 'Lifetime',
    type: 'string',
    description: ttl
      ? `Destroyed on its own after this; it can be extended, up to ${durationLabel(
          ttl.max,
        )} at a time`
      : 'Destroyed on its own after this; it can be extended',
    enum: choices.map(c => c.ttl),
    enumNames: choices.map(c => c.label),
    ...(ttl ? { default: ttl.default } : {}),
    errorMessage: {
      enum: ttl
        ? `must be one of the offered lifetimes, at most ${durationLabel(
            ttl.max,
          )}`
        : 'must be one of the offered lifetimes',
    },
  };
}

/** What the inputs a developer sets are called, for the card's description. */
function settingsSummary(
  properties: Record<string, EnvironmentTemplateParameter>,
): string {
  const settable = Object.entries(properties)
    .filter(([, p]) => parameterPolicy(p) !== 'locked')
    .map(([name, p]) => p.title ?? name);
  return settable.length
    ? `Pick this to set every input of the template: ${settable.join(', ')}.`
    : 'The template takes no inputs.';
}

/**
 * The scaffolder Template (`scaffolder.backstage.io/v1beta3`) that creates
 * an environment from `source`: a page for the name, component and
 * lifetime, a page with the template's own inputs, and one `env:*` step.
 *
 * @public
 */
export function environmentTemplateToSoftwareTemplate(
  source: EnvironmentTemplateEntity,
): Entity {
  const sourceRef = stringifyEntityRef(source);
  const { spec } = source;
  const properties = spec.parameters?.properties ?? {};
  const keys = formKeys(Object.keys(properties));
  const requiredNames = new Set(spec.parameters?.required ?? []);
  const inputFields: JsonObject = {};
  for (const [name, parameter] of Object.entries(properties)) {
    inputFields[keys.get(name)!] = formField(
      parameter,
      requiredNames.has(name),
    );
  }
  const secretNames = Object.entries(properties)
    .filter(([, p]) => p.secret)
    .map(([name]) => name);
  const locked = new Set(
    Object.entries(properties)
      .filter(([, p]) => parameterPolicy(p) === 'locked')
      .map(([name]) => name),
  );
  const required = (spec.parameters?.required ?? [])
    .filter(name => !locked.has(name) && keys.has(name))
    .map(name => keys.get(name)!);
  // Secret values stay in the task's secrets: neither the step's `inputs`
  // nor the cost estimate reads them from the form.
  const plainInputs = [...keys].filter(([name]) => !secretNames.includes(name));
  const audience = environmentTemplateAudience(spec.guardrails);
  const title = source.metadata.title ?? source.metadata.name;

  // Fields in the order the review lists them; a component handed in by
  // "Create an environment" on its page comes first, as it does here.
  const parameters: JsonObject[] = [
    {
      title: 'Environment',
      required: ['name'],
      properties: {
        component: {
          title: 'Component',
          type: 'string',
          description: 'The component this environment serves (optional)',
          'ui:field': 'EntityPicker',
          // Kept as the entity's name (`storefront-web`), which the review
          // shows and the backend reads as a Component.
          'ui:options': {
            catalogFilter: { kind: 'Component' },
            defaultKind: 'Component',
            defaultNamespace: 'default',
          },
          // Empty defaults keep the review in this order (see formField).
          default: '',
        },
        name: {
          title: 'Name',
          type: 'string',
          description: `Lowercase letters, digits and '-', starting with a letter, at most ${MAX_ENVIRONMENT_NAME_LENGTH} characters; unique among live environments`,
          pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
          maxLength: MAX_ENVIRONMENT_NAME_LENGTH,
          default: '',
          'ui:field': 'EnvironmentName',
          'ui:autofocus': true,
          errorMessage: {
            pattern:
              "may only have lowercase letters, digits and '-', must start with a letter and end with a letter or digit",
            maxLength: `must be at most ${MAX_ENVIRONMENT_NAME_LENGTH} characters`,
          },
        },
        ttl: lifetimeField(spec.guardrails?.ttl),
      },
    },
  ];
  if (Object.keys(inputFields).length > 0) {
    parameters.push({
      title: `${title} settings`,
      ...(required.length ? { required } : {}),
      properties: inputFields,
    });
  }

  // Read-only: prices what the pages before describe (the frontend's
  // EnvironmentCostEstimate field calls POST /environments/preview); it
  // holds no value and the step does not read it.
  parameters.push({
    title: 'Cost',
    properties: {
      costEstimate: {
        title: 'Estimated cost',
        type: 'string',
        'ui:field': 'EnvironmentCostEstimate',
        'ui:options': {
          templateRef: sourceRef,
          inputs: Object.fromEntries(
            plainInputs.map(([name, key]) => [key, name]),
          ),
        },
        'ui:backstage': { review: { show: false } },
      },
    },
  });

  for (const page of parameters) hideEmptyOptionalFieldsInReview(page);

  const stepInputs = Object.fromEntries(
    plainInputs.map(([name, key]) => [name, parameterExpression(key)]),
  );
  const about = (
    source.metadata.description ??
    `Creates an environment from the ${title} environment template`
  ).trim();
  const description = `${
    /[.!?]$/.test(about) ? about : `${about}.`
  } ${settingsSummary(properties)}`;

  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: generatedTemplateName(source.metadata.name),
      namespace: source.metadata.namespace ?? 'default',
      title: `New ${title} environment`,
      description,
      tags: ['envkit', spec.type],
      annotations: {
        ...locationAnnotations(GENERATED_TEMPLATES_LOCATION),
        [ANNOTATION_SOURCE_TEMPLATE]: sourceRef,
      },
    },
    spec: {
      owner: spec.owner,
      type: 'environment',
      // Read by the catalog rule IS_IN_TEMPLATE_AUDIENCE.
      ...(audience.length ? { envkit: { audience } } : {}),
      parameters,
      steps: [
        {
          id: 'environment',
          name: `Create ${title} environment`,
          action: ACTION_BY_TYPE[spec.type] ?? 'env:create',
          input: {
            name: '${{ parameters.name }}',
            templateRef: sourceRef,
            ...(Object.keys(stepInputs).length ? { inputs: stepInputs } : {}),
            ...(secretNames.length
              ? {
                  secretInputs: Object.fromEntries(
                    secretNames.map(name => [
                      name,
                      `\${{ secrets[${JSON.stringify(keys.get(name))}] }}`,
                    ]),
                  ),
                }
              : {}),
            component: '${{ parameters.component }}',
            ttl: '${{ parameters.ttl }}',
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open endpoint',
            url: '${{ steps.environment.output.endpoint }}',
          },
          {
            title: 'Environment in the catalog',
            icon: 'catalog',
            entityRef: '${{ steps.environment.output.entityRef }}',
          },
        ],
      },
    },
  };
}
