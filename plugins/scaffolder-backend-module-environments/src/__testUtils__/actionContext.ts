import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject, JsonValue } from '@backstage/types';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/**
 * A checkpoint store that outlives one run of an action, as the
 * scaffolder's does across a backend restart: successful checkpoints are
 * replayed, failed ones run again.
 */
export class CheckpointStore {
  readonly values = new Map<string, JsonValue | void>();

  checkpoint = async <T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T> => {
    if (this.values.has(opts.key)) return this.values.get(opts.key) as T;
    const value = await opts.fn();
    this.values.set(opts.key, value);
    return value;
  };
}

/** An action context with a logger whose messages a test can read. */
export function testContext(
  input: JsonObject,
  overrides: {
    checkpoints?: CheckpointStore;
    signal?: AbortSignal;
    isDryRun?: boolean;
  } = {},
): {
  // The scaffolder's test utilities lag its node package by a major version
  // in the registry, so the context is handed over untyped.
  ctx: any;
  outputs: Record<string, unknown>;
  logs: () => string[];
} {
  const logger = mockServices.logger.mock();
  const outputs: Record<string, unknown> = {};
  // createMockActionContext takes only some overrides; the rest go on top.
  const ctx = {
    ...createMockActionContext({
      input,
      logger,
      task: { id: 'task-1' },
      user: { ref: 'user:default/alice' },
    }),
    step: { id: 'environment', name: 'Create environment' },
    checkpoint: (overrides.checkpoints ?? new CheckpointStore()).checkpoint,
    signal: overrides.signal,
    isDryRun: overrides.isDryRun,
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  };
  const logs = () =>
    [...logger.info.mock.calls, ...logger.warn.mock.calls].map(c =>
      String(c[0]),
    );
  return { ctx, outputs, logs };
}
