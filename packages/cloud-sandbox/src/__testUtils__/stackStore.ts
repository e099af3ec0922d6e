import { ResourceEffects } from '../cloudformation/effects';
import {
  StackStore,
  type Stack,
  type StackInput,
} from '../cloudformation/stacks';
import { EcsState } from '../ecs/state';
import { fastContext } from './context';
import { eventually } from './helpers';

/** A StackStore on a fresh fast context, with the ECS state it acts on. */
export function stackStoreEnv() {
  const ctx = fastContext();
  const ecs = new EcsState(ctx);
  const store = new StackStore(ctx, new ResourceEffects(ecs));
  return { ctx, ecs, store };
}

export type StackStoreEnv = ReturnType<typeof stackStoreEnv>;

/**
 * A fresh {@link stackStoreEnv} for each test of the enclosing describe
 * block, its scheduled work cancelled after; the fields are set once
 * `beforeEach` has run.
 */
export function useStackStoreEnv(): StackStoreEnv {
  const env = {} as StackStoreEnv;
  beforeEach(() => {
    Object.assign(env, stackStoreEnv());
  });
  afterEach(() => env.ctx.scheduler.cancelAll());
  return env;
}

/** What CreateStack hands the store, with no tags or capabilities. */
export const stackInput = (
  stackName: string,
  templateBody: string,
  parameters: Record<string, string> = {},
): StackInput => ({
  stackName,
  templateBody,
  parameters: Object.entries(parameters).map(([key, value]) => ({
    ParameterKey: key,
    ParameterValue: value,
  })),
  tags: [],
  capabilities: [],
});

/** Waits until `stack` is no longer in progress; resolves to its status. */
export const settled = (stack: Stack) =>
  eventually(() => !stack.status.endsWith('_IN_PROGRESS') && stack.status);

/** Events oldest first, as `LogicalId STATUS`. */
export const timeline = (stack: Stack) =>
  [...stack.events].reverse().map(e => `${e.logicalId} ${e.status}`);
