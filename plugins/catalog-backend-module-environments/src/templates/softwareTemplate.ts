import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  EnvironmentTemplateEntity,
  EnvironmentTemplateParameter,
  environmentTemplateAudience,
  MAX_ENVIRONMENT_NAME_LENGTH,
  parameterPolicy,
  shortHash,
} from '@envkit/plugin-environments-common';

/** The location every generated Template is said to come from. @public */
export const GENERATED_TEMPLATES_LOCATION = 'envkit:environment-templates';
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

/** A template parameter as a form field: JSON Schema and `ui:` keys only. */
function formField(parameter: EnvironmentTemplateParameter): JsonObject {
  const field: JsonObject = {};
  for (const [key, value] of Object.entries(parameter)) {
    if (value === undefined || key === 'envkit:policy' || key === 'secret') {
      continue;
    }
    field[key] = value;
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
  const inputFields: JsonObject = {};
  for (const [name, parameter] of Object.entries(properties)) {
    inputFields[name] = formField(parameter);
  }
  const secretNames = Object.entries(properties)
    .filter(([, p]) => p.secret)
    .map(([name]) => name);
  const locked = new Set(
    Object.entries(properties)
      .filter(([, p]) => parameterPolicy(p) === 'locked')
      .map(([name]) => name),
  );
  const required = (spec.parameters?.required ?? []).filter(
    name => !locked.has(name),
  );
  const ttl = spec.guardrails?.ttl;
  const audience = environmentTemplateAudience(spec.guardrails);
  const title = source.metadata.title ?? source.metadata.name;

  const parameters: JsonObject[] = [
    {
      title: 'Environment',
      required: ['name'],
      properties: {
        name: {
          title: 'Name',
          type: 'string',
          description: `Lowercase letters, digits and '-', starting with a letter, at most ${MAX_ENVIRONMENT_NAME_LENGTH} characters`,
          pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
          maxLength: MAX_ENVIRONMENT_NAME_LENGTH,
        },
        component: {
          title: 'Component',
          type: 'string',
          description: 'The component this environment serves (optional)',
          'ui:field': 'EntityPicker',
          'ui:options': { catalogFilter: { kind: 'Component' } },
        },
        ttl: {
          title: 'Lifetime',
          type: 'string',
          description: ttl
            ? `ISO-8601 duration until it is destroyed, at most ${ttl.max}`
            : 'ISO-8601 duration until it is destroyed, e.g. PT8H',
          ...(ttl ? { default: ttl.default } : {}),
        },
      },
    },
  ];
  if (Object.keys(inputFields).length > 0) {
    parameters.push({
      title: 'Settings',
      properties: {
        inputs: {
          title: `${title} settings`,
          type: 'object',
          ...(required.length ? { required } : {}),
          properties: inputFields,
        },
      },
      ...(required.length ? { required: ['inputs'] } : {}),
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
        'ui:options': { templateRef: sourceRef },
        'ui:backstage': { review: { show: false } },
      },
    },
  });

  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: generatedTemplateName(source.metadata.name),
      namespace: source.metadata.namespace ?? 'default',
      title: `New ${title} environment`,
      description:
        source.metadata.description ??
        `Creates an environment from the ${title} environment template`,
      tags: ['envkit', spec.type],
      annotations: {
        [ANNOTATION_LOCATION]: GENERATED_TEMPLATES_LOCATION,
        [ANNOTATION_ORIGIN_LOCATION]: GENERATED_TEMPLATES_LOCATION,
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
            ...(Object.keys(inputFields).length
              ? { inputs: '${{ parameters.inputs }}' }
              : {}),
            ...(secretNames.length
              ? {
                  secretInputs: Object.fromEntries(
                    secretNames.map(name => [
                      name,
                      `\${{ secrets[${JSON.stringify(name)}] }}`,
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
