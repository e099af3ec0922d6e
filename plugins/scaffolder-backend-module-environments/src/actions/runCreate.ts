import { createHash } from 'node:crypto';
import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonValue } from '@backstage/types';
import {
  CreateEnvironmentRequest,
  Environment,
  environmentNameProblem,
} from '@envkit/plugin-environments-common';
import type { EnvironmentsService } from '@envkit/plugin-environments-node';
import { DEFAULT_TIMEOUT_MINUTES, withNamedInputs } from './inputs';
import { failingInWords } from './taskFailure';
import {
  DEFAULT_POLL_INTERVAL_MS,
  waitForEnvironment,
} from './waitForEnvironment';

/** Options of the factories of the create and destroy actions. @public */
export interface EnvironmentActionOptions {
  environments: EnvironmentsService;
  /** Time between status polls while waiting; 5 s unless given. */
  pollIntervalMs?: number;
}

/** The parts of the scaffolder's action context the env:* actions use. */
export interface EnvironmentActionContext {
  logger: LoggerService;
  checkpoint<T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T>;
  output(
    name:
      | 'entityRef'
      | 'environmentId'
      | 'phase'
      | 'endpoint'
      | 'namespace'
      | 'cluster'
      | 'approvers'
      | 'outputs',
    value: string | Record<string, string>,
  ): void;
  getInitiatorCredentials(): Promise<BackstageCredentials>;
  task: { id: string };
  step?: { id?: string; name?: string };
  user?: { ref?: string };
  isDryRun?: boolean;
  signal?: AbortSignal;
}

/** What the create actions ask for, after each action merged its own fields. */
export interface CreateInput {
  name: string;
  templateRef: string;
  inputs: Record<string, unknown>;
  /** Values of secret inputs, from the task's secrets; never logged. */
  secretInputs?: Record<string, string>;
  owner?: string;
  component?: string;
  ttl?: string;
  wait?: boolean;
  timeoutMinutes?: number;
}

/** Entity ref of the catalog Resource an environment is published as. */
export function environmentEntityRef(name: string): string {
  return `resource:default/${name}`;
}

/**
 * `inputs` without the empty values a form leaves for fields nobody filled
 * in (the backend then applies the template's default or says the input is
 * required), with the secret values put in. A `ui:field: Secret` form field
 * leaves only asterisks in the parameters, and an unset secret renders as
 * an empty string: that input is left out.
 */
function filledInputs(
  inputs: Record<string, unknown>,
  secrets: Record<string, string> | undefined,
): Record<string, unknown> {
  const merged = Object.fromEntries(
    Object.entries(inputs).filter(([, v]) => v !== '' && v !== null),
  );
  for (const [name, value] of Object.entries(secrets ?? {})) {
    if (typeof value === 'string' && value !== '') merged[name] = value;
    else delete merged[name];
  }
  return merged;
}

/** Empty strings come from unset template parameters; treat them as unset. */
function optional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * An Idempotency-Key unique to this step of this task (and this environment,
 * for steps run with `each`), so a create retried after a crash, even one
 * inside the HTTP call, returns the environment the first attempt made.
 */
export function idempotencyKey(
  ctx: EnvironmentActionContext,
  name: string,
): string {
  const key = `scaffolder:${ctx.task.id}:${ctx.step?.id ?? 'step'}:${name}`;
  if (key.length <= 255) return key;
  return `scaffolder:${createHash('sha256').update(key).digest('hex')}`;
}

function writeOutputs(
  ctx: EnvironmentActionContext,
  environment: Pick<Environment, 'id' | 'spec' | 'status'>,
) {
  const outputs = environment.status?.outputs ?? {};
  ctx.output('entityRef', environmentEntityRef(environment.spec.name));
  ctx.output('environmentId', environment.id);
  ctx.output('phase', environment.status?.phase ?? 'Pending');
  const approvers = environment.spec.approval?.approvers;
  if (environment.status?.phase === 'AwaitingApproval' && approvers) {
    ctx.output('approvers', approvers);
  }
  for (const key of ['endpoint', 'namespace', 'cluster'] as const) {
    if (typeof outputs[key] === 'string' && outputs[key] !== '') {
      ctx.output(key, outputs[key]);
    }
  }
  // A fresh record: the scaffolder renders only plain objects, and a parsed
  // response body may come from another realm.
  ctx.output('outputs', Object.fromEntries(Object.entries(outputs)));
}

/**
 * Creates an environment for the user running the task and, unless told
 * not to, waits until it is Ready. The create is checkpointed: a recovered
 * task picks up the environment it already made instead of making another.
 */
export function runCreate(
  ctx: EnvironmentActionContext,
  input: CreateInput,
  options: EnvironmentActionOptions,
): Promise<void> {
  return failingInWords(() => createAndWait(ctx, input, options));
}

async function createAndWait(
  ctx: EnvironmentActionContext,
  input: CreateInput,
  options: EnvironmentActionOptions,
): Promise<void> {
  const { environments } = options;
  const problem = environmentNameProblem(input.name);
  if (problem) {
    throw new InputError(`name: '${input.name}' ${problem}`);
  }
  if (!input.templateRef?.trim()) {
    throw new InputError('templateRef: an EnvironmentTemplate is required');
  }
  const timeoutMinutes = input.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
  const request: CreateEnvironmentRequest = {
    name: input.name,
    templateRef: input.templateRef,
    inputs: filledInputs(input.inputs, input.secretInputs),
  };
  const owner = optional(input.owner) ?? optional(ctx.user?.ref);
  if (owner) request.owner = owner;
  const component = optional(input.component);
  if (component) request.component = component;
  const ttl = optional(input.ttl);
  if (ttl) request.ttl = ttl;

  const credentials = await ctx.getInitiatorCredentials();

  if (ctx.isDryRun) {
    const preview = await environments.previewEnvironment(request, {
      credentials,
    });
    ctx.logger.info(
      `Dry run: would create '${input.name}' from ${preview.environment.spec.templateRef}@${preview.environment.spec.templateVersion} for ${preview.environment.spec.owner}`,
    );
    for (const resource of preview.resources) {
      ctx.logger.info(
        `Dry run: resource '${resource.name}' (${resource.driver})${
          resource.note ? `: ${resource.note}` : ''
        }`,
      );
    }
    writeOutputs(ctx, preview.environment);
    return;
  }

  const key = idempotencyKey(ctx, input.name);
  const id = await ctx.checkpoint({
    key: `envkit.create.${ctx.step?.id ?? 'step'}.${input.name}`,
    fn: async () => {
      const created = await environments.createEnvironment(request, {
        credentials,
        idempotencyKey: key,
      });
      return created.id;
    },
  });
  ctx.logger.info(
    `Environment '${input.name}' (${id}) requested from ${input.templateRef}`,
  );

  let environment: Environment;
  if (input.wait === false) {
    environment = await environments.getEnvironment(id, { credentials });
  } else {
    environment = await waitForEnvironment({
      environments,
      credentials,
      id,
      until: 'Ready',
      logger: ctx.logger,
      timeoutMs: timeoutMinutes * 60_000,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      signal: ctx.signal,
    });
  }
  if (environment.status.phase === 'AwaitingApproval') {
    ctx.logger.info(
      `Environment '${input.name}' is waiting for approval by a member of ${
        environment.spec.approval?.approvers ?? 'the approver group'
      }; it is provisioned once approved. Follow it on its page: ${environmentEntityRef(
        input.name,
      )}`,
    );
  }
  writeOutputs(ctx, environment);
}

/**
 * {@link runCreate} for an action with named fields for some template
 * inputs (`imageLocation`, `quotaSize`, …) and a default template.
 */
export function runWorkloadCreate(
  ctx: EnvironmentActionContext,
  input: Omit<CreateInput, 'templateRef' | 'inputs'> & {
    templateRef?: string;
    inputs?: Record<string, unknown>;
  },
  named: Record<string, unknown>,
  defaultTemplate: string,
  options: EnvironmentActionOptions,
): Promise<void> {
  return runCreate(
    ctx,
    {
      ...input,
      templateRef: input.templateRef || defaultTemplate,
      inputs: withNamedInputs(input.inputs, named),
    },
    options,
  );
}
