import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ENVIRONMENT_TEMPLATE_KIND,
  validateEnvironmentTemplate,
} from '@envkit/plugin-environments-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { environmentTemplateToSoftwareTemplate } from '../templates/softwareTemplate';
import { GENERATED_TEMPLATES_LOCATION } from '../locations';
import { scheduleRefresh } from './scheduleRefresh';

/**
 * Publishes a ready-to-run scaffolder Template for every valid
 * EnvironmentTemplate in the catalog, so a published environment template
 * appears under "Create…" without hand-written YAML.
 *
 * @public
 */
export class SoftwareTemplateProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      taskRunner?: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return 'EnvironmentSoftwareTemplateProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await scheduleRefresh(
      this,
      this.options,
      'generated environment templates',
    );
  }

  /** Reads the EnvironmentTemplates and replaces every generated Template. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('SoftwareTemplateProvider is not connected yet');
    }
    const { catalog, auth, logger } = this.options;
    const { items } = await catalog.getEntities(
      { filter: { kind: ENVIRONMENT_TEMPLATE_KIND } },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const entities = [];
    for (const item of items) {
      try {
        const template = validateEnvironmentTemplate(item);
        entities.push({
          entity: environmentTemplateToSoftwareTemplate(template),
          locationKey: GENERATED_TEMPLATES_LOCATION,
        });
      } catch (error) {
        // The processor already reports it on the entity; no Template for it.
        logger.debug(
          `No Template for ${stringifyEntityRef(item)}: ${
            (error as Error).message
          }`,
        );
      }
    }
    await this.connection.applyMutation({ type: 'full', entities });
  }
}
