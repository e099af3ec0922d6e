import type { Sandbox } from '@envkit/cloud-sandbox';
import {
  CompleteEnvironmentDriver,
  DriverEnvironment,
  DriverResource,
} from '@envkit/plugin-environments-node';
import {
  DriverFailure,
  isDriverFailure,
} from '@envkit/plugin-environments-node';
import { mockDriverContext, mockDriverEnvironment } from './driverContext';
import { useCloudSandbox } from './sandbox';
import { untilSettled } from './wait';

/** A driver as the contract suite builds it; `close` is called at the end. @public */
export type ContractDriver = CompleteEnvironmentDriver & { close?(): void };

/**
 * What {@link describeDriverContract} needs to know about one driver.
 *
 * @public
 */
export interface DriverContractOptions {
  /** Names the suite, e.g. `aws-cloudformation`. */
  name: string;
  /** The driver, talking to `sandbox`. */
  makeDriver(sandbox: Sandbox): ContractDriver;
  /**
   * The same driver pointed at an endpoint that refuses every connection,
   * so each call fails in a way that may pass later.
   */
  makeUnreachableDriver(sandbox: Sandbox): ContractDriver;
  /** A resource that becomes Ready; `revision` changes one parameter. */
  resource(revision: 1 | 2): DriverResource;
  /** A resource whose parameters the cloud (or driver) refuses outright. */
  invalidResource: DriverResource;
  /** The value of the revised parameter as the cloud now has it. */
  readRevision(
    sandbox: Sandbox,
    environment: DriverEnvironment,
  ): Promise<unknown>;
  /** The value {@link DriverContractOptions.readRevision} gives for each revision. */
  revisionValues: Record<1 | 2, unknown>;
  /**
   * Something that changes whenever the cloud object is written (e.g. a
   * stack's last update time, a resourceVersion), to see that a repeated
   * apply wrote nothing.
   */
  writeMarker(
    sandbox: Sandbox,
    environment: DriverEnvironment,
  ): Promise<unknown>;
  /** Descriptions of whatever the environment still has in the cloud. */
  leftovers(
    sandbox: Sandbox,
    environment: DriverEnvironment,
  ): Promise<string[]>;
  /** Outputs every Ready resource must have. */
  outputKeys: string[];
}

async function failureOf(call: () => Promise<unknown>): Promise<DriverFailure> {
  try {
    await call();
  } catch (error) {
    if (isDriverFailure(error)) return error;
    throw error;
  }
  throw new Error('expected the driver to throw a DriverFailure');
}

/**
 * The behaviour every environment driver owes the lifecycle engine, run
 * against the cloud sandbox: create, observe, idempotent re-apply, update,
 * destroy, and the failure protocol for a retryable and a permanent
 * failure. Call it at the top level of a test file.
 *
 * @public
 */
export function describeDriverContract(options: DriverContractOptions) {
  describe(`${options.name} driver contract`, () => {
    const sandbox = useCloudSandbox();
    const environment = mockDriverEnvironment({
      id: `env-contract-${options.name.replace(/[^a-z0-9]/g, '')}`.slice(0, 36),
      name: 'contract',
    });
    let driver: ContractDriver;
    const first = options.resource(1);
    const ctx = () => mockDriverContext(environment, first.name);

    beforeAll(() => {
      driver = options.makeDriver(sandbox());
    });
    afterAll(() => driver?.close?.());

    it('creates the resource and reports it Ready with its outputs', async () => {
      const { last } = await untilSettled(() => driver.apply(first, ctx()), {
        timeoutMs: 60_000,
      });
      expect(last.status).toBe('Ready');
      expect(Object.keys(last.outputs ?? {})).toEqual(
        expect.arrayContaining(options.outputKeys),
      );
      expect(await options.readRevision(sandbox(), environment)).toEqual(
        options.revisionValues[1],
      );
    });

    it('observes the resource as existing and Ready', async () => {
      const observed = await driver.observe(first, ctx());
      expect(observed).toMatchObject({ status: 'Ready', exists: true });
    });

    it('changes nothing when the same apply is repeated', async () => {
      const before = await options.writeMarker(sandbox(), environment);
      const again = await driver.apply(first, ctx());
      const twice = await driver.apply(first, ctx());
      expect(again.status).toBe('Ready');
      expect(twice.outputs).toEqual(again.outputs);
      expect(await options.writeMarker(sandbox(), environment)).toEqual(before);
    });

    it('brings changed parameters to the cloud', async () => {
      const second = options.resource(2);
      const { last } = await untilSettled(() => driver.apply(second, ctx()), {
        timeoutMs: 60_000,
      });
      expect(last.status).toBe('Ready');
      expect(await options.readRevision(sandbox(), environment)).toEqual(
        options.revisionValues[2],
      );
    });

    it('destroys the resource, leaving nothing, and stays destroyed', async () => {
      const second = options.resource(2);
      const { last } = await untilSettled(() => driver.destroy(second, ctx()), {
        timeoutMs: 60_000,
      });
      expect(last.status).toBe('Destroyed');
      expect(await options.leftovers(sandbox(), environment)).toEqual([]);
      expect((await driver.destroy(second, ctx())).status).toBe('Destroyed');
    });

    it('reports an unreachable cloud as a retryable failure', async () => {
      const unreachable = options.makeUnreachableDriver(sandbox());
      try {
        const failure = await failureOf(() => unreachable.apply(first, ctx()));
        expect(failure.kind).toBe('retryable');
        expect(failure.reason).toMatch(/^[A-Z][A-Za-z]+$/);
      } finally {
        unreachable.close?.();
      }
    });

    it('reports parameters the cloud refuses as a permanent failure naming the resource', async () => {
      const invalid = options.invalidResource;
      // An environment of its own: nothing of the cases above interferes.
      const invalidCtx = mockDriverContext(
        mockDriverEnvironment({ id: `${environment.id}-x`, name: 'refused' }),
        invalid.name,
      );
      const failure = await failureOf(() =>
        untilSettled(() => driver.apply(invalid, invalidCtx), {
          timeoutMs: 60_000,
        }),
      );
      expect(failure.kind).toBe('permanent');
      expect(failure.reason).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(failure.resource).toBeTruthy();
      expect(failure.message).toBeTruthy();
      await untilSettled(() => driver.destroy(invalid, invalidCtx), {
        timeoutMs: 60_000,
      });
    });
  });
}
