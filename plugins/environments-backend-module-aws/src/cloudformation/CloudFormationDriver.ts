import { createHash } from 'node:crypto';
import {
  Capability,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  Output,
  Stack,
  StackEvent,
  StackResourceSummary,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, isError } from '@backstage/errors';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import {
  albName,
  ecsClusterName,
  shortResourceName,
  stackName,
  targetGroupName,
} from '@envkit/plugin-environments-common';
import {
  DriverApplyResult,
  DriverContext,
  DriverDestroyResult,
  DriverObserveResult,
  DriverPlan,
  DriverResource,
  DriverValidationProblem,
  EnvironmentDriver,
} from '@envkit/plugin-environments-node';
import { AwsClients, AwsTarget } from './AwsClients';
import { AwsRateLimiter, AwsRateLimiterOptions } from './AwsRateLimiter';
import {
  DEFAULT_BATCH_WINDOW_MS,
  readCloudFormationDriverConfig,
} from './config';
import { EcsServiceStatusBatcher } from './EcsServiceStatusBatcher';
import { StackStatusSnapshot } from './StackStatusSnapshot';
import {
  parseResourceParameters,
  StackResourceParameters,
} from './resourceParameters';
import { judgeServices, serviceHealth } from './serviceHealth';
import { describeFailure, stackPhase } from './stackStatus';
import { builtinName, TemplateSource } from './templateSource';

/** Tag keys the driver puts on every stack. */
export const STACK_TAGS = {
  environment: 'envkit:environment',
  owner: 'envkit:owner',
  template: 'envkit:template',
  templateVersion: 'envkit:template-version',
  resource: 'envkit:resource',
  /** Digest of template body, parameters and tags the stack was last sent. */
  specHash: 'envkit:spec-hash',
} as const;

/** Options of the {@link CloudFormationDriver} constructor. */
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

interface Prepared {
  params: StackResourceParameters;
  target: AwsTarget;
  stackName: string;
}

interface DesiredStack {
  body: string;
  parameters: { ParameterKey: string; ParameterValue: string }[];
  tags: { Key: string; Value: string }[];
  hash: string;
}

interface EcsServiceRef {
  cluster: string;
  service: string;
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

/** A stack's identity and last change: what cached reads are keyed by. */
function stackVersion(stack: {
  StackId?: string;
  CreationTime?: Date;
  LastUpdatedTime?: Date;
}): string {
  return `${stack.StackId}|${(
    stack.LastUpdatedTime ?? stack.CreationTime
  )?.toISOString()}`;
}

function errorName(error: unknown): string | undefined {
  return isError(error) ? error.name : undefined;
}

function isMissingStack(error: unknown): boolean {
  return (
    errorName(error) === 'ValidationError' &&
    /does not exist/i.test((error as Error).message)
  );
}

function tagValue(stack: Stack, key: string): string | undefined {
  return stack.Tags?.find(t => t.Key === key)?.Value;
}

function stackOutputs(stack: Stack): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey) outputs[output.OutputKey] = output.OutputValue ?? '';
  }
  return outputs;
}

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>` → its parts. */
function parseServiceArn(
  arn: string,
  fallbackCluster: string,
): EcsServiceRef | undefined {
  const match = /:service\/(?:([^/]+)\/)?([^/]+)$/.exec(arn);
  if (!match) return undefined;
  return { cluster: match[1] ?? fallbackCluster, service: match[2] };
}

const failed = (reason: string, message: string) => ({
  status: 'Failed' as const,
  reason,
  message,
});

/**
 * The `aws-cloudformation` driver: one CloudFormation stack per resource,
 * named and tagged after its environment, created and updated from a
 * built-in or platform-provided template, with ECS service health reported
 * by `observe` for stacks that run services.
 *
 * @remarks
 * Every method makes at most one mutating call and returns: the lifecycle
 * engine calls again until the stack settles. Throttling is retried under a
 * per-account-and-region rate limit; other transient errors are thrown so
 * the engine retries; permanent failures come back as `Failed` with the
 * first failed resource's reason.
 */
export class CloudFormationDriver implements EnvironmentDriver {
  readonly id = 'aws-cloudformation';

  private readonly clients: AwsClients;
  private readonly limiter: AwsRateLimiter;
  private readonly batcher: EcsServiceStatusBatcher;
  private readonly stackSnapshot: StackStatusSnapshot;
  /** Outputs of settled stacks, by stack version (id and last change). */
  private readonly outputsCache = new Map<string, Output[]>();
  private readonly templates: TemplateSource;
  private readonly defaultRegion: string;
  private readonly roleArn?: string;
  private readonly capabilityCache = new Map<string, Promise<string[]>>();
  private readonly serviceCache = new Map<string, EcsServiceRef[]>();

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
    this.roleArn = options.cloudFormationRoleArn;
    this.clients = new AwsClients({
      credentialsManager: options.credentialsManager,
      endpoint: options.endpoint,
      defaultAccountId: options.accountId,
    });
    // CloudFormation and ECS have separate API limits, and CloudFormation's
    // are far lower; each gets its own bucket per account and region.
    this.limiter = new AwsRateLimiter(
      withDefaults(options.rateLimit, { requestsPerSecond: 4, burst: 8 }),
    );
    this.batcher = new EcsServiceStatusBatcher({
      limiter: new AwsRateLimiter(
        withDefaults(options.ecsRateLimit, {
          requestsPerSecond: 20,
          burst: 40,
        }),
      ),
      windowMs: options.statusBatchWindowMs ?? DEFAULT_BATCH_WINDOW_MS,
    });
    this.stackSnapshot = new StackStatusSnapshot({
      call: (target, fn) => this.limiter.run(target.key, fn),
      maxAgeMs: options.stackStatusMaxAgeMs ?? 5000,
    });
    this.templates = new TemplateSource({
      urlReader: options.urlReader,
      directory: options.templateDirectory,
    });
  }

  /** Sends the ECS status lookups collected so far, e.g. at a sweep's end. */
  flushStatusLookups(): Promise<void> {
    return this.batcher.flush();
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
    const target = `AWS::CloudFormation::Stack ${prepared.stackName}`;
    const stack = await this.describeStack(prepared, ctx);
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
    let prepared: Prepared;
    let desired: DesiredStack;
    try {
      prepared = await this.prepare(resource, ctx);
      desired = await this.desired(prepared, resource, ctx);
    } catch (error) {
      if (errorName(error) === 'InputError') {
        return failed('InvalidParameters', (error as Error).message);
      }
      if (errorName(error) === 'NotFoundError') {
        return failed('TemplateNotFound', (error as Error).message);
      }
      throw error;
    }
    const stack = await this.describeStack(prepared, ctx);
    if (!stack) return this.createStack(prepared, desired, ctx);

    const status = stack.StackStatus ?? '';
    const upToDate = tagValue(stack, STACK_TAGS.specHash) === desired.hash;
    switch (stackPhase(status)) {
      case 'busy':
        return {
          status: 'InProgress',
          message: `Stack ${prepared.stackName} is ${status}`,
        };
      case 'deleted':
        return this.createStack(prepared, desired, ctx);
      case 'createFailed':
        if (upToDate) {
          return this.failure(prepared, stack, 'StackCreateFailed', ctx);
        }
        // The spec changed since creation failed; a stack that never got
        // created cannot be updated, so replace it.
        await this.call(prepared.target, ctx, c =>
          c.cloudFormation.send(
            new DeleteStackCommand({
              StackName: stack.StackId,
              ClientRequestToken: ctx.token('replace-failed'),
              RoleARN: this.roleArn,
            }),
            { abortSignal: ctx.signal },
          ),
        );
        ctx.logger.info(
          `Deleting stack ${prepared.stackName} (${status}) to create it again from the changed spec`,
        );
        return {
          status: 'InProgress',
          message: `Replacing stack ${prepared.stackName}, which failed to create`,
        };
      case 'updateFailed':
        return this.failure(prepared, stack, 'StackUpdateFailed', ctx);
      case 'deleteFailed':
        return this.failure(prepared, stack, 'StackDeleteFailed', ctx);
      default:
    }
    if (status === 'UPDATE_ROLLBACK_COMPLETE') {
      // Our update rolled back: AWS restores the old tags, so look for our
      // token in the events as well as at the digest.
      const events = await this.recentEvents(prepared, stack, ctx);
      const ours = events.some(
        e => e.ClientRequestToken === ctx.token('update'),
      );
      if (upToDate || ours) {
        return this.failure(prepared, stack, 'StackUpdateFailed', ctx, events);
      }
    } else if (upToDate) {
      return { status: 'Ready', outputs: stackOutputs(stack) };
    }
    return this.updateStack(prepared, desired, stack, ctx);
  }

  async observe(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverObserveResult> {
    const prepared = await this.prepare(resource, ctx);
    const stack = await this.observedStack(prepared, ctx);
    if (!stack) {
      return {
        status: 'Failed',
        exists: false,
        reason: 'StackNotFound',
        message: `Stack ${prepared.stackName} does not exist`,
      };
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
      const reasons: Record<string, string> = {
        createFailed: 'StackCreateFailed',
        deleteFailed: 'StackDeleteFailed',
      };
      const reason = reasons[phase] ?? 'StackUpdateFailed';
      return {
        ...(await this.failure(prepared, stack, reason, ctx)),
        exists: true,
        details,
      };
    }
    const outputs = stackOutputs(stack);
    const refs = await this.stackServices(prepared, stack, outputs, ctx);
    if (refs.length === 0) {
      return { status: 'Ready', exists: true, outputs, details };
    }
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
    return {
      ...verdict,
      exists: true,
      outputs,
      details: { ...details, services },
    };
  }

  async destroy(
    resource: DriverResource,
    ctx: DriverContext,
  ): Promise<DriverDestroyResult> {
    const prepared = await this.prepare(resource, ctx);
    const stack = await this.describeStack(prepared, ctx);
    if (!stack) return { status: 'Destroyed' };
    const status = stack.StackStatus ?? '';
    const phase = stackPhase(status);
    if (phase === 'deleted') return { status: 'Destroyed' };
    if (phase === 'deleteFailed') {
      return this.failure(prepared, stack, 'StackDeleteFailed', ctx);
    }
    if (status === 'DELETE_IN_PROGRESS') {
      return {
        status: 'InProgress',
        message: `Stack ${prepared.stackName} is being deleted`,
      };
    }
    // CloudFormation deletes a stack that is still being created, but an
    // update or rollback has to finish first.
    if (phase === 'busy' && status !== 'CREATE_IN_PROGRESS') {
      return {
        status: 'InProgress',
        message: `Waiting for stack ${prepared.stackName} to leave ${status} before deleting it`,
      };
    }
    await this.call(prepared.target, ctx, c =>
      c.cloudFormation.send(
        new DeleteStackCommand({
          StackName: stack.StackId,
          ClientRequestToken: ctx.token('delete'),
          RoleARN: this.roleArn,
        }),
        { abortSignal: ctx.signal },
      ),
    );
    ctx.logger.info(`Deleting stack ${prepared.stackName}`);
    return {
      status: 'InProgress',
      message: `Deleting stack ${prepared.stackName}`,
    };
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
    const env = ctx.environment;
    const body = await this.templates.load(params.template, params.baseUrl);
    const values: Record<string, string> = {};
    if (builtinName(params.template) === 'ecs-service') {
      // Physical names follow the environment, so they are recognisable in
      // the AWS console and never collide between environments.
      values.ClusterName = ecsClusterName(env.name, env.id);
      values.ServiceName = shortResourceName(
        env.name,
        env.id,
        resource.name,
        63,
      );
      values.LoadBalancerName = albName(env.name, env.id, resource.name);
      values.TargetGroupName = targetGroupName(env.name, env.id, resource.name);
    }
    Object.assign(values, params.parameters);
    const parameters = Object.keys(values)
      .sort()
      .map(key => ({ ParameterKey: key, ParameterValue: values[key] }));
    const tags = [
      { Key: STACK_TAGS.environment, Value: env.id },
      { Key: STACK_TAGS.owner, Value: env.owner },
      { Key: STACK_TAGS.template, Value: env.templateRef },
      { Key: STACK_TAGS.templateVersion, Value: env.templateVersion },
      { Key: STACK_TAGS.resource, Value: resource.name },
    ];
    const hash = createHash('sha256')
      .update(JSON.stringify([body, parameters, tags, params.capabilities]))
      .digest('hex')
      .slice(0, 32);
    return {
      body,
      parameters,
      tags: [...tags, { Key: STACK_TAGS.specHash, Value: hash }],
      hash,
    };
  }

  private call<T>(
    target: AwsTarget,
    ctx: DriverContext,
    fn: (target: AwsTarget) => Promise<T>,
  ): Promise<T> {
    return this.limiter.run(target.key, () => fn(target), ctx.signal);
  }

  /**
   * The stack for a status check: from the shared ListStacks snapshot when
   * it is settled and its outputs are known from an earlier read, otherwise
   * (new, changing, failed or not in the snapshot) from DescribeStacks.
   */
  private async observedStack(
    prepared: Prepared,
    ctx: DriverContext,
  ): Promise<Stack | undefined> {
    const summary = await this.stackSnapshot.lookup(
      prepared.target,
      prepared.stackName,
    );
    if (summary && stackPhase(summary.StackStatus ?? '') === 'stable') {
      const outputs = this.outputsCache.get(stackVersion(summary));
      if (outputs) {
        return {
          StackId: summary.StackId,
          StackName: summary.StackName,
          StackStatus: summary.StackStatus,
          CreationTime: summary.CreationTime,
          LastUpdatedTime: summary.LastUpdatedTime,
          Outputs: outputs,
        } as Stack;
      }
    }
    const stack = await this.describeStack(prepared, ctx);
    if (stack && stackPhase(stack.StackStatus ?? '') === 'stable') {
      for (const key of this.outputsCache.keys()) {
        if (key.startsWith(`${stack.StackId}|`)) this.outputsCache.delete(key);
      }
      this.outputsCache.set(stackVersion(stack), stack.Outputs ?? []);
    }
    return stack;
  }

  private async describeStack(
    prepared: Prepared,
    ctx: DriverContext,
  ): Promise<Stack | undefined> {
    try {
      const response = await this.call(prepared.target, ctx, c =>
        c.cloudFormation.send(
          new DescribeStacksCommand({ StackName: prepared.stackName }),
          { abortSignal: ctx.signal },
        ),
      );
      return response.Stacks?.[0];
    } catch (error) {
      if (isMissingStack(error)) return undefined;
      throw error;
    }
  }

  /** The capabilities the template needs, as CloudFormation itself says. */
  private requiredCapabilities(
    prepared: Prepared,
    desired: DesiredStack,
    ctx: DriverContext,
  ): Promise<string[]> {
    if (prepared.params.capabilities) {
      return Promise.resolve(prepared.params.capabilities);
    }
    const key = `${prepared.target.key}/${createHash('sha256')
      .update(desired.body)
      .digest('hex')}`;
    let capabilities = this.capabilityCache.get(key);
    if (!capabilities) {
      capabilities = this.call(prepared.target, ctx, c =>
        c.cloudFormation.send(
          new ValidateTemplateCommand({ TemplateBody: desired.body }),
          { abortSignal: ctx.signal },
        ),
      ).then(r => r.Capabilities ?? []);
      this.capabilityCache.set(key, capabilities);
      capabilities.catch(() => this.capabilityCache.delete(key));
    }
    return capabilities;
  }

  private async createStack(
    prepared: Prepared,
    desired: DesiredStack,
    ctx: DriverContext,
  ): Promise<DriverApplyResult> {
    try {
      const capabilities = await this.requiredCapabilities(
        prepared,
        desired,
        ctx,
      );
      await this.call(prepared.target, ctx, c =>
        c.cloudFormation.send(
          new CreateStackCommand({
            StackName: prepared.stackName,
            TemplateBody: desired.body,
            Parameters: desired.parameters,
            Tags: desired.tags,
            Capabilities: capabilities as Capability[],
            ClientRequestToken: ctx.token('create'),
            OnFailure: 'ROLLBACK',
            RoleARN: this.roleArn,
          }),
          { abortSignal: ctx.signal },
        ),
      );
    } catch (error) {
      const name = errorName(error);
      if (name === 'AlreadyExistsException') {
        // Another replica (or an earlier, interrupted call) got there first.
        return {
          status: 'InProgress',
          message: `Stack ${prepared.stackName} is being created`,
        };
      }
      if (
        name === 'ValidationError' ||
        name === 'InsufficientCapabilitiesException'
      ) {
        return failed(
          name === 'ValidationError'
            ? 'InvalidTemplate'
            : 'InsufficientCapabilities',
          `CloudFormation refused stack ${prepared.stackName}: ${
            (error as Error).message
          }`,
        );
      }
      throw error;
    }
    ctx.logger.info(`Creating stack ${prepared.stackName}`);
    return {
      status: 'InProgress',
      message: `Creating stack ${prepared.stackName}`,
    };
  }

  private async updateStack(
    prepared: Prepared,
    desired: DesiredStack,
    stack: Stack,
    ctx: DriverContext,
  ): Promise<DriverApplyResult> {
    try {
      const capabilities = await this.requiredCapabilities(
        prepared,
        desired,
        ctx,
      );
      await this.call(prepared.target, ctx, c =>
        c.cloudFormation.send(
          new UpdateStackCommand({
            StackName: stack.StackId,
            TemplateBody: desired.body,
            Parameters: desired.parameters,
            Tags: desired.tags,
            Capabilities: capabilities as Capability[],
            ClientRequestToken: ctx.token('update'),
            RoleARN: this.roleArn,
          }),
          { abortSignal: ctx.signal },
        ),
      );
    } catch (error) {
      const name = errorName(error);
      const message = (error as Error).message ?? '';
      if (
        name === 'ValidationError' &&
        /No updates are to be performed/i.test(message)
      ) {
        return { status: 'Ready', outputs: stackOutputs(stack) };
      }
      if (
        name === 'ValidationError' &&
        /state and can ?not be updated/i.test(message)
      ) {
        return {
          status: 'InProgress',
          message: `Stack ${prepared.stackName} is busy: ${message}`,
        };
      }
      if (
        name === 'ValidationError' ||
        name === 'InsufficientCapabilitiesException'
      ) {
        return failed(
          name === 'ValidationError'
            ? 'InvalidTemplate'
            : 'InsufficientCapabilities',
          `CloudFormation refused the update of stack ${prepared.stackName}: ${message}`,
        );
      }
      throw error;
    }
    ctx.logger.info(`Updating stack ${prepared.stackName}`);
    return {
      status: 'InProgress',
      message: `Updating stack ${prepared.stackName}`,
    };
  }

  /** Events of the stack's latest operations, newest first (a few pages). */
  private async recentEvents(
    prepared: Prepared,
    stack: Stack,
    ctx: DriverContext,
  ): Promise<StackEvent[]> {
    const events: StackEvent[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 5; page++) {
      const pageToken: string | undefined = nextToken;
      const response = await this.call(prepared.target, ctx, c =>
        c.cloudFormation.send(
          new DescribeStackEventsCommand({
            StackName: stack.StackId,
            NextToken: pageToken,
          }),
          { abortSignal: ctx.signal },
        ),
      );
      events.push(...(response.StackEvents ?? []));
      nextToken = response.NextToken;
      // Enough once the start of the latest operation is in view.
      const started = events.some(
        e =>
          e.ResourceType === 'AWS::CloudFormation::Stack' &&
          /_IN_PROGRESS$/.test(e.ResourceStatus ?? '') &&
          e.ResourceStatusReason === 'User Initiated',
      );
      if (!nextToken || started) break;
    }
    return events;
  }

  private async failure(
    prepared: Prepared,
    stack: Stack,
    defaultReason: string,
    ctx: DriverContext,
    events?: StackEvent[],
  ): Promise<{ status: 'Failed'; reason: string; message: string }> {
    const failure = describeFailure({
      stackName: prepared.stackName,
      status: stack.StackStatus ?? 'UNKNOWN',
      statusReason: stack.StackStatusReason,
      events: events ?? (await this.recentEvents(prepared, stack, ctx)),
      defaultReason,
    });
    return failed(failure.reason, failure.message);
  }

  /** The ECS services the stack created, cached until the stack changes. */
  private async stackServices(
    prepared: Prepared,
    stack: Stack,
    outputs: Record<string, string>,
    ctx: DriverContext,
  ): Promise<EcsServiceRef[]> {
    const version = stackVersion(stack);
    const cached = this.serviceCache.get(version);
    if (cached) return cached;
    const summaries: StackResourceSummary[] = [];
    let nextToken: string | undefined;
    do {
      const pageToken: string | undefined = nextToken;
      const response = await this.call(prepared.target, ctx, c =>
        c.cloudFormation.send(
          new ListStackResourcesCommand({
            StackName: stack.StackId,
            NextToken: pageToken,
          }),
          { abortSignal: ctx.signal },
        ),
      );
      summaries.push(...(response.StackResourceSummaries ?? []));
      nextToken = response.NextToken;
    } while (nextToken);
    const fallbackCluster = outputs.ClusterName ?? 'default';
    const refs = summaries
      .filter(
        s =>
          s.ResourceType === 'AWS::ECS::Service' &&
          s.PhysicalResourceId &&
          s.ResourceStatus !== 'DELETE_COMPLETE',
      )
      .map(s => parseServiceArn(s.PhysicalResourceId ?? '', fallbackCluster))
      .filter((r): r is EcsServiceRef => r !== undefined);
    for (const key of this.serviceCache.keys()) {
      if (key.startsWith(`${stack.StackId}|`)) this.serviceCache.delete(key);
    }
    this.serviceCache.set(version, refs);
    return refs;
  }
}
