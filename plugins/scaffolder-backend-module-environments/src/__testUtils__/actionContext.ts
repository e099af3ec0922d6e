import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject, JsonValue } from '@backstage/types';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  environmentsServiceMock,
  FakeEnvironmentsService,
} from '@envkit/plugin-environments-node/testUtils';
import yaml from 'yaml';
import type { EnvironmentActionOptions } from '../actions/runCreate';

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

/**
 * Runs the first step of a documented example against an in-memory
 * environments service and returns what a test checks: the step's input,
 * the create call (if any), the outputs and the fake itself.
 */
export async function runExample(
  createAction: (options: EnvironmentActionOptions) => {
    handler: (ctx: any) => Promise<void>;
  },
  example: { example: string },
  prepare: (fake: FakeEnvironmentsService) => void = () => {},
) {
  const fake = environmentsServiceMock();
  prepare(fake);
  const action = createAction({ environments: fake, pollIntervalMs: 1 });
  const step = yaml.parse(example.example).steps[0];
  const { ctx, outputs } = testContext(step.input);
  await action.handler(ctx);
  const [create] = fake.creates();
  return { fake, input: step.input, body: create?.body, outputs };
}

/** An env:create-ecs input for the storefront, as the tests' user gives it. */
export const storefrontEcsInput = {
  imageLocation: 'public.ecr.aws/nginx/nginx:1.27',
  containerPort: 80,
  component: 'component:default/storefront-web',
};

/** The create request {@link storefrontEcsInput} must become, for `name`. */
export function storefrontCreateRequest(name: string, extra: object = {}) {
  return {
    name,
    templateRef: 'ecs-web-service',
    inputs: {
      imageLocation: storefrontEcsInput.imageLocation,
      containerPort: storefrontEcsInput.containerPort,
    },
    owner: 'user:default/alice',
    component: storefrontEcsInput.component,
    ...extra,
  };
}
