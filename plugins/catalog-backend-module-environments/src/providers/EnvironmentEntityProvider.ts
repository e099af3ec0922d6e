import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  ENVIRONMENT_CHANGED_TOPIC,
  type EnvironmentChangedEvent,
} from '@envkit/plugin-environments-node';
import { environmentToEntity } from './environmentEntity';
import { ENVIRONMENTS_LOCATION } from '../locations';
import { EnvironmentLister } from './EnvironmentsListClient';
import { scheduleRefresh } from './scheduleRefresh';

/**
 * Whether an environment in `phase` has an entity: not once Destroyed or
 * Rejected, which have nothing in the cloud and have freed their name.
 */
const isPublished = (phase: string) =>
  phase !== 'Destroyed' && phase !== 'Rejected';

/** How long changes are gathered before one delta mutation carries them. */
const COALESCE_MS = 100;

/**
 * Publishes every environment that is not Destroyed or Rejected as a
 * `Resource` entity.
 * On its schedule it replaces the whole set, so destroyed ones disappear
 * and nothing missed stays wrong for long; in between, each change the
 * environments backend announces (`ENVIRONMENT_CHANGED_TOPIC` of
 * `@envkit/plugin-environments-node`) is applied as a delta within a
 * fraction of a second, so the entity page agrees with the environment's
 * own card. In-process delivery is enough with several replicas: the
 * replica whose engine made the change hears it and writes the entity to
 * the shared catalog database.
 *
 * @public
 */
export class EnvironmentEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly changed = new Set<string>();
  private flushing?: Promise<void>;

  constructor(
    private readonly options: {
      environments: EnvironmentLister;
      logger: LoggerService;
      /** Runs {@link EnvironmentEntityProvider.refresh}; omit to refresh by hand. */
      taskRunner?: SchedulerServiceTaskRunner;
      /** Where the environments backend announces changes; omit to rely on the schedule. */
      events?: EventsService;
    },
  ) {}

  getProviderName(): string {
    return 'EnvironmentEntityProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.events?.subscribe({
      id: 'environment-entities',
      topics: [ENVIRONMENT_CHANGED_TOPIC],
      onEvent: async ({ eventPayload }) => {
        const { environmentId } = eventPayload as EnvironmentChangedEvent;
        if (typeof environmentId === 'string') this.changedOne(environmentId);
      },
    });
    await scheduleRefresh(this, this.options, 'environment entities');
  }

  /** Reads the environments and replaces every entity this provider owns. */
  async refresh(): Promise<void> {
    const connection = this.connected();
    const environments = await this.options.environments.listAll();
    const seen = new Set<string>();
    const entities = [];
    for (const environment of environments) {
      if (!isPublished(environment.status.phase)) continue;
      // Names are unique among live environments; guard anyway so one bad
      // row cannot make the catalog reject the whole batch.
      if (seen.has(environment.spec.name)) continue;
      seen.add(environment.spec.name);
      entities.push({
        entity: environmentToEntity(environment),
        locationKey: ENVIRONMENTS_LOCATION,
      });
    }
    await connection.applyMutation({ type: 'full', entities });
  }

  /**
   * Notes that one environment changed; the changes of the next moment go
   * to the catalog together. Resolves once they have been applied.
   */
  changedOne(id: string): Promise<void> {
    this.changed.add(id);
    this.flushing ??= new Promise(resolve => setTimeout(resolve, COALESCE_MS))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const connection = this.connected();
    const ids = [...this.changed];
    this.changed.clear();
    const added = [];
    const removed = [];
    for (const id of ids) {
      try {
        const environment = await this.options.environments.get(id);
        if (!environment) continue;
        const entity = environmentToEntity(environment);
        if (!isPublished(environment.status.phase)) {
          removed.push({
            entityRef: stringifyEntityRef(entity),
            locationKey: ENVIRONMENTS_LOCATION,
          });
        } else {
          added.push({ entity, locationKey: ENVIRONMENTS_LOCATION });
        }
      } catch (error) {
        // The scheduled refresh brings it in line later.
        this.options.logger.warn(
          `Could not update the entity of environment ${id}: ${
            (error as Error).message
          }`,
        );
      }
    }
    if (added.length || removed.length) {
      await connection.applyMutation({ type: 'delta', added, removed });
    }
  }

  private connected(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error('EnvironmentEntityProvider is not connected yet');
    }
    return this.connection;
  }
}
