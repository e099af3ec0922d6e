/**
 * CloudFormation stacks as timer-driven state machines: resources progress
 * one by one in dependency order with per-type durations from the profile,
 * emitting the events CloudFormation emits, with rollback on failure.
 */
import {
  DynamicReferenceError,
  hasDynamicReference,
  resolveDynamicReferences,
} from './dynamicReferences';
import { AwsError } from '../aws/query';
import type { SandboxContext } from '../context';
import { createDuration, deleteDuration } from '../profiles';
import { uuid } from '../util/ids';
import type { EffectTarget, ResourceEffects } from './effects';
import {
  analyseDependencies,
  dependents,
  runGraph,
  type Dependencies,
} from './graph';
import {
  evaluate,
  evaluateConditions,
  NO_VALUE,
  type EvaluationContext,
  type Resolved,
} from './intrinsics';
import { maskResolved, maskText, noEchoValues } from './noEcho';
import {
  resolveParameters,
  typedParameters,
  type ParameterInput,
} from './parameters';
import { deleteConflict, exportConflict, importValue } from './exports';
import { provision } from './resourceTypes';
import {
  parseTemplate,
  requiredCapability,
  type Template,
} from './templateParser';

export type StackStatus =
  | 'REVIEW_IN_PROGRESS'
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'DELETE_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE';

export type ResourceStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_FAILED'
  | 'UPDATE_COMPLETE';

export interface StackEvent {
  eventId: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
  timestamp: Date;
  properties?: string;
  clientRequestToken?: string;
}

export interface StackResource {
  logicalId: string;
  type: string;
  physicalId?: string;
  status?: ResourceStatus;
  reason?: string;
  timestamp: Date;
  properties: Record<string, Resolved>;
  /**
   * `properties` with Secrets Manager dynamic references resolved: what the
   * resource's service receives. Events keep the reference text.
   */
  resolvedProperties?: Record<string, Resolved>;
  attributes: Record<string, Resolved>;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface StackOutput {
  key: string;
  value: string;
  description?: string;
  exportName?: string;
}

export interface Stack {
  stackId: string;
  stackName: string;
  description?: string;
  status: StackStatus;
  reason?: string;
  creationTime: Date;
  lastUpdatedTime?: Date;
  deletionTime?: Date;
  templateBody: string;
  template: Template;
  parameters: Record<string, string>;
  tags: Tag[];
  capabilities: string[];
  disableRollback: boolean;
  outputs: StackOutput[];
  resources: Map<string, StackResource>;
  events: StackEvent[];
  conditions: Record<string, boolean>;
  /** Bumped by each operation so timers of an older one become no-ops. */
  operation: number;
  /** The token of the latest operation; its events carry it. */
  clientRequestToken?: string;
  /** Service role CloudFormation acts with, from the latest call naming one. */
  roleArn?: string;
  /**
   * Every value a `NoEcho` parameter of this stack has had: masked as
   * `****` in the stack's events, as CloudFormation does.
   */
  secrets: string[];
  /** Export names the stack's latest operation read with Fn::ImportValue. */
  imports: Set<string>;
}

export interface StackInput {
  stackName: string;
  templateBody: string;
  parameters: ParameterInput[];
  tags: Tag[];
  capabilities: string[];
  clientRequestToken?: string;
  disableRollback?: boolean;
  /** `RoleARN`: the service role CloudFormation acts with. */
  roleArn?: string;
}

/** A resource as it was before an update, to roll back to. */
interface ResourceSnapshot {
  physicalId?: string;
  properties: Record<string, Resolved>;
  attributes: Record<string, Resolved>;
}

/** What one UpdateStack leaves to clean up once it is done. */
interface UpdateRun {
  /** Logical id → the physical resource its replacement superseded. */
  replaced: Map<string, EffectTarget>;
}

interface Prepared {
  template: Template;
  parameters: Record<string, string>;
  conditions: Record<string, boolean>;
  active: string[];
  deps: Dependencies;
}

const TERMINAL_UPDATABLE: StackStatus[] = [
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
];

function validation(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

/**
 * Checks a stack call's service role as far as the sandbox can: it must be
 * an IAM role ARN (the real service also assumes it).
 */
function checkRoleArn(roleArn: string | undefined): void {
  if (roleArn === undefined) return;
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(roleArn)) {
    throw validation(`Role ${roleArn} is invalid or cannot be assumed`);
  }
}

/** Adds the values of the template's `NoEcho` parameters to `known`. */
function withSecrets(
  known: string[],
  template: Template,
  parameters: Record<string, string>,
): string[] {
  const fresh = noEchoValues(template, parameters).filter(
    value => !known.includes(value),
  );
  // Longest first, so a secret containing another is masked whole.
  return [...known, ...fresh].sort((a, b) => b.length - a.length);
}

export class StackStore {
  private readonly stacks: Stack[] = [];
  private readonly tokens = new Map<string, string>();
  /** How many summaries ListStacks returns per page (AWS uses 100). */
  pageSize = 100;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly effects: ResourceEffects,
  ) {}

  reset(): void {
    this.stacks.length = 0;
    this.tokens.clear();
  }

  all(): Stack[] {
    return [...this.stacks];
  }

  /** A live stack by name, or any stack (deleted too) by its id. */
  find(nameOrId: string): Stack | undefined {
    if (nameOrId.startsWith('arn:'))
      return this.stacks.find(s => s.stackId === nameOrId);
    return this.stacks.find(
      s => s.stackName === nameOrId && s.status !== 'DELETE_COMPLETE',
    );
  }

  get(nameOrId: string): Stack {
    const stack = this.find(nameOrId);
    if (!stack) throw validation(`Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  /** Parses and checks a template the way CreateStack and ValidateTemplate do. */
  prepare(
    templateBody: string,
    inputs: ParameterInput[],
    stackName: string,
    stackId: string,
    previous?: Record<string, string>,
  ): Prepared {
    const template = parseTemplate(templateBody);
    const parameters = resolveParameters(template, inputs, previous);
    const conditions = evaluateConditions(
      template,
      this.evaluationBase(stackName, stackId, template, parameters),
    );
    const active = Object.keys(template.Resources).filter(id => {
      const condition = template.Resources[id].Condition;
      return condition === undefined || conditions[condition];
    });
    const deps = analyseDependencies(template, active);
    return { template, parameters, conditions, active, deps };
  }

  /** ValidateTemplate: the template's shape and references, no values needed. */
  prepareForValidation(templateBody: string): Template {
    const template = parseTemplate(templateBody);
    analyseDependencies(template, Object.keys(template.Resources));
    return template;
  }

  private evaluationBase(
    stackName: string,
    stackId: string,
    template: Template,
    parameters: Record<string, string>,
  ): Omit<EvaluationContext, 'conditions'> {
    return {
      region: this.ctx.region,
      accountId: this.ctx.accountId,
      stackName,
      stackId,
      parameters: typedParameters(template, parameters),
      mappings: template.Mappings,
      resourceRef: () => undefined,
      resourceAttribute: () => undefined,
    };
  }

  private evaluationContext(stack: Stack): EvaluationContext {
    return {
      ...this.evaluationBase(
        stack.stackName,
        stack.stackId,
        stack.template,
        stack.parameters,
      ),
      conditions: stack.conditions,
      resourceRef: id => stack.resources.get(id)?.physicalId,
      resourceAttribute: (id, attribute) => {
        const resource = stack.resources.get(id);
        if (!resource) return undefined;
        if (attribute === 'Ref') return resource.physicalId;
        return resource.attributes[attribute];
      },
      importValue: name => {
        const value = importValue(this.stacks, name);
        stack.imports.add(name);
        return value;
      },
    };
  }

  private checkCapabilities(template: Template, capabilities: string[]): void {
    const needed = requiredCapability(template);
    if (!needed) return;
    const ok =
      needed === 'CAPABILITY_IAM'
        ? capabilities.includes('CAPABILITY_IAM') ||
          capabilities.includes('CAPABILITY_NAMED_IAM')
        : capabilities.includes('CAPABILITY_NAMED_IAM');
    if (!ok) {
      throw new AwsError(
        'InsufficientCapabilitiesException',
        `Requires capabilities : [${needed}]`,
      );
    }
  }

  create(input: StackInput): Stack {
    if (input.clientRequestToken) {
      const previousId = this.tokens.get(
        `${input.stackName}/${input.clientRequestToken}`,
      );
      const previous = previousId ? this.find(previousId) : undefined;
      if (previous) return previous;
    }
    const existing = this.find(input.stackName);
    // A stack made by a CREATE change set waits in REVIEW_IN_PROGRESS for its execution.
    const review =
      existing?.status === 'REVIEW_IN_PROGRESS' ? existing : undefined;
    if (existing && !review) {
      throw new AwsError(
        'AlreadyExistsException',
        `Stack [${input.stackName}] already exists`,
      );
    }
    if (!/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(input.stackName)) {
      throw validation(
        `1 validation error detected: Value '${input.stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    checkRoleArn(input.roleArn);
    const stackId = review?.stackId ?? this.newStackId(input.stackName);
    const prepared = this.prepare(
      input.templateBody,
      input.parameters,
      input.stackName,
      stackId,
    );
    this.checkCapabilities(prepared.template, input.capabilities);
    const fresh: Stack = {
      stackId,
      stackName: input.stackName,
      description: prepared.template.Description,
      status: 'CREATE_IN_PROGRESS',
      creationTime: new Date(),
      templateBody: input.templateBody,
      template: prepared.template,
      parameters: prepared.parameters,
      tags: input.tags,
      capabilities: input.capabilities,
      disableRollback: input.disableRollback ?? false,
      outputs: [],
      resources: new Map(),
      events: [],
      conditions: prepared.conditions,
      operation: 0,
      clientRequestToken: input.clientRequestToken,
      roleArn: input.roleArn,
      secrets: withSecrets([], prepared.template, prepared.parameters),
      imports: new Set(),
    };
    const stack = review
      ? Object.assign(review, fresh, {
          events: review.events,
          creationTime: review.creationTime,
        })
      : fresh;
    for (const id of prepared.active)
      stack.resources.set(id, this.blankResource(stack, id));
    if (!review) this.stacks.push(stack);
    if (input.clientRequestToken) {
      this.tokens.set(
        `${input.stackName}/${input.clientRequestToken}`,
        stackId,
      );
    }
    this.stackEvent(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
    const operation = ++stack.operation;
    this.applyResources(stack, prepared, operation, undefined, failure => {
      const conflict = failure ? undefined : this.publishOutputs(stack);
      if (!failure && !conflict) {
        this.setStatus(stack, 'CREATE_COMPLETE');
        return;
      }
      this.rollbackCreate(
        stack,
        prepared.deps,
        operation,
        conflict ??
          `The following resource(s) failed to create: [${failure!.id}].`,
      );
    });
    return stack;
  }

  private newStackId(stackName: string): string {
    return `arn:aws:cloudformation:${this.ctx.region}:${
      this.ctx.accountId
    }:stack/${stackName}/${uuid()}`;
  }

  /** The empty stack a CREATE change set makes, waiting to be executed. */
  createForReview(stackName: string): Stack {
    const stack: Stack = {
      stackId: this.newStackId(stackName),
      stackName,
      status: 'REVIEW_IN_PROGRESS',
      creationTime: new Date(),
      templateBody: '',
      template: { Resources: {} },
      parameters: {},
      tags: [],
      capabilities: [],
      disableRollback: false,
      outputs: [],
      resources: new Map(),
      events: [],
      conditions: {},
      operation: 0,
      secrets: [],
      imports: new Set(),
    };
    this.stacks.push(stack);
    this.stackEvent(stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
    return stack;
  }

  private blankResource(stack: Stack, id: string): StackResource {
    return {
      logicalId: id,
      type: stack.template.Resources[id].Type,
      timestamp: new Date(),
      properties: {},
      attributes: {},
    };
  }

  /**
   * After one stack step, creates (or updates) the prepared resources in
   * dependency order, for as long as `operation` is the stack's current one.
   */
  private applyResources(
    stack: Stack,
    prepared: Prepared,
    operation: number,
    update: UpdateRun | undefined,
    finish: (failure: { id: string; reason: string } | undefined) => void,
  ): void {
    this.ctx.scheduler.after(this.ctx.profile().stackStepMs, () => {
      runGraph(
        prepared.active,
        prepared.deps,
        (id, done) => this.createResource(stack, id, operation, done, update),
        failure => finish(failure),
        () => stack.operation === operation,
      );
    });
  }

  private createResource(
    stack: Stack,
    id: string,
    operation: number,
    done: (failure?: string) => void,
    update?: UpdateRun,
  ): void {
    const resource = stack.resources.get(id) ?? this.blankResource(stack, id);
    stack.resources.set(id, resource);
    let properties: Record<string, Resolved>;
    try {
      const evaluated = evaluate(
        stack.template.Resources[id].Properties ?? {},
        this.evaluationContext(stack),
      );
      properties =
        evaluated === NO_VALUE ? {} : (evaluated as Record<string, Resolved>);
    } catch (error) {
      this.resourceStatus(
        stack,
        resource,
        'CREATE_FAILED',
        (error as Error).message,
      );
      done((error as Error).message);
      return;
    }
    let resolvedProperties: Record<string, Resolved> | undefined;
    try {
      resolvedProperties = hasDynamicReference(properties)
        ? resolveDynamicReferences(properties, secretId =>
            this.effects.secretValue(secretId),
          )
        : undefined;
    } catch (error) {
      if (!(error instanceof DynamicReferenceError)) throw error;
      const failed =
        update && resource.physicalId ? 'UPDATE_FAILED' : 'CREATE_FAILED';
      this.resourceStatus(stack, resource, failed, error.message);
      done(error.message);
      return;
    }
    if (
      update &&
      resource.physicalId &&
      resource.status !== 'DELETE_COMPLETE'
    ) {
      resource.resolvedProperties = resolvedProperties;
      this.updateResource(stack, resource, properties, operation, done, update);
      return;
    }
    resource.properties = properties;
    resource.resolvedProperties = resolvedProperties;
    this.resourceStatus(stack, resource, 'CREATE_IN_PROGRESS');
    const provisioned = provision(resource.type, {
      stackName: stack.stackName,
      logicalId: id,
      region: this.ctx.region,
      accountId: this.ctx.accountId,
      properties: resolvedProperties ?? properties,
      loadBalancerDomain: this.ctx.loadBalancerDomain,
    });
    resource.physicalId = provisioned.physicalId;
    resource.attributes = provisioned.attributes;
    this.resourceStatus(
      stack,
      resource,
      'CREATE_IN_PROGRESS',
      'Resource creation Initiated',
    );
    const effectFailure = this.effects.create(
      this.effectTarget(resource),
      stack.tags,
    );
    const duration = createDuration(this.ctx.profile(), resource.type);
    this.whileCurrent(stack, operation, duration, () => {
      const injected = this.ctx.faults.failingResourceTypes.get(resource.type);
      const reason = effectFailure ?? injected;
      if (reason !== undefined) {
        this.resourceStatus(stack, resource, 'CREATE_FAILED', reason);
        done(reason);
        return;
      }
      this.whenStable(stack, resource, operation, 'CREATE', done);
    });
  }

  /**
   * Runs `step` after `ms`, unless the stack has moved on to another
   * operation meanwhile (a newer update or a delete supersedes it).
   */
  private whileCurrent(
    stack: Stack,
    operation: number,
    ms: number,
    step: () => void,
  ): void {
    this.ctx.scheduler.after(ms, () => {
      if (stack.operation === operation) step();
    });
  }

  private updateResource(
    stack: Stack,
    resource: StackResource,
    properties: Record<string, Resolved>,
    operation: number,
    done: (failure?: string) => void,
    update: UpdateRun,
  ): void {
    if (JSON.stringify(properties) === JSON.stringify(resource.properties)) {
      done();
      return;
    }
    if (resource.type === 'AWS::ECS::TaskDefinition') {
      // Every property of a task definition needs replacement: register a new
      // revision and point the resource (and so every Ref to it) at it; the
      // old one is retired in the cleanup, once the update has succeeded.
      const previous = this.effectTarget(resource);
      resource.properties = properties;
      this.resourceStatus(
        stack,
        resource,
        'UPDATE_IN_PROGRESS',
        'Requested update requires the creation of a new physical resource; hence creating one.',
      );
      const arn = this.effects.nextTaskDefinitionArn(resource.physicalId!);
      resource.physicalId = arn;
      resource.attributes = { ...resource.attributes, TaskDefinitionArn: arn };
      this.effects.create(this.effectTarget(resource), stack.tags);
      update.replaced.set(resource.logicalId, previous);
    } else {
      resource.properties = properties;
      this.resourceStatus(stack, resource, 'UPDATE_IN_PROGRESS');
      this.effects.update(this.effectTarget(resource));
    }
    const updating = createDuration(this.ctx.profile(), resource.type);
    this.whileCurrent(stack, operation, updating, () =>
      this.whenStable(stack, resource, operation, 'UPDATE', done),
    );
  }

  /** Polls the resource's stability, as CloudFormation does for ECS services. */
  private whenStable(
    stack: Stack,
    resource: StackResource,
    operation: number,
    kind: 'CREATE' | 'UPDATE',
    done: (failure?: string) => void,
  ): void {
    const state = this.effects.stability(this.effectTarget(resource));
    if (state === 'steady') {
      this.resourceStatus(stack, resource, `${kind}_COMPLETE`);
      done();
    } else if (state === 'failed') {
      const reason = `Resource handler returned message: "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'." (RequestToken: ${uuid()}, HandlerErrorCode: GeneralServiceException)`;
      this.resourceStatus(stack, resource, `${kind}_FAILED`, reason);
      done(reason);
    } else {
      const pollMs = Math.max(5, this.ctx.profile().stackStepMs);
      this.whileCurrent(stack, operation, pollMs, () =>
        this.whenStable(stack, resource, operation, kind, done),
      );
    }
  }

  private rollbackCreate(
    stack: Stack,
    deps: Dependencies,
    operation: number,
    cause: string,
  ): void {
    this.cancelInFlight(stack);
    const sentence = cause.endsWith('.') ? cause : `${cause}.`;
    const reason = `${sentence} ${
      stack.disableRollback ? '' : 'Rollback requested by user.'
    }`.trim();
    if (stack.disableRollback) {
      this.setStatus(stack, 'CREATE_FAILED', reason);
      return;
    }
    this.setStatus(stack, 'ROLLBACK_IN_PROGRESS', reason);
    this.deleteResources(stack, deps, operation, () =>
      this.setStatus(stack, 'ROLLBACK_COMPLETE'),
    );
  }

  private cancelInFlight(stack: Stack): void {
    for (const resource of stack.resources.values()) {
      if (resource.status === 'CREATE_IN_PROGRESS') {
        this.resourceStatus(
          stack,
          resource,
          'CREATE_FAILED',
          'Resource creation cancelled',
        );
      } else if (resource.status === 'UPDATE_IN_PROGRESS') {
        this.resourceStatus(
          stack,
          resource,
          'UPDATE_FAILED',
          'Resource update cancelled',
        );
      }
    }
  }

  /**
   * Deletes every provisioned resource, dependents before dependencies;
   * `finished` learns of a resource the service refused to delete.
   */
  private deleteResources(
    stack: Stack,
    deps: Dependencies,
    operation: number,
    finished: (failure?: { id: string; reason: string }) => void,
    only?: Set<string>,
  ): void {
    const ids = [...stack.resources.values()]
      .filter(r => r.physicalId && r.status !== 'DELETE_COMPLETE')
      .filter(r => !only || only.has(r.logicalId))
      .map(r => r.logicalId);
    // A resource the service refused to delete keeps what it needs; the
    // rest goes, and the operation fails once nothing is in flight.
    const waitsFor = dependents(deps);
    const refusals: string[] = [];
    const kept = new Set<string>();
    runGraph(
      ids,
      waitsFor,
      (id, done) => {
        const resource = stack.resources.get(id) as StackResource;
        if ([...(waitsFor.get(id) ?? [])].some(d => kept.has(d))) {
          kept.add(id);
          done();
          return;
        }
        this.resourceStatus(stack, resource, 'DELETE_IN_PROGRESS');
        const refused = this.effects.delete(this.effectTarget(resource));
        const deleting = deleteDuration(this.ctx.profile(), resource.type);
        this.whileCurrent(stack, operation, deleting, () => {
          if (refused !== undefined) {
            this.resourceStatus(stack, resource, 'DELETE_FAILED', refused);
            refusals.push(id);
            kept.add(id);
          } else this.resourceStatus(stack, resource, 'DELETE_COMPLETE');
          done();
        });
      },
      () =>
        finished(
          refusals.length > 0
            ? { id: refusals.join(', '), reason: 'refused' }
            : undefined,
        ),
      () => stack.operation === operation,
    );
  }

  update(input: StackInput): Stack {
    const stack = this.get(input.stackName);
    if (!TERMINAL_UPDATABLE.includes(stack.status)) {
      throw validation(
        `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`,
      );
    }
    checkRoleArn(input.roleArn);
    const templateBody = input.templateBody || stack.templateBody;
    const prepared = this.prepare(
      templateBody,
      input.parameters,
      stack.stackName,
      stack.stackId,
      stack.parameters,
    );
    this.checkCapabilities(prepared.template, input.capabilities);
    const sameTemplate = templateBody === stack.templateBody;
    const sameParameters =
      JSON.stringify(prepared.parameters) === JSON.stringify(stack.parameters);
    const sameTags =
      input.tags.length === 0 ||
      JSON.stringify(input.tags) === JSON.stringify(stack.tags);
    if (sameTemplate && sameParameters && sameTags) {
      throw validation('No updates are to be performed.');
    }
    // What a rollback returns to: the stack's settings and its resources.
    const previous = {
      templateBody: stack.templateBody,
      template: stack.template,
      parameters: stack.parameters,
      conditions: stack.conditions,
      description: stack.description,
      tags: stack.tags,
      capabilities: stack.capabilities,
    };
    const before = new Map<string, ResourceSnapshot>(
      [...stack.resources].map(([id, r]) => [
        id,
        {
          physicalId: r.physicalId,
          properties: r.properties,
          attributes: r.attributes,
        },
      ]),
    );
    stack.templateBody = templateBody;
    stack.template = prepared.template;
    stack.parameters = prepared.parameters;
    stack.conditions = prepared.conditions;
    stack.description = prepared.template.Description;
    stack.secrets = withSecrets(
      stack.secrets,
      prepared.template,
      prepared.parameters,
    );
    if (input.tags.length > 0) stack.tags = input.tags;
    stack.capabilities = input.capabilities;
    if (input.roleArn) stack.roleArn = input.roleArn;
    stack.clientRequestToken = input.clientRequestToken;
    stack.lastUpdatedTime = new Date();
    const previousImports = stack.imports;
    stack.imports = new Set();
    const removed = new Set(
      [...stack.resources.keys()].filter(id => !prepared.active.includes(id)),
    );
    const added = new Set(
      prepared.active.filter(id => !stack.resources.has(id)),
    );
    const oldDeps = this.currentDeps(previous.template, [
      ...stack.resources.keys(),
    ]);
    this.setStatus(stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
    const operation = ++stack.operation;
    const run: UpdateRun = { replaced: new Map() };
    this.applyResources(stack, prepared, operation, run, failure => {
      const conflict = failure ? undefined : this.publishOutputs(stack);
      if (failure || conflict) {
        this.cancelInFlight(stack);
        const verb = failure && added.has(failure.id) ? 'create' : 'update';
        this.setStatus(
          stack,
          'UPDATE_ROLLBACK_IN_PROGRESS',
          conflict ??
            `The following resource(s) failed to ${verb}: [${failure!.id}].`,
        );
        Object.assign(stack, previous, { imports: previousImports });
        this.rollBackUpdate(stack, before, added, oldDeps, prepared.deps);
        return;
      }
      this.setStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      this.deleteResources(
        stack,
        oldDeps,
        operation,
        () => {
          for (const id of removed) stack.resources.delete(id);
          this.retire(stack, run.replaced);
          this.setStatus(stack, 'UPDATE_COMPLETE');
        },
        removed,
      );
    });
    return stack;
  }

  /**
   * Returns every resource the failed update changed to what it was, in
   * dependency order (a service back onto its old task definition, a
   * replaced resource back to its old physical id), then removes what the
   * update made: new resources and the replacements.
   */
  private rollBackUpdate(
    stack: Stack,
    before: Map<string, ResourceSnapshot>,
    added: Set<string>,
    oldDeps: Dependencies,
    newDeps: Dependencies,
  ): void {
    // A new operation: steps of the failed update still in flight stop.
    const operation = ++stack.operation;
    const changed = [...before].filter(([id, snapshot]) => {
      const now = stack.resources.get(id);
      return (
        now !== undefined &&
        (now.physicalId !== snapshot.physicalId ||
          JSON.stringify(now.properties) !==
            JSON.stringify(snapshot.properties))
      );
    });
    const superseded = new Map<string, EffectTarget>();
    const snapshots = new Map(changed);
    runGraph(
      [...snapshots.keys()],
      oldDeps,
      (id, done) => {
        const resource = stack.resources.get(id) as StackResource;
        const snapshot = snapshots.get(id) as ResourceSnapshot;
        if (resource.physicalId !== snapshot.physicalId) {
          superseded.set(id, this.effectTarget(resource));
        }
        resource.physicalId = snapshot.physicalId;
        resource.properties = snapshot.properties;
        resource.attributes = snapshot.attributes;
        this.resourceStatus(stack, resource, 'UPDATE_IN_PROGRESS');
        this.effects.update(this.effectTarget(resource));
        const ms = createDuration(this.ctx.profile(), resource.type);
        this.whileCurrent(stack, operation, ms, () =>
          this.whenStable(stack, resource, operation, 'UPDATE', done),
        );
      },
      failure => {
        if (failure) {
          this.setStatus(
            stack,
            'UPDATE_ROLLBACK_FAILED',
            `The following resource(s) failed to update: [${failure.id}]. `.trim(),
          );
          return;
        }
        this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
        this.retire(stack, superseded);
        this.deleteResources(
          stack,
          newDeps,
          operation,
          () => {
            for (const id of added) stack.resources.delete(id);
            this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE');
          },
          added,
        );
      },
      () => stack.operation === operation,
    );
  }

  /** Deletes physical resources a replacement superseded, with their events. */
  private retire(stack: Stack, superseded: Map<string, EffectTarget>): void {
    for (const [logicalId, target] of superseded) {
      this.physicalEvent(stack, logicalId, target, 'DELETE_IN_PROGRESS');
      this.effects.delete(target);
      this.physicalEvent(stack, logicalId, target, 'DELETE_COMPLETE');
    }
  }

  private currentDeps(template: Template, ids: string[]): Dependencies {
    try {
      return analyseDependencies(
        template,
        ids.filter(id => id in template.Resources),
      );
    } catch {
      return new Map(ids.map(id => [id, new Set<string>()]));
    }
  }

  /** Idempotent, like the real DeleteStack: unknown names are not an error. */
  delete(
    nameOrId: string,
    options: { roleArn?: string; clientRequestToken?: string } = {},
  ): void {
    checkRoleArn(options.roleArn);
    const stack = this.find(nameOrId);
    if (
      !stack ||
      stack.status === 'DELETE_IN_PROGRESS' ||
      stack.status === 'DELETE_COMPLETE'
    )
      return;
    const operation = ++stack.operation;
    if (options.roleArn) stack.roleArn = options.roleArn;
    stack.clientRequestToken = options.clientRequestToken;
    this.cancelInFlight(stack);
    this.setStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    const inUse = deleteConflict(this.stacks, stack);
    if (inUse) {
      // Nothing is deleted: the importing stacks would lose their values.
      this.setStatus(stack, 'DELETE_FAILED', inUse);
      return;
    }
    const deps = this.currentDeps(stack.template, [...stack.resources.keys()]);
    this.ctx.scheduler.after(this.ctx.profile().stackStepMs, () => {
      this.deleteResources(stack, deps, operation, failure => {
        if (failure) {
          this.setStatus(
            stack,
            'DELETE_FAILED',
            `The following resource(s) failed to delete: [${failure.id}]. `,
          );
          return;
        }
        stack.deletionTime = new Date();
        this.setStatus(stack, 'DELETE_COMPLETE');
      });
    });
  }

  /**
   * Evaluates the stack's outputs and publishes them, unless their exports
   * conflict with other stacks'; returns the conflict then.
   */
  private publishOutputs(stack: Stack): string | undefined {
    let outputs: StackOutput[];
    try {
      outputs = this.evaluateOutputs(stack);
    } catch (error) {
      return (error as Error).message;
    }
    const conflict = exportConflict(this.stacks, stack, outputs);
    if (!conflict) stack.outputs = outputs;
    return conflict;
  }

  private evaluateOutputs(stack: Stack): StackOutput[] {
    const ctx = this.evaluationContext(stack);
    const outputs: StackOutput[] = [];
    for (const [key, output] of Object.entries(stack.template.Outputs ?? {})) {
      if (output.Condition && !stack.conditions[output.Condition]) continue;
      const value = evaluate(output.Value, ctx);
      const exportName = output.Export
        ? evaluate(output.Export.Name, ctx)
        : undefined;
      outputs.push({
        key,
        value: Array.isArray(value)
          ? value.join(',')
          : String(value === NO_VALUE ? '' : value),
        description: output.Description,
        exportName:
          exportName === undefined || exportName === NO_VALUE
            ? undefined
            : String(exportName),
      });
    }
    return outputs;
  }

  private effectTarget(resource: StackResource) {
    return {
      type: resource.type,
      physicalId: resource.physicalId ?? '',
      properties: resource.resolvedProperties ?? resource.properties,
      attributes: resource.attributes,
    };
  }

  private setStatus(stack: Stack, status: StackStatus, reason?: string): void {
    stack.status = status;
    stack.reason = reason;
    this.stackEvent(stack, status, reason);
  }

  private stackEvent(stack: Stack, status: string, reason?: string): void {
    stack.events.unshift({
      eventId: uuid(),
      logicalId: stack.stackName,
      physicalId: stack.stackId,
      resourceType: 'AWS::CloudFormation::Stack',
      status,
      reason: maskText(reason, stack.secrets),
      timestamp: new Date(),
      clientRequestToken: stack.clientRequestToken,
    });
  }

  /** An event about a physical resource the logical one no longer names. */
  private physicalEvent(
    stack: Stack,
    logicalId: string,
    target: EffectTarget,
    status: ResourceStatus,
  ): void {
    stack.events.unshift({
      eventId: `${logicalId}-${status}-${new Date().toISOString()}-${uuid().slice(
        0,
        8,
      )}`,
      logicalId,
      physicalId: target.physicalId,
      resourceType: target.type,
      status,
      timestamp: new Date(),
      properties: JSON.stringify(
        maskResolved(target.properties, stack.secrets),
      ),
      clientRequestToken: stack.clientRequestToken,
    });
  }

  private resourceStatus(
    stack: Stack,
    resource: StackResource,
    status: ResourceStatus,
    reason?: string,
  ): void {
    const masked = maskText(reason, stack.secrets);
    resource.status = status;
    resource.reason = masked;
    resource.timestamp = new Date();
    stack.events.unshift({
      eventId: `${
        resource.logicalId
      }-${status}-${resource.timestamp.toISOString()}-${uuid().slice(0, 8)}`,
      logicalId: resource.logicalId,
      physicalId: resource.physicalId,
      resourceType: resource.type,
      status,
      reason: masked,
      timestamp: resource.timestamp,
      properties: JSON.stringify(
        maskResolved(resource.properties, stack.secrets),
      ),
      clientRequestToken: stack.clientRequestToken,
    });
  }
}
