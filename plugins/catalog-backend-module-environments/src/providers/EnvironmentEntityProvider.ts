import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ENVIRONMENTS_LOCATION,
  environmentToEntity,
} from './environmentEntity';
import { EnvironmentLister } from './EnvironmentsListClient';
import { scheduleRefresh } from './scheduleRefresh';

/**
 * Publishes every environment that is not Destroyed (or Rejected) as a `Resource` entity,
 * replacing the whole set on each refresh so destroyed ones disappear.
 *
 * @public
 */
export class EnvironmentEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      environments: EnvironmentLister;
      logger: LoggerService;
      /** Runs {@link EnvironmentEntityProvider.refresh}; omit to refresh by hand. */
      taskRunner?: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return 'EnvironmentEntityProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await scheduleRefresh(this, this.options, 'environment entities');
  }

  /** Reads the environments and replaces every entity this provider owns. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('EnvironmentEntityProvider is not connected yet');
    }
    const environments = await this.options.environments.listAll();
    const seen = new Set<string>();
    const entities = [];
    for (const environment of environments) {
      // Neither has anything in the cloud, and both have freed their name.
      if (
        environment.status.phase === 'Destroyed' ||
        environment.status.phase === 'Rejected'
      ) {
        continue;
      }
      // Names are unique among live environments; guard anyway so one bad
      // row cannot make the catalog reject the whole batch.
      if (seen.has(environment.spec.name)) continue;
      seen.add(environment.spec.name);
      entities.push({
        entity: environmentToEntity(environment),
        locationKey: ENVIRONMENTS_LOCATION,
      });
    }
    await this.connection.applyMutation({ type: 'full', entities });
  }
}
