// A little over 400 lines: the driver's five entry points stay together so
// that apply, observe and destroy can be read side by side; reads, writes,
// the desired stack and failure classification live in their own files.
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
  DriverResource,
  DriverValidationProblem,
  EnvironmentDriver,
} from '@envkit/plugin-environments-node';
import { AwsClients } from './AwsClients';
import { toDriverFailure } from './awsFailures';
import { AwsRateLimiter, AwsRateLimiterOptions } from './AwsRateLimiter';
import {
  DEFAULT_BATCH_WINDOW_MS,
  readCloudFormationDriverConfig,
} from './config';
import { DesiredStack, desiredStack, STACK_TAGS } from './desiredStack';
import { EcsServiceStatusBatcher } from './EcsServiceStatusBatcher';
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
import { inProgress, StackWriter } from './StackWriter';
import { StackStatusSnapshot } from './StackStatusSnapshot';
import { TemplateSource } from './templateSource';

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
  /** Service role for CloudFormation (`RoleARN` of every stack call). */
  cloudFormationRoleArn?: string;
  /** Client-side limit of CloudFormation calls per account and region. */
  rateLimit?: AwsRateLimiterOptions;
  /** Client-side limit of ECS calls per account and region. */
  ecsRateLimit?: AwsRateLimiterOptions;
  /** How long ECS status lookups are collected before one call. */
  statusBatchWindowMs?: number;
  /** How long one ListStacks snapshot serves status checks. Default 5 s. */
  stackStatusMaxAgeMs?: number;
  /** Directory of the built-in templates; the package's own by default. */
  templateDirectory?: string;
}

interface Prepared extends StackRef {
  params: StackResourceParameters;
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
  private readonly writer: StackWriter;
  private readonly templates: TemplateSource;
  private readonly defaultRegion: string;

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
      rateLimit: driverConfig.rateLimit,
      ecsRateLimit: driverConfig.ecsRateLimit,
      statusBatchWindowMs: driverConfig.statusBatchWindowMs,
    });
  }

  constructor(options: CloudFormationDriverOptions) {
    if (options.endpoint) {
      options.logger.info(
        `aws-cloudformation driver: every CloudFormation and ECS call goes to ${options.endpoint}`,
      );
    }
    this.defaultRegion = options.defaultRegion ?? 'us-east-1';
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
        withDefaults(options.ecsRateLimit, {
          requestsPerSecond: 20,
          burst: 40,
        }),
      ),
      windowMs: options.statusBatchWindowMs ?? DEFAULT_BATCH_WINDOW_MS,
    });
    this.reader = new StackReader(
      new StackStatusSnapshot({
        maxAgeMs: options.stackStatusMaxAgeMs ?? 5000,
      }),
    );
    this.writer = new StackWriter(this.reader, options.cloudFormationRoleArn);
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
    return parseResourceParameters(resource.parameters).problems;
  }

  async plan(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverPlan> {
    const prepared = await this.prepare(resource, ctx);
    const target = describeStackRef(prepared);
    const stack = await this.reader.describe(prepared, ctx);
    if (!stack) {
      return { actions: [{ action: 'create', target }] };
    }
    const desired = await this.desired(prepared, resource, ctx);
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
  }

  async apply(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverApplyResult> {
    return this.classified(resource, ctx, async prepared => {
      const desired = await this.desired(prepared, resource, ctx);
      const stack = await this.reader.describe(prepared, ctx);
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
          // Our update rolled back: AWS restores the old tags, so look for
          // our token in the events as well as at the digest.
          const events = await this.reader.recentEvents(prepared, stack!, ctx);
          if (
            upToDate ||
            events.some(e => e.ClientRequestToken === ctx.token('update'))
          ) {
            throw await this.reader.failureOf(
              prepared,
              stack!,
              'StackUpdateFailed',
              ctx,
              events,
            );
          }
          return this.writer.send('update', prepared, desired, ctx, stack);
        }
        case 'ready':
          return { status: 'Ready', outputs: stackOutputs(stack!) };
        case 'update':
          return this.writer.send('update', prepared, desired, ctx, stack);
        default:
          throw await this.reader.failureOf(prepared, stack!, step.failed, ctx);
      }
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
      const services = await Promise.all(
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
      );
      const verdict = judgeServices(services);
      if (verdict.status === 'Failed') {
        throw DriverFailure.permanent({
          reason: verdict.reason ?? 'ServiceFailed',
          message:
            verdict.message ??
            `A service of stack ${prepared.stackName} failed`,
          resource: describeStackRef(prepared),
        });
      }
      return {
        ...verdict,
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
    return this.classified(resource, ctx, async prepared => {
      const stack = await this.reader.describe(prepared, ctx);
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
      await this.writer.delete(prepared, stack, 'delete', ctx);
      return inProgress(`Deleting stack ${prepared.stackName}`);
    });
  }

  /**
   * Runs a call on the resource's stack, turning what AWS answered into
   * the failure protocol.
   */
  private async classified<T>(
    resource: DriverResource,
    ctx: DriverContext,
    fn: (prepared: Prepared) => Promise<T>,
  ): Promise<T> {
    let what = `resource '${resource.name}'`;
    try {
      const prepared = await this.prepare(resource, ctx);
      what = describeStackRef(prepared);
      return await fn(prepared);
    } catch (error) {
      throw toDriverFailure(error, what);
    }
  }

  private async prepare(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<Prepared> {
    const { value, problems } = parseResourceParameters(resource.parameters);
    if (!value) {
      throw new InputError(
        `resource '${resource.name}': ${problems
          .map(p => `${p.path} ${p.message}`)
          .join('; ')}`,
      );
    }
    const env = ctx.environment;
    const target = await this.clients.get(
      value.accountId,
      value.region ?? this.defaultRegion,
    );
    return {
      params: value,
      target,
      stackName: stackName(env.name, env.id, resource.name),
    };
  }

  private async desired(
    prepared: Prepared,
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DesiredStack> {
    const { params } = prepared;
    return desiredStack({
      body: await this.templates.load(params.template, params.baseUrl),
      params,
      environment: ctx.environment,
      resourceName: resource.name,
    });
  }
}
