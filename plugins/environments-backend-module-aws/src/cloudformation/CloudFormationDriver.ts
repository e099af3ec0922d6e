// Over 400 lines: the driver's five entry points stay together so that
// apply, observe and destroy (with its guards: imported exports, buckets to
// empty) can be read side by side; reads, writes, the desired stack,
// listener-rule priorities and failure classification live in their own files.
import type { Stack } from '@aws-sdk/client-cloudformation';
import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { stackName } from '@envkit/plugin-environments-common';
import {
  DriverApplyResult,
  DriverContext,
  DriverDestroyResult,
  DriverFailure,
  DriverObserveResult,
  DriverPlan,
  DriverEstimate,
  DriverResource,
  DriverValidationProblem,
  EnvironmentDriver,
} from '@envkit/plugin-environments-node';
import { AwsClients } from './AwsClients';
import { toDriverFailure } from './awsFailures';
import { AwsRateLimiter, AwsRateLimiterOptions } from './AwsRateLimiter';
import {
  CloudFormationAccountOptions,
  DEFAULT_BATCH_WINDOW_MS,
  readCloudFormationDriverConfig,
} from './config';
import { DesiredStack, desiredStack, STACK_TAGS } from './desiredStack';
import { EcsServiceStatusBatcher } from './EcsServiceStatusBatcher';
import { bucketsToEmpty, emptyBucket } from './emptyBuckets';
import {
  parseResourceParameters,
  StackResourceParameters,
} from './resourceParameters';
import { judgeServices, serviceHealth } from './serviceHealth';
import { applyStep, stackPhase } from './stackStatus';
import {
  describeStackRef,
  stackOutputs,
  StackReader,
  StackRef,
  tagValue,
} from './StackReader';
import { SecretRedactor } from './secrets';
import { inProgress, StackWriter } from './StackWriter';
import { StackStatusSnapshot } from './StackStatusSnapshot';
import {
  DEFAULT_SETTLED_RECHECK_MS,
  SettledServiceChecks,
} from './SettledServiceChecks';
import { keptOnDelete } from './templateParameters';
import { TemplateSource } from './templateSource';
import { declaredParameters } from './templateParameters';
import { importersOf } from './stackImports';
import { dataLossOfUpdate, describeDataLoss } from './replacementGuard';
import {
  LISTENER_RULE_PRIORITY_PARAMETER,
  ListenerRulePriorities,
  PLATFORM_NAME_PARAMETER,
} from './ListenerRulePriorities';
import { AWS_PRICE_LIST } from '../pricing/awsPriceList';
import { estimateTemplate } from '../pricing/estimateTemplate';

/** Options of the {@link CloudFormationDriver} constructor. @public */
export interface CloudFormationDriverOptions {
  logger: LoggerService;
  /** Credentials per AWS account, usually `DefaultAwsCredentialsManager`. */
  credentialsManager: AwsCredentialsManager;
  /** Reads platform teams' own templates; built-ins need none. */
  urlReader?: UrlReaderService;
  /** Endpoint of every CloudFormation and ECS client (the cloud sandbox). */
  endpoint?: string;
  defaultRegion?: string;
  /** Account of resources that do not name one. */
  accountId?: string;
  /**
   * Service role for CloudFormation (`RoleARN` of every stack call) in
   * accounts without a role of their own in `accounts`.
   */
  cloudFormationRoleArn?: string;
  /**
   * The accounts resources may name, each with its own service role and
   * default region. When set, a resource naming another account is
   * refused (by `validate` and every other call).
   */
  accounts?: CloudFormationAccountOptions[];
  /** Client-side limit of CloudFormation calls per account and region. */
  rateLimit?: AwsRateLimiterOptions;
  /** Client-side limit of ECS calls per account and region. */
  ecsRateLimit?: AwsRateLimiterOptions;
  /** How long ECS status lookups are collected before one call. */
  statusBatchWindowMs?: number;
  /** How long one ListStacks snapshot serves status checks. Default 15 s. */
  stackStatusMaxAgeMs?: number;
  /**
   * How long the ECS services of a stack that has not changed since they
   * were last seen healthy are taken as still healthy, in milliseconds;
   * 0 reads them on every status check. Default 5 minutes.
   */
  settledRecheckMs?: number;
  /** Directory of the built-in templates; the package's own by default. */
  templateDirectory?: string;
}

interface Prepared extends StackRef {
  params: StackResourceParameters;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The values at `path` (`a.b[0]`) inside `parameters`: a string, or the
 * strings of a list or object there (a list parameter is sent joined).
 */
function valuesAt(parameters: Record<string, unknown>, path: string): string[] {
  let node: unknown = parameters;
  for (const key of path.split(/\.|\[(\d+)\]/).filter(Boolean)) {
    if (!node || typeof node !== 'object') return [];
    node = (node as Record<string, unknown>)[key];
  }
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string' || typeof value === 'number') {
      out.push(String(value));
    } else if (Array.isArray(value)) {
      value.forEach(walk);
      out.push(value.join(','));
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(walk);
    }
  };
  walk(node);
  return out;
}

/** Hides the values of the resource's secret inputs. */
function redactorFor(resource: DriverResource): SecretRedactor {
  return new SecretRedactor(
    (resource.secretParameters ?? []).flatMap(path =>
      valuesAt(resource.parameters, path),
    ),
  );
}

/** `options` with `defaults` for the settings it leaves unset. */
function withDefaults(
  options: AwsRateLimiterOptions | undefined,
  defaults: AwsRateLimiterOptions,
): AwsRateLimiterOptions {
  const set = Object.fromEntries(
    Object.entries(options ?? {}).filter(([, value]) => value !== undefined),
  );
  return { ...defaults, ...set };
}

/**
 * The `aws-cloudformation` driver: one CloudFormation stack per resource,
 * named and tagged after its environment, created and updated from a
 * built-in or platform-provided template, with ECS service health reported
 * by `observe` for stacks that run services.
 *
 * @remarks
 * Every method makes at most one mutating call and returns: the lifecycle
 * engine calls again until the stack settles. Throttling is retried under a
 * per-account-and-region rate limit; failures are thrown as
 * `DriverFailure`s, a failed stack's with the first failed resource's
 * reason.
 *
 * @public
 */
export class CloudFormationDriver implements EnvironmentDriver {
  readonly id = 'aws-cloudformation';

  private readonly clients: AwsClients;
  private readonly limiter: AwsRateLimiter;
  private readonly batcher: EcsServiceStatusBatcher;
  private readonly reader: StackReader;
  private readonly settled: SettledServiceChecks;
  private readonly writer: StackWriter;
  private readonly priorities = new ListenerRulePriorities();
  private readonly templates: TemplateSource;
  private readonly defaultRegion: string;
  private readonly defaultAccountId?: string;
  private readonly defaultRoleArn?: string;
  private readonly accounts: Map<string, CloudFormationAccountOptions>;

  /** Builds the driver from app-config (`environments.aws` and `aws`). */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; urlReader?: UrlReaderService },
  ): CloudFormationDriver {
    const driverConfig = readCloudFormationDriverConfig(config);
    return new CloudFormationDriver({
      logger: options.logger,
      urlReader: options.urlReader,
      credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
      endpoint: driverConfig.endpoint,
      defaultRegion: driverConfig.defaultRegion,
      accountId: driverConfig.accountId,
      cloudFormationRoleArn: driverConfig.cloudFormationRoleArn,
      accounts: driverConfig.accounts,
      rateLimit: driverConfig.rateLimit,
      ecsRateLimit: driverConfig.ecsRateLimit,
      statusBatchWindowMs: driverConfig.statusBatchWindowMs,
      settledRecheckMs: driverConfig.settledRecheckMs,
    });
  }

  constructor(options: CloudFormationDriverOptions) {
    if (options.endpoint) {
      options.logger.info(
        `aws-cloudformation driver: every CloudFormation and ECS call goes to ${options.endpoint}`,
      );
    }
    this.defaultRegion = options.defaultRegion ?? 'us-east-1';
    this.defaultAccountId = options.accountId;
    this.defaultRoleArn = options.cloudFormationRoleArn;
    this.accounts = new Map();
    for (const account of options.accounts ?? []) {
      if (!ACCOUNT_ID.test(account.accountId)) {
        throw new InputError(
          `environments.aws.accounts: '${account.accountId}' is not a 12-digit AWS account id (quote it in YAML so it stays a string)`,
        );
      }
      if (this.accounts.has(account.accountId)) {
        throw new InputError(
          `environments.aws.accounts: account ${account.accountId} is listed twice`,
        );
      }
      this.accounts.set(account.accountId, account);
    }
    // CloudFormation and ECS have separate API limits, and CloudFormation's
    // are far lower; each gets its own bucket per account and region.
    this.limiter = new AwsRateLimiter(
      withDefaults(options.rateLimit, { requestsPerSecond: 4, burst: 8 }),
    );
    this.clients = new AwsClients({
      credentialsManager: options.credentialsManager,
      endpoint: options.endpoint,
      defaultAccountId: options.accountId,
      limit: (key, call) => this.limiter.run(key, call),
    });
    this.batcher = new EcsServiceStatusBatcher({
      limiter: new AwsRateLimiter(
        // ECS refills an account's read buckets at 20 a second. The driver
        // keeps to that rate and bursts no further: the bucket is shared
        // with every other client of the account, and a burst past it only
        // buys throttled calls and retries.
        withDefaults(options.ecsRateLimit, {
          requestsPerSecond: 20,
          burst: 20,
        }),
      ),
      windowMs: options.statusBatchWindowMs ?? DEFAULT_BATCH_WINDOW_MS,
    });
    this.reader = new StackReader(
      new StackStatusSnapshot({
        maxAgeMs: options.stackStatusMaxAgeMs ?? 15_000,
      }),
    );
    this.settled = new SettledServiceChecks({
      recheckMs: options.settledRecheckMs ?? DEFAULT_SETTLED_RECHECK_MS,
    });
    this.writer = new StackWriter(this.reader);
    this.templates = new TemplateSource({
      urlReader: options.urlReader,
      directory: options.templateDirectory,
    });
  }

  /** Releases the SDK clients' sockets. */
  close(): void {
    this.clients.destroy();
  }

  async validate(resource: DriverResource): Promise<DriverValidationProblem[]> {
    const { value, problems } = parseResourceParameters(
      resource.parameters,
      resource.secretParameters,
    );
    const unknownAccount = value && this.unknownAccount(value);
    return unknownAccount ? [...problems, unknownAccount] : problems;
  }

  async plan(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverPlan> {
    return this.withStack(resource, ctx, async (prepared, stack) => {
      const target = describeStackRef(prepared);
      if (!stack) {
        return { actions: [{ action: 'create', target }] };
      }
      const desired = await this.desired(prepared, resource, ctx, stack);
      if (tagValue(stack, STACK_TAGS.specHash) === desired.hash) {
        return { actions: [{ action: 'none', target }] };
      }
      return {
        actions: [
          {
            action:
              stackPhase(stack.StackStatus ?? '') === 'createFailed'
                ? 'create'
                : 'update',
            target,
            description: `stack is ${stack.StackStatus}`,
          },
        ],
      };
    });
  }

  /**
   * The monthly cost of the stack the resource describes, at list prices
   * (see `pricing/awsPriceList.ts`), with no AWS call: the template and
   * parameters are the ones an apply would send.
   */
  async estimate(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverEstimate> {
    const { value: params, problems } = parseResourceParameters(
      resource.parameters,
      resource.secretParameters,
    );
    if (!params) {
      throw new InputError(
        `resource '${resource.name}': ${problems
          .map(p => `${p.path} ${p.message}`)
          .join('; ')}`,
      );
    }
    const desired = desiredStack({
      body: await this.templates.load(params.template, params.baseUrl),
      params,
      environment: ctx.environment,
      resourceName: resource.name,
    });
    const lines = estimateTemplate(
      desired.body,
      Object.fromEntries(
        desired.parameters.map(p => [p.ParameterKey, p.ParameterValue]),
      ),
    );
    if (!lines) {
      throw new InputError(
        `resource '${resource.name}': its template cannot be read to estimate its cost`,
      );
    }
    const region = params.region ?? this.defaultRegion;
    return {
      currency: 'USD',
      lines:
        region && region !== AWS_PRICE_LIST.region
          ? lines.map(l => ({
              ...l,
              assumption: [
                l.assumption,
                `priced at ${AWS_PRICE_LIST.region} rates`,
              ]
                .filter(Boolean)
                .join('; '),
            }))
          : lines,
      priceList: AWS_PRICE_LIST,
    };
  }

  async apply(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverApplyResult> {
    return this.withStack(resource, ctx, async (prepared, stack) => {
      const desired = await this.desired(prepared, resource, ctx, stack);
      const upToDate =
        !!stack && tagValue(stack, STACK_TAGS.specHash) === desired.hash;
      const step = applyStep(stack?.StackStatus, upToDate);
      const status = stack?.StackStatus;
      switch (step) {
        case 'create':
          return this.writer.send('create', prepared, desired, ctx);
        case 'wait':
          return inProgress(`Stack ${prepared.stackName} is ${status}`);
        case 'replace':
          // The spec changed since creation failed; a stack that never got
          // created cannot be updated, so replace it.
          await this.writer.delete(prepared, stack!, 'replace-failed', ctx);
          return inProgress(
            `Replacing stack ${prepared.stackName}, which failed to create`,
          );
        case 'checkRollback': {
          // A rollback restores the stack's old tags, so whether it was our
          // update that failed shows only in the events, by our token.
          const events = await this.reader.recentEvents(prepared, stack!, ctx);
          if (events.some(e => e.ClientRequestToken === ctx.token('update'))) {
            throw this.reader.rolledBack(prepared, stack!, events);
          }
          // Someone else's update rolled back to what we want, or we want
          // something new: update as usual.
          if (upToDate) {
            return { status: 'Ready', outputs: stackOutputs(stack!) };
          }
          await this.refuseDataLoss(prepared, stack!, desired, ctx);
          return this.writer.send('update', prepared, desired, ctx, stack);
        }
        case 'ready':
          return { status: 'Ready', outputs: stackOutputs(stack!) };
        case 'update':
          await this.refuseDataLoss(prepared, stack!, desired, ctx);
          return this.writer.send('update', prepared, desired, ctx, stack);
        default:
          throw await this.explained(
            prepared,
            await this.reader.failureOf(prepared, stack!, step.failed, ctx),
            ctx,
          );
      }
    });
  }

  /**
   * Refuses, before anything is applied, an update that would replace or
   * delete a data resource of the stack (and lose its data), unless the
   * resource allows replacement. The stack is left as it is, running.
   */
  private async refuseDataLoss(
    prepared: Prepared,
    stack: Stack,
    desired: DesiredStack,
    ctx: DriverContext,
  ): Promise<void> {
    if (prepared.params.allowReplacement) return;
    const body = await this.reader.template(prepared, stack, ctx);
    if (!body) return;
    // DescribeStacks masks NoEcho values: those are compared as unknown on
    // both sides rather than as a change from '****'.
    const deployed = Object.fromEntries(
      (stack.Parameters ?? [])
        .filter(p => p.ParameterValue !== '****')
        .map(p => [p.ParameterKey ?? '', p.ParameterValue ?? '']),
    );
    const masked = new Set(
      (stack.Parameters ?? [])
        .filter(p => p.ParameterValue === '****')
        .map(p => p.ParameterKey),
    );
    const losses = dataLossOfUpdate(
      { body, parameters: deployed },
      {
        body: desired.body,
        parameters: Object.fromEntries(
          desired.parameters
            .filter(p => !masked.has(p.ParameterKey))
            .map(p => [p.ParameterKey, p.ParameterValue]),
        ),
      },
    );
    if (losses.length === 0) return;
    throw DriverFailure.needsAttention({
      reason: 'ReplacementRefused',
      message: describeDataLoss(prepared.stackName, losses),
      resource: describeStackRef(prepared),
    });
  }

  /**
   * Refuses to delete a stack whose exports other stacks import (a shared
   * platform with services on it): CloudFormation would fail the deletion
   * and leave the stack DELETE_FAILED; refused here, it stays usable and a
   * later destroy, once the services are gone, goes through.
   */
  private async refuseWhileImported(
    prepared: Prepared,
    stack: Stack,
    ctx: DriverContext,
  ): Promise<void> {
    for (const output of stack.Outputs ?? []) {
      if (!output.ExportName) continue;
      const importers = await importersOf(prepared, output.ExportName, ctx);
      if (importers.length === 0) continue;
      throw DriverFailure.needsAttention({
        reason: 'ExportInUse',
        message: `Stack ${
          prepared.stackName
        } cannot be deleted yet: its export ${
          output.ExportName
        } is in use by ${importers.join(
          ', ',
        )}. Destroy the environments running on it first, then destroy this one again.`,
        resource: describeStackRef(prepared),
      });
    }
  }

  /**
   * A failure of a stack with a rule on a shared listener, with the rule
   * that holds its priority named when ELB refused the priority.
   */
  private async explained(
    prepared: Prepared,
    failure: DriverFailure,
    ctx: DriverContext,
  ): Promise<DriverFailure> {
    const platform = prepared.params.parameters[PLATFORM_NAME_PARAMETER];
    const clash =
      platform &&
      (await this.priorities.explainClash(
        prepared,
        platform,
        failure.message,
        ctx,
      ));
    if (!clash) return failure;
    return DriverFailure.permanent({
      reason: 'ListenerRulePriorityInUse',
      message: `${clash} ${failure.message}`,
      resource: failure.resource,
    });
  }

  async observe(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverObserveResult> {
    return this.classified(resource, ctx, async prepared => {
      const stack = await this.reader.observed(prepared, ctx);
      if (!stack) {
        throw DriverFailure.permanent({
          reason: 'StackNotFound',
          message: `Stack ${prepared.stackName} does not exist`,
          resource: describeStackRef(prepared),
        });
      }
      const status = stack.StackStatus ?? '';
      const details: Record<string, unknown> = {
        stackName: prepared.stackName,
        stackId: stack.StackId,
        stackStatus: status,
        region: prepared.target.region,
      };
      const phase = stackPhase(status);
      if (phase === 'busy') {
        return {
          status: 'InProgress',
          exists: true,
          details,
          message: `Stack ${prepared.stackName} is ${status}`,
        };
      }
      if (phase !== 'stable') {
        const reason =
          {
            createFailed: 'StackCreateFailed',
            deleteFailed: 'StackDeleteFailed',
          }[phase as string] ?? 'StackUpdateFailed';
        throw await this.reader.failureOf(prepared, stack, reason, ctx);
      }
      const outputs = stackOutputs(stack);
      const refs = await this.reader.services(prepared, stack, outputs, ctx);
      const services =
        this.settled.fresh(stack) ??
        (await Promise.all(
          refs.map(async ref =>
            serviceHealth(
              ref.cluster,
              ref.service,
              await this.batcher.describe(
                prepared.target,
                ref.cluster,
                ref.service,
              ),
            ),
          ),
        ));
      const verdict = judgeServices(services);
      this.settled.record(stack, services, verdict.status === 'Ready');
      if (verdict.status === 'Failed') {
        throw DriverFailure.permanent({
          reason: verdict.reason ?? 'ServiceFailed',
          message:
            verdict.message ??
            `A service of stack ${prepared.stackName} failed`,
          resource: describeStackRef(prepared),
        });
      }
      // A failed update rolled back: the stack runs its last good version,
      // which is usable; apply reports the failure itself.
      const rolledBack =
        status === 'UPDATE_ROLLBACK_COMPLETE' && verdict.status === 'Ready'
          ? {
              reason: 'UpdateRolledBack',
              message: `The last update of stack ${prepared.stackName} was rolled back; it runs its previous version`,
            }
          : {};
      return {
        ...verdict,
        ...rolledBack,
        status: verdict.status,
        exists: true,
        outputs,
        details: refs.length ? { ...details, services } : details,
      };
    });
  }

  async destroy(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverDestroyResult> {
    return this.withStack(resource, ctx, async (prepared, stack) => {
      const status = stack?.StackStatus ?? '';
      const phase = stackPhase(status);
      if (!stack || phase === 'deleted') return { status: 'Destroyed' };
      if (phase === 'deleteFailed') {
        throw await this.reader.failureOf(
          prepared,
          stack,
          'StackDeleteFailed',
          ctx,
        );
      }
      if (status === 'DELETE_IN_PROGRESS') {
        return inProgress(`Stack ${prepared.stackName} is being deleted`);
      }
      // CloudFormation deletes a stack that is still being created, but an
      // update or rollback has to finish first.
      if (phase === 'busy' && status !== 'CREATE_IN_PROGRESS') {
        return inProgress(
          `Waiting for stack ${prepared.stackName} to leave ${status} before deleting it`,
        );
      }
      await this.refuseWhileImported(prepared, stack, ctx);
      await this.emptyBuckets(prepared, resource, stack, ctx);
      await this.writer.delete(prepared, stack, 'delete', ctx);
      return inProgress(`Deleting stack ${prepared.stackName}`);
    });
  }

  /**
   * Empties the buckets deleting the stack will delete, so CloudFormation
   * can remove them (it refuses non-empty buckets). Buckets the template
   * keeps on delete (`DeletionPolicy: Retain`, …) keep their objects.
   */
  private async emptyBuckets(
    prepared: Prepared,
    resource: DriverResource,
    stack: Stack,
    ctx: DriverContext,
  ): Promise<void> {
    const resources = await this.reader.resources(prepared, stack, ctx);
    if (!resources.some(r => r.ResourceType === 'AWS::S3::Bucket')) return;
    const kept = keptOnDelete(
      (await this.desired(prepared, resource, ctx, stack)).body,
    );
    // A template the driver cannot read may keep anything: leave data alone.
    if (!kept) return;
    for (const bucket of bucketsToEmpty(resources, kept)) {
      const count = await emptyBucket(prepared.target.s3, bucket, ctx.signal);
      ctx.logger.info(
        `Emptied bucket ${bucket} (${count} object(s) deleted) before deleting stack ${prepared.stackName}`,
      );
    }
  }

  /**
   * Runs a call on the resource's stack, turning what AWS answered into
   * the failure protocol, with the values of secret inputs kept out of
   * everything it returns, throws or logs.
   */
  private async classified<T>(
    resource: DriverResource,
    callCtx: DriverContext,
    fn: (prepared: Prepared) => Promise<T>,
  ): Promise<T> {
    const redactor = redactorFor(resource);
    const ctx = redactor.active
      ? { ...callCtx, logger: redactor.logger(callCtx.logger) }
      : callCtx;
    let what = `resource '${resource.name}'`;
    try {
      const prepared = await this.prepare(resource, ctx);
      what = describeStackRef(prepared);
      return redactor.value(await fn(prepared));
    } catch (error) {
      throw redactor.failure(toDriverFailure(error, what));
    }
  }

  /**
   * {@link CloudFormationDriver.classified}, for a call that starts from the
   * resource's stack as DescribeStacks has it now (undefined if none).
   */
  private withStack<T>(
    resource: DriverResource,
    ctx: DriverContext,
    fn: (prepared: Prepared, stack: Stack | undefined) => Promise<T>,
  ): Promise<T> {
    return this.classified(resource, ctx, async prepared =>
      fn(prepared, await this.reader.describe(prepared, ctx)),
    );
  }

  /** The problem of a resource naming an account not configured. */
  private unknownAccount(
    params: StackResourceParameters,
  ): DriverValidationProblem | undefined {
    const account = params.accountId;
    if (
      !account ||
      this.accounts.size === 0 ||
      this.accounts.has(account) ||
      account === this.defaultAccountId
    ) {
      return undefined;
    }
    return {
      path: 'parameters.accountId',
      message: `account ${account} is not configured for the aws-cloudformation driver; environments.aws.accounts lists ${[
        ...this.accounts.keys(),
      ].join(', ')}`,
    };
  }

  private async prepare(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<Prepared> {
    const parsed = parseResourceParameters(
      resource.parameters,
      resource.secretParameters,
    );
    const { value } = parsed;
    const unknownAccount = value && this.unknownAccount(value);
    const problems = unknownAccount ? [unknownAccount] : parsed.problems;
    if (!value || unknownAccount) {
      throw new InputError(
        `resource '${resource.name}': ${problems
          .map(p => `${p.path} ${p.message}`)
          .join('; ')}`,
      );
    }
    const env = ctx.environment;
    const named = value.accountId ?? this.defaultAccountId;
    const account = named ? this.accounts.get(named) : undefined;
    const target = await this.clients.get(
      value.accountId,
      value.region ?? account?.region ?? this.defaultRegion,
    );
    const settings = account ?? this.accounts.get(target.accountId);
    return {
      params: value,
      target,
      stackName: stackName(env.name, env.id, resource.name),
      roleArn: settings?.cloudFormationRoleArn ?? this.defaultRoleArn,
    };
  }

  /**
   * The stack to ask for; a template with a rule on a shared listener gets
   * the priority `stack` already has, or a free one for a new stack.
   */
  private async desired(
    prepared: Prepared,
    resource: DriverResource,
    ctx: DriverContext,
    stack: Stack | undefined,
  ): Promise<DesiredStack> {
    let { params } = prepared;
    const body = await this.templates.load(params.template, params.baseUrl);
    const platform = params.parameters[PLATFORM_NAME_PARAMETER];
    if (
      platform &&
      params.parameters[LISTENER_RULE_PRIORITY_PARAMETER] === undefined &&
      declaredParameters(body)?.has(LISTENER_RULE_PRIORITY_PARAMETER)
    ) {
      const priority = await this.priorities.choose(
        prepared,
        platform,
        `${ctx.environment.id}/${resource.name}`,
        stack,
        ctx,
      );
      params = {
        ...params,
        parameters: {
          ...params.parameters,
          [LISTENER_RULE_PRIORITY_PARAMETER]: priority,
        },
      };
    }
    return desiredStack({
      body,
      params,
      environment: ctx.environment,
      resourceName: resource.name,
    });
  }
}
