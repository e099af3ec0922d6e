// The REST types below are the code generated from the backend's
// openapi.yaml (see ./schema/openapi); only their names and the two fields
// the document leaves open (the template snapshot and entity, whose shape
// template.ts owns) are written here.
import type { components, operations } from './schema/openapi/generated';
import type { EnvironmentSchedule } from './schedule';
import type {
  EnvironmentTemplateEntity,
  EnvironmentTemplateResource,
  EnvironmentTemplateSpec,
} from './template';

/** The REST API's named schemas, as generated from openapi.yaml. @public */
export type EnvironmentsOpenApiSchemas = components['schemas'];

/**
 * What the owner of an environment asked for. Every change to it bumps
 * `generation`; the engine records the generation it acted on in
 * `status.observedGeneration`.
 *
 * @public
 */
export type EnvironmentSpec = Omit<
  EnvironmentsOpenApiSchemas['EnvironmentSpec'],
  'templateSnapshot' | 'retiredResources' | 'schedule'
> & {
  /** When it is awake: the template's schedule, or a narrower one asked for. */
  schedule?: EnvironmentSchedule;
  /** The template spec as it was when the environment was created or last upgraded. */
  templateSnapshot: EnvironmentTemplateSpec;
  /** Resources upgrades dropped, as their earlier version declared them. */
  retiredResources?: EnvironmentTemplateResource[];
};

/** `True`, `False` or `Unknown`, as in Kubernetes conditions. @public */
export type ConditionStatus =
  EnvironmentsOpenApiSchemas['EnvironmentCondition']['status'];

/** One observed condition of an environment, e.g. `Ready`. @public */
export type EnvironmentCondition =
  EnvironmentsOpenApiSchemas['EnvironmentCondition'];

/** The phase of one resource of an environment. @public */
export type ResourcePhase = EnvironmentsOpenApiSchemas['ResourcePhase'];

/** Observed state of one resource of an environment. @public */
export type EnvironmentResourceStatus =
  EnvironmentsOpenApiSchemas['EnvironmentResourceStatus'];

/** The last error of an environment, shown to its owner. @public */
export type EnvironmentError = EnvironmentsOpenApiSchemas['EnvironmentError'];

/** What the engine last observed of an environment. @public */
export type EnvironmentStatus = EnvironmentsOpenApiSchemas['EnvironmentStatus'];

/** One entry in an environment's events timeline. @public */
export type EnvironmentEvent = EnvironmentsOpenApiSchemas['Event'];

/** An environment, as the REST API returns it. @public */
export type Environment = Omit<
  EnvironmentsOpenApiSchemas['Environment'],
  'spec'
> & {
  spec: EnvironmentSpec;
};

/** Filters and paging of `GET /environments`. @public */
export type ListEnvironmentsQuery = NonNullable<
  operations['listEnvironments']['parameters']['query']
>;

/** Environments (or events) in one page when a list request gives no `limit`. @public */
export const DEFAULT_PAGE_SIZE = 100;

/** The largest `limit` a list request may ask for. @public */
export const MAX_PAGE_SIZE = 1000;

/**
 * An environment as `GET /environments` lists it: identity, owner, phase,
 * outputs and last error, without the template snapshot, inputs or
 * per-resource status.
 *
 * @public
 */
export type EnvironmentSummary =
  EnvironmentsOpenApiSchemas['EnvironmentSummary'];

/** Response of `GET /environments`: one page, newest first. @public */
export type ListEnvironmentsResponse =
  EnvironmentsOpenApiSchemas['EnvironmentList'];

/** The most environments a list counts exactly; past it `totalCountExact` is false. @public */
export const MAX_EXACT_COUNT = 1_000;

/**
 * The list view of `environment`, as {@link EnvironmentSummary} has it.
 *
 * @public
 */
export function summarizeEnvironment(
  environment: Environment,
): EnvironmentSummary {
  const { spec, status } = environment;
  return {
    id: environment.id,
    createdAt: environment.createdAt,
    updatedAt: environment.updatedAt,
    createdBy: environment.createdBy,
    spec: summarizeSpec(spec),
    status: summarizeStatus(status),
  };
}

/** The list view of a spec. @public */
export function summarizeSpec(
  spec: EnvironmentSpec,
): EnvironmentSummary['spec'] {
  return {
    name: spec.name,
    templateRef: spec.templateRef,
    templateVersion: spec.templateVersion,
    ...(spec.templateSnapshot?.type
      ? { templateType: spec.templateSnapshot.type }
      : {}),
    owner: spec.owner,
    ...(spec.component ? { component: spec.component } : {}),
    ...(spec.expiresAt ? { expiresAt: spec.expiresAt } : {}),
    ...(spec.deletionRequestedAt
      ? { deletionRequestedAt: spec.deletionRequestedAt }
      : {}),
    ...(spec.approval ? { approval: spec.approval } : {}),
    // What the list needs to show and total each environment's cost.
    ...(spec.schedule ? { schedule: spec.schedule } : {}),
    ...(spec.cost ? { cost: spec.cost } : {}),
    generation: spec.generation,
  };
}

/** The list view of a status. @public */
export function summarizeStatus(
  status: EnvironmentStatus,
): EnvironmentSummary['status'] {
  return {
    phase: status.phase,
    observedGeneration: status.observedGeneration,
    outputs: status.outputs ?? {},
    ...(status.lastError ? { lastError: status.lastError } : {}),
  };
}

/** Answer of `GET /environment-names/{name}`: whether a new environment could take the name. @public */
export type EnvironmentNameAvailability =
  EnvironmentsOpenApiSchemas['EnvironmentNameAvailability'];

/**
 * Response of `POST /environments/preview`: what a create would record and
 * each driver's plan; nothing is created.
 *
 * @public
 */
export type EnvironmentPreview = Omit<
  EnvironmentsOpenApiSchemas['EnvironmentPreview'],
  'environment'
> & { environment: Environment };

/** A monthly cost estimate, as `POST /environments/preview` gives it. @public */
export type CostEstimate = EnvironmentsOpenApiSchemas['CostEstimate'];

/**
 * Response of `GET /environments/{id}/kubeconfig`: a kubeconfig for a
 * namespace environment and when its token expires.
 *
 * @public
 */
export type EnvironmentKubeconfig =
  EnvironmentsOpenApiSchemas['EnvironmentKubeconfig'];

/** Response of `GET /health`. @public */
export type EnvironmentsHealth = EnvironmentsOpenApiSchemas['Health'];

/** An EnvironmentTemplate with the backend's verdict on it (`GET /templates`). @public */
export type EnvironmentTemplateSummary = Omit<
  EnvironmentsOpenApiSchemas['TemplateSummary'],
  'entity'
> & { entity: EnvironmentTemplateEntity };

/** Body of `PATCH /environments/{id}`. @public */
export type UpdateEnvironmentInputsRequest =
  EnvironmentsOpenApiSchemas['UpdateInputsRequest'];

/** Body of `POST /environments/{id}/extend`. @public */
export type ExtendEnvironmentRequest =
  EnvironmentsOpenApiSchemas['ExtendRequest'];

/** The status of an environment the engine has not acted on yet. @public */
export function pendingEnvironmentStatus(): EnvironmentStatus {
  return {
    phase: 'Pending',
    conditions: [],
    resources: [],
    outputs: {},
    observedGeneration: 0,
  };
}
