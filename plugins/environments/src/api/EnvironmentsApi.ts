import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentEvent,
  EnvironmentPhase,
  EnvironmentTemplateEntity,
} from '@envkit/plugin-environments-common';

/** What the environments backend says about itself. @public */
export interface EnvironmentsHealth {
  status: string;
}

/** Filters and paging of {@link EnvironmentsApi.listEnvironments}. @public */
export interface EnvironmentsListRequest {
  /** Owner entity ref (user or group). */
  owner?: string;
  /** EnvironmentTemplate entity ref. */
  template?: string;
  /** Component entity ref the environments serve. */
  component?: string;
  phase?: EnvironmentPhase;
  /** Page size, 1 to 1000. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of environments. @public */
export interface EnvironmentsListResponse {
  items: Environment[];
  totalCount: number;
  nextCursor?: string;
}

/** An EnvironmentTemplate with the backend's verdict on it. @public */
export interface EnvironmentTemplateSummary {
  /** Entity ref, e.g. `environmenttemplate:default/ecs-service`. */
  ref: string;
  entity: EnvironmentTemplateEntity;
  /** Whether the template passed validation and can be used. */
  valid: boolean;
  /** Why it did not, when it did not. */
  error?: string;
}

/** What a create would do, without recording anything. @public */
export interface EnvironmentPreview {
  environment: Environment;
  resources: Array<{
    name: string;
    driver: string;
    plan?: Record<string, unknown>;
    note?: string;
  }>;
}

/**
 * Client of the environments backend (`/api/environments`). Every method
 * rejects with a `ResponseError` when the backend answers with an error.
 *
 * @public
 */
export interface EnvironmentsApi {
  getHealth(): Promise<EnvironmentsHealth>;
  listEnvironments(
    request?: EnvironmentsListRequest,
  ): Promise<EnvironmentsListResponse>;
  getEnvironment(id: string): Promise<Environment>;
  createEnvironment(
    request: CreateEnvironmentRequest,
    options?: { idempotencyKey?: string },
  ): Promise<Environment>;
  previewEnvironment(
    request: CreateEnvironmentRequest,
  ): Promise<EnvironmentPreview>;
  updateEnvironmentInputs(
    id: string,
    inputs: Record<string, unknown>,
  ): Promise<Environment>;
  getEnvironmentEvents(id: string): Promise<EnvironmentEvent[]>;
  /** Sets the expiry to `ttl` (an ISO-8601 duration) from now. */
  extendEnvironment(id: string, ttl: string): Promise<Environment>;
  upgradeEnvironment(id: string): Promise<Environment>;
  redeployEnvironment(id: string): Promise<Environment>;
  destroyEnvironment(id: string): Promise<Environment>;
  listTemplates(): Promise<EnvironmentTemplateSummary[]>;
  getTemplate(
    namespace: string,
    name: string,
  ): Promise<EnvironmentTemplateSummary>;
}

/** @public */
export const environmentsApiRef = createApiRef<EnvironmentsApi>({
  id: 'plugin.environments.service',
});
