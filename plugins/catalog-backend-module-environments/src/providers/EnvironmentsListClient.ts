import { AuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  MAX_PAGE_SIZE,
  summarizeEnvironment,
  type EnvironmentSummary,
} from '@envkit/plugin-environments-common';
import type { EnvironmentsService } from '@envkit/plugin-environments-node';

/** Reads every environment, as the catalog module's own service principal. @public */
export interface EnvironmentLister {
  listAll(): Promise<EnvironmentSummary[]>;
  /** One environment; undefined when there is none with that id. */
  get(id: string): Promise<EnvironmentSummary | undefined>;
}

/**
 * {@link EnvironmentLister} over `environmentsServiceRef`, following
 * `nextCursor` so no environment is left out however many there are.
 */
export class EnvironmentsListClient implements EnvironmentLister {
  constructor(
    private readonly options: {
      environments: EnvironmentsService;
      auth: AuthService;
    },
  ) {}

  async listAll(): Promise<EnvironmentSummary[]> {
    const { environments, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const all: EnvironmentSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await environments.listEnvironments(
        { limit: MAX_PAGE_SIZE, cursor },
        { credentials },
      );
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  async get(id: string): Promise<EnvironmentSummary | undefined> {
    const { environments, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    try {
      return summarizeEnvironment(
        await environments.getEnvironment(id, { credentials }),
      );
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }
}
