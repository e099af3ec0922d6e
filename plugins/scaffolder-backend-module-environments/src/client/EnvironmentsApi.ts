import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentEvent,
  EnvironmentPreview,
} from '@envkit/plugin-environments-common';
import type { EnvironmentsService } from '@envkit/plugin-environments-node';

export type { EnvironmentPreview };

/** Options every call takes: whose behalf it is made on. */
export interface CallOptions {
  credentials: BackstageCredentials;
}

/** The part of the environments API the scaffolder actions use. */
export interface EnvironmentsApi {
  /** `POST /environments`; the same key by the same user returns the first environment. */
  create(
    request: CreateEnvironmentRequest,
    options: CallOptions & { idempotencyKey: string },
  ): Promise<Environment>;
  /** `POST /environments/preview`: every check and the drivers' plans, nothing recorded. */
  preview(
    request: CreateEnvironmentRequest,
    options: CallOptions,
  ): Promise<EnvironmentPreview>;
  /** `GET /environments/:id`. */
  get(id: string, options: CallOptions): Promise<Environment>;
  /** `GET /environments/:id/events`, newest first. */
  events(id: string, options: CallOptions): Promise<EnvironmentEvent[]>;
  /** `DELETE /environments/:id`. */
  destroy(id: string, options: CallOptions): Promise<Environment>;
  /** The live (not Destroyed) environment called `name`, if the caller may see it. */
  findByName(
    name: string,
    options: CallOptions,
  ): Promise<Environment | undefined>;
}

/**
 * {@link EnvironmentsApi} over `environmentsServiceRef`, whose calls carry a
 * token issued on behalf of the caller.
 */
export class ServiceEnvironmentsApi implements EnvironmentsApi {
  constructor(private readonly service: EnvironmentsService) {}

  create(
    request: CreateEnvironmentRequest,
    options: CallOptions & { idempotencyKey: string },
  ): Promise<Environment> {
    return this.service.createEnvironment(request, options);
  }

  preview(
    request: CreateEnvironmentRequest,
    options: CallOptions,
  ): Promise<EnvironmentPreview> {
    return this.service.previewEnvironment(request, options);
  }

  get(id: string, options: CallOptions): Promise<Environment> {
    return this.service.getEnvironment(id, options);
  }

  events(id: string, options: CallOptions): Promise<EnvironmentEvent[]> {
    return this.service.listEnvironmentEvents(id, options);
  }

  destroy(id: string, options: CallOptions): Promise<Environment> {
    return this.service.deleteEnvironment(id, options);
  }

  async findByName(
    name: string,
    options: CallOptions,
  ): Promise<Environment | undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.service.listEnvironments(
        { limit: 1000, cursor },
        options,
      );
      const match = page.items.find(
        e => e.spec.name === name && e.status.phase !== 'Destroyed',
      );
      if (match) return match;
      cursor = page.nextCursor;
    } while (cursor);
    return undefined;
  }
}
