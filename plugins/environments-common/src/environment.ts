import type { EnvironmentPhase } from './phases';
import type { InputValue } from './inputs';
import type { EnvironmentTemplateSpec } from './template';

/**
 * What the owner of an environment asked for. Every change to it bumps
 * `generation`; the engine records the generation it acted on in
 * `status.observedGeneration`.
 *
 * @public
 */
export interface EnvironmentSpec {
  /** The environment name (see `validateEnvironmentName`). */
  name: string;
  /** Entity ref of the EnvironmentTemplate, e.g. `environmenttemplate:default/ecs-service`. */
  templateRef: string;
  /** The template version the environment is pinned to. */
  templateVersion: string;
  /** The template spec as it was when the environment was created or last upgraded. */
  templateSnapshot: EnvironmentTemplateSpec;
  /** Resolved inputs (see `resolveInputs`). */
  inputs: Record<string, InputValue>;
  /** Entity ref of the owner (user or group). */
  owner: string;
  /** Entity ref of the component the environment serves. */
  component?: string;
  /** ISO-8601 timestamp after which the environment is destroyed. */
  expiresAt?: string;
  /** ISO-8601 timestamp of the owner's request to destroy it; set once. */
  deletionRequestedAt?: string;
  /** ISO-8601 timestamp of the last request to apply every resource again. */
  redeployRequestedAt?: string;
  generation: number;
}

/** `True`, `False` or `Unknown`, as in Kubernetes conditions. @public */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** One observed condition of an environment, e.g. `Ready`. @public */
export interface EnvironmentCondition {
  type: string;
  status: ConditionStatus;
  /** A machine-readable CamelCase reason. */
  reason: string;
  message: string;
  /** ISO-8601 timestamp. */
  lastTransitionTime: string;
}

/** The phase of one resource of an environment. @public */
export type ResourcePhase =
  | 'Pending'
  | 'InProgress'
  | 'Ready'
  | 'Failed'
  | 'Destroying'
  | 'Destroyed';

/** Observed state of one resource of an environment. @public */
export interface EnvironmentResourceStatus {
  name: string;
  driver: string;
  phase: ResourcePhase;
  outputs: Record<string, string>;
  message?: string;
  /** ISO-8601 timestamp. */
  updatedAt: string;
}

/** The last error of an environment, shown to its owner. @public */
export interface EnvironmentError {
  /** Machine code, e.g. `StackRollbackComplete`, `QuotaExceeded`. */
  reason: string;
  /** Human-readable explanation. */
  message: string;
  /** The resource it happened in, when there is one. */
  resource?: string;
}

/** What the engine last observed of an environment. @public */
export interface EnvironmentStatus {
  phase: EnvironmentPhase;
  conditions: EnvironmentCondition[];
  resources: EnvironmentResourceStatus[];
  outputs: Record<string, string>;
  observedGeneration: number;
  lastError?: EnvironmentError;
}

/** One entry in an environment's events timeline. @public */
export interface EnvironmentEvent {
  id?: string;
  /** ISO-8601 timestamp. */
  at: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  resource?: string;
}

/** An environment, as the REST API returns it. @public */
export interface Environment {
  id: string;
  spec: EnvironmentSpec;
  status: EnvironmentStatus;
  /** ISO-8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  /** Entity ref of the user who created it. */
  createdBy: string;
}

/** Filters of `GET /environments`. @public */
export interface ListEnvironmentsQuery {
  owner?: string;
  /** Template entity ref. */
  template?: string;
  /** Component entity ref. */
  component?: string;
  phase?: EnvironmentPhase;
  /** Page size, 1 to {@link MAX_PAGE_SIZE}; {@link DEFAULT_PAGE_SIZE} when left out. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Environments (or events) in one page when a list request gives no `limit`. @public */
export const DEFAULT_PAGE_SIZE = 100;

/** The largest `limit` a list request may ask for. @public */
export const MAX_PAGE_SIZE = 1000;

/** Response of `GET /environments`: one page, newest first. @public */
export interface ListEnvironmentsResponse {
  items: Environment[];
  /** How many environments match, over all pages. */
  totalCount: number;
  /** Present when there is another page. */
  nextCursor?: string;
}

/**
 * Response of `POST /environments/preview`: what a create would record and
 * each driver's plan; nothing is created.
 *
 * @public
 */
export interface EnvironmentPreview {
  environment: Environment;
  resources: Array<{
    name: string;
    driver: string;
    plan?: unknown;
    note?: string;
  }>;
}
