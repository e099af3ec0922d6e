import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { databaseStore } from '../../database/__testUtils__/databaseStore';
import {
  Environment,
  EnvironmentPhase,
  EnvironmentSpec,
  EnvironmentTemplateSpec,
  pendingEnvironmentStatus,
} from '@envkit/plugin-environments-common';
import { FakeCloudDriver } from '@envkit/plugin-environments-node/testUtils';
import { EnvironmentStore } from '../../database/EnvironmentStore';
import type { EventParams } from '@backstage/plugin-events-node';
import { LifecycleEngine } from '../LifecycleEngine';
import { EnvironmentNotices } from '../EnvironmentNotices';

/*
 * An engine over a real store and the fake cloud, with a clock the test
 * moves: what the engine test suites share.
 */

export function template(
  overrides: Partial<EnvironmentTemplateSpec> = {},
): EnvironmentTemplateSpec {
  return {
    type: 'test',
    version: '1.0.0',
    owner: 'group:default/platform-team',
    parameters: { properties: { image: { type: 'string' } } },
    resources: [
      { name: 'network', driver: 'fake', parameters: { cidr: '10.0.0.0/16' } },
      {
        name: 'service',
        driver: 'fake',
        dependsOn: ['network'],
        parameters: {
          image: '${{ inputs.image }}',
          network: '${{ resources.network.outputs.id }}',
        },
      },
    ],
    outputs: { endpoint: '${{ resources.service.outputs.url }}' },
    ...overrides,
  };
}

export class Harness {
  /**
   * How far the engine's clock runs ahead of the wall clock. The store stamps
   * new and changed environments due "now" with the wall clock, so the
   * engine's clock must never lag behind it: tests move time forward by
   * adding to `now`, which adds to this offset.
   */
  private offsetMs = 0;

  get now(): number {
    return Date.now() + this.offsetMs;
  }

  set now(value: number) {
    this.offsetMs = value - Date.now();
  }

  readonly driver = new FakeCloudDriver();
  /** What the engines published on the events service, in order. */
  readonly published: EventParams[] = [];
  private engines = 0;

  constructor(readonly store: EnvironmentStore) {}

  engine(
    replicaId = `replica-${++this.engines}`,
    options: { notices?: EnvironmentNotices } = {},
  ) {
    return new LifecycleEngine({
      notices: options.notices,
      store: this.store,
      drivers: new Map([['fake', this.driver]]),
      logger: mockServices.logger.mock(),
      replicaId,
      clock: () => new Date(this.now),
      timings: { maxConsecutiveErrors: 4 },
      events: {
        publish: async params => {
          this.published.push(params);
        },
        subscribe: async () => {},
      },
    });
  }

  async create(
    id: string,
    spec: Partial<EnvironmentSpec> = {},
    secretInputs?: EnvironmentSpec['inputs'],
  ) {
    await this.store.createEnvironment({
      id,
      secretInputs,
      createdBy: 'user:default/lena',
      spec: {
        name: id,
        templateRef: 'environmenttemplate:default/test',
        templateVersion: '1.0.0',
        templateSnapshot: template(),
        inputs: { image: 'nginx:1' },
        owner: 'user:default/lena',
        generation: 1,
        ...spec,
      },
      status: pendingEnvironmentStatus(),
    });
  }

  /** Creates `id` and sweeps until it is Ready, the start of most scenarios. */
  async createReady(id: string, options: { restart?: boolean } = {}) {
    await this.create(id);
    return this.runUntil(id, 'Ready', options);
  }

  /** Creates `id` with a 10 minute TTL, sweeps it Ready, then lets it expire. */
  async createExpired(id: string) {
    await this.create(id, {
      expiresAt: new Date(this.now + 600_000).toISOString(),
    });
    await this.runUntil(id, 'Ready');
    this.now += 3_600_000;
  }

  /** The reasons of `id`'s events, oldest first. */
  async eventReasons(id: string): Promise<string[]> {
    return (await this.store.listEvents(id)).map(e => e.reason).reverse();
  }

  async get(id: string): Promise<Environment> {
    return (await this.store.getEnvironment(id))!;
  }

  /** Sweeps (a fresh engine each time when `restart`) until `id` reaches `phase`. */
  async runUntil(
    id: string,
    phase: EnvironmentPhase,
    options: { restart?: boolean; maxSweeps?: number } = {},
  ) {
    let engine = this.engine();
    for (let i = 0; i < (options.maxSweeps ?? 30); i++) {
      if (options.restart) engine = this.engine();
      await engine.sweep();
      this.now += 61_000;
      const env = await this.get(id);
      if (env.status.phase === phase) return env;
    }
    const env = await this.get(id);
    throw new Error(
      `environment ${id} stuck in ${env.status.phase}: ${JSON.stringify(
        env.status,
      )}`,
    );
  }
}

/**
 * An engine suite, once on each supported database: `suite` declares its
 * tests, each of which takes a harness over a fresh store from `harness()`.
 */
export function describeEngine(
  title: string,
  suite: (harness: () => Promise<Harness>) => void,
): void {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  describe.each(databases.eachSupportedId())(`${title} on %p`, databaseId => {
    suite(() => harnessOn(databases, databaseId));
  });
}

/** A harness over a fresh, migrated store on `databaseId`. */
export async function harnessOn(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
): Promise<Harness> {
  const { store } = await databaseStore(databases, databaseId);
  return new Harness(store);
}
