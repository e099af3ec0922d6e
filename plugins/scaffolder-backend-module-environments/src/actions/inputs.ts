import { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';

/** The zod instance the scaffolder hands to schema factories. */
type Zod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

/** How long an action waits for Ready unless told otherwise. */
export const DEFAULT_TIMEOUT_MINUTES = 20;

/** A required `templateRef` input (for `env:create`). */
export const requiredTemplateRef = (z: Zod) =>
  z
    .string()
    .describe(
      'EnvironmentTemplate to create it from, as an entity ref or a name, e.g. "ecs-web-service"',
    );

/** An optional text field (input or output) with its description. */
export const optionalText = (description: string) => (z: Zod) =>
  z.string().optional().describe(description);

/** An optional `templateRef` input with a default (for the typed actions). */
export const templateRefWithDefault = (defaultRef: string) =>
  optionalText(
    `EnvironmentTemplate to create it from (entity ref or name). Defaults to "${defaultRef}".`,
  );

/** Inputs every create action takes, besides `templateRef`. */
export function requestInputs() {
  return {
    name: (z: Zod) =>
      z
        .string()
        .describe(
          'Name of the environment: lowercase letters, digits and "-", starting with a letter, at most 20 characters. Unique among live environments.',
        ),
    inputs: (z: Zod) =>
      z
        .record(z.unknown())
        .optional()
        .describe(
          "Values for the template's parameters, passed through as they are; the backend applies the template's locks, defaults and limits",
        ),
    secretInputs: (z: Zod) =>
      z
        .record(z.string())
        .optional()
        .describe(
          "Values of the template's secret inputs, e.g. { dbPassword: '${{ secrets.dbPassword }}' } from a `ui:field: Secret` form field, so they never enter the task's parameters; they replace the same names in `inputs`, and an empty one is left unset",
        ),
    owner: optionalText(
      'Entity ref of the owning user or group. Defaults to the user running the template.',
    ),
    component: optionalText(
      'Entity ref of the component the environment serves, e.g. "component:default/storefront-web"',
    ),
    ttl: optionalText(
      "ISO-8601 duration until the environment is destroyed, e.g. PT8H; the template's default when left out",
    ),
    wait: (z: Zod) =>
      z
        .boolean()
        .optional()
        .describe(
          'Wait until the environment is Ready (default true). When false the step ends once the request is accepted.',
        ),
    timeoutMinutes: (z: Zod) =>
      z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          `How long to wait for Ready before failing the step (default ${DEFAULT_TIMEOUT_MINUTES}). The environment keeps provisioning after a timeout.`,
        ),
  };
}

/** Outputs of every create action. */
export const createOutputs = {
  entityRef: (z: Zod) =>
    z
      .string()
      .describe(
        'Catalog entity ref of the environment, e.g. resource:default/my-env',
      ),
  environmentId: (z: Zod) => z.string().describe('Id of the environment'),
  phase: (z: Zod) =>
    z
      .string()
      .describe(
        'Phase when the step ended: Ready, or AwaitingApproval when the template requires approval (the step does not wait for it)',
      ),
  endpoint: optionalText(
    "The environment's endpoint, when its template publishes one",
  ),
  namespace: optionalText(
    'Kubernetes namespace, when its template publishes one',
  ),
  cluster: optionalText('Cluster name, when its template publishes one'),
  approvers: optionalText(
    'Group whose approval the environment waits for, when phase is AwaitingApproval',
  ),
  outputs: (z: Zod) =>
    z
      .record(z.string())
      .describe('Every output the environment publishes, by name'),
};

/** The `containerPort` field both workload actions offer. */
const containerPortInput = (z: Zod) =>
  z
    .number()
    .int()
    .optional()
    .describe(
      'Port the container listens on (the template input containerPort)',
    );

/**
 * The template inputs of an action with named fields for some of them: the
 * generic `inputs`, with each named field that was given on top.
 */
export function withNamedInputs(
  inputs: Record<string, unknown> | undefined,
  named: Record<string, unknown>,
): Record<string, unknown> {
  const given = Object.entries(named).filter(([, v]) => v !== undefined);
  return { ...inputs, ...Object.fromEntries(given) };
}

/**
 * The input fields of an action that runs a workload from a template with a
 * default: the generic request fields, `templateRef` defaulting to
 * `defaultTemplate`, and `containerPort`.
 */
export function workloadInputs(defaultTemplate: string) {
  return {
    ...requestInputs(),
    templateRef: templateRefWithDefault(defaultTemplate),
    containerPort: containerPortInput,
  };
}
