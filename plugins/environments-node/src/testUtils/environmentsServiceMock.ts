import {
  BackstageCredentials,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  pendingEnvironmentStatus,
  type CreateEnvironmentRequest,
  type Environment,
  type EnvironmentEvent,
  type EnvironmentPhase,
  type EnvironmentPreview,
  type EnvironmentTemplateSummary,
  type ListEnvironmentsResponse,
} from '@envkit/plugin-environments-common';
import {
  environmentsServiceRef,
  type EnvironmentsRequestOptions,
  type EnvironmentsService,
} from '@envkit/plugin-environments-node';

/** One call the fake received, with the user it was made for. @public */
export interface EnvironmentsServiceCall {
  operation: keyof EnvironmentsService;
  /** The environment id or template ref the call names, if any. */
  target?: string;
  body?: CreateEnvironmentRequest;
  idempotencyKey?: string;
  /** `userEntityRef` of the credentials, or the service's subject. */
  caller?: string;
}

/** Options of `environmentsServiceMock`. @public */
export interface EnvironmentsServiceMockOptions {
  /** Reads of an environment before it is Ready (default 2). */
  readsUntilReady?: number;
  /** Outputs a Ready environment publishes. */
  outputs?: Record<string, string>;
  /**
   * When set, creates wait in AwaitingApproval for this group, as with a
   * template whose `guardrails.approval` requires it.
   */
  approvers?: string;
}

/**
 * An in-memory `EnvironmentsService`: environments move Pending,
 * Provisioning, Ready over a few reads, creates honour the idempotency key
 * per caller, and a test can make it refuse creates or fail environments.
 *
 * @public
 */
export class FakeEnvironmentsService implements EnvironmentsService {
  readonly calls: EnvironmentsServiceCall[] = [];
  readonly environments = new Map<string, Environment>();
  readsUntilReady: number;
  outputs: Record<string, string>;
  /** When set, creates and previews are refused with this message. */
  denyCreate?: string;
  /** When set, environments end Failed with this error instead of Ready. */
  failWith?: { reason: string; message: string };
  /** When set, creates wait in AwaitingApproval for this group. */
  approvers?: string;

  private readonly events = new Map<string, EnvironmentEvent[]>();
  private readonly reads = new Map<string, number>();
  private readonly keys = new Map<string, string>();
  private nextId = 1;

  constructor(options: EnvironmentsServiceMockOptions = {}) {
    this.readsUntilReady = options.readsUntilReady ?? 2;
    this.approvers = options.approvers;
    this.outputs = options.outputs ?? {
      endpoint: 'http://fake-alb.sandbox.local',
      cluster: 'envkit-fake',
    };
  }

  /** The create calls, in order. */
  creates(): EnvironmentsServiceCall[] {
    return this.calls.filter(c => c.operation === 'createEnvironment');
  }

  /** Adds an environment as if it had been created, in `phase`. */
  add(body: CreateEnvironmentRequest, phase: EnvironmentPhase = 'Ready') {
    const environment = this.draft(body, `env-${this.nextId++}`);
    environment.status.phase = phase;
    this.environments.set(environment.id, environment);
    this.events.set(environment.id, []);
    return environment;
  }

  async createEnvironment(
    body: CreateEnvironmentRequest,
    options: EnvironmentsRequestOptions & { idempotencyKey?: string },
  ): Promise<Environment> {
    const caller = this.record('createEnvironment', options, { body });
    this.calls[this.calls.length - 1].idempotencyKey = options.idempotencyKey;
    if (this.denyCreate) throw new NotAllowedError(this.denyCreate);
    const scope = `${caller}|${options.idempotencyKey}`;
    const known = options.idempotencyKey && this.keys.get(scope);
    if (known) return this.copy(this.environments.get(known)!);
    const environment = this.add(
      body,
      this.approvers ? 'AwaitingApproval' : 'Pending',
    );
    this.event(
      environment.id,
      'Requested',
      `Requested from ${body.templateRef}`,
    );
    if (this.approvers) {
      const now = new Date();
      environment.spec.approval = {
        approvers: this.approvers,
        requestedBy: caller ?? 'user:default/mock',
        requestedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 2 * 86_400_000).toISOString(),
      };
      this.event(
        environment.id,
        'ApprovalRequested',
        `Waiting for approval by a member of ${this.approvers}`,
      );
    }
    if (options.idempotencyKey) this.keys.set(scope, environment.id);
    return this.copy(environment);
  }

  async previewEnvironment(
    body: CreateEnvironmentRequest,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentPreview> {
    this.record('previewEnvironment', options, { body });
    if (this.denyCreate) throw new NotAllowedError(this.denyCreate);
    return {
      environment: this.draft(body, 'preview'),
      resources: [{ name: 'service', driver: 'aws-cloudformation' }],
    };
  }

  async getEnvironment(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    const environment = this.recordOn('getEnvironment', id, options);
    this.advance(environment);
    return this.copy(environment);
  }

  async listEnvironmentEvents(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentEvent[]> {
    this.recordOn('listEnvironmentEvents', id, options);
    return [...this.events.get(id)!].reverse();
  }

  async listEnvironments(
    _query: unknown,
    options: EnvironmentsRequestOptions,
  ): Promise<ListEnvironmentsResponse> {
    this.record('listEnvironments', options);
    const items = [...this.environments.values()].map(e => this.copy(e));
    return { items, totalCount: items.length };
  }

  async deleteEnvironment(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    const environment = this.recordOn('deleteEnvironment', id, options);
    this.setPhase(
      environment,
      'Destroyed',
      'Destroyed',
      'Every resource is gone',
    );
    return this.copy(environment);
  }

  async getTemplate(
    ref: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentTemplateSummary> {
    this.record('getTemplate', options, { target: ref });
    throw new NotFoundError(`No environment template '${ref}'`);
  }

  private record(
    operation: keyof EnvironmentsService,
    { credentials }: EnvironmentsRequestOptions,
    details: Omit<EnvironmentsServiceCall, 'operation' | 'caller'> = {},
  ): string | undefined {
    const caller = callerOf(credentials);
    this.calls.push({ operation, caller, ...details });
    return caller;
  }

  /** Records a call on environment `id` and finds it; a 404 if there is none. */
  private recordOn(
    operation: keyof EnvironmentsService,
    id: string,
    options: EnvironmentsRequestOptions,
  ): Environment {
    this.record(operation, options, { target: id });
    return this.find(id);
  }

  private find(id: string): Environment {
    const environment = this.environments.get(id);
    if (!environment) throw new NotFoundError(`No environment with id '${id}'`);
    return environment;
  }

  /** A copy, as a response body is: callers never share the fake's state. */
  private copy(environment: Environment): Environment {
    return structuredClone(environment);
  }

  private draft(body: CreateEnvironmentRequest, id: string): Environment {
    const now = new Date().toISOString();
    return {
      id,
      createdAt: now,
      updatedAt: now,
      createdBy: 'user:default/mock',
      spec: {
        name: body.name,
        templateRef: body.templateRef,
        templateVersion: '1.0.0',
        templateSnapshot: {} as Environment['spec']['templateSnapshot'],
        inputs: (body.inputs ?? {}) as Environment['spec']['inputs'],
        owner: body.owner ?? 'user:default/mock',
        ...(body.component ? { component: body.component } : {}),
        generation: 1,
      },
      status: pendingEnvironmentStatus(),
    };
  }

  private advance(environment: Environment) {
    const reads = (this.reads.get(environment.id) ?? 0) + 1;
    this.reads.set(environment.id, reads);
    const phase = environment.status.phase;
    if (phase === 'Pending') {
      this.setPhase(
        environment,
        'Provisioning',
        'Provisioning',
        'Creating stacks',
      );
    } else if (phase === 'Provisioning' && reads >= this.readsUntilReady) {
      if (this.failWith) {
        environment.status.lastError = this.failWith;
        const { reason, message } = this.failWith;
        this.setPhase(environment, 'Failed', reason, message);
      } else {
        environment.status.outputs = { ...this.outputs };
        this.setPhase(environment, 'Ready', 'Ready', 'Every resource is ready');
      }
    }
  }

  private setPhase(
    environment: Environment,
    phase: EnvironmentPhase,
    reason: string,
    message: string,
  ) {
    environment.status.phase = phase;
    environment.updatedAt = new Date().toISOString();
    this.event(environment.id, reason, message);
  }

  private event(id: string, reason: string, message: string) {
    const list = this.events.get(id)!;
    list.push({
      id: String(list.length + 1),
      at: new Date().toISOString(),
      type: 'Normal',
      reason,
      message,
    });
  }
}

function callerOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return principal?.userEntityRef ?? principal?.subject;
}

/**
 * A fake of `environmentsServiceRef` for tests, in the style of
 * `catalogServiceMock`: call it for an in-memory service, use `.factory`
 * to install one in `startTestBackend`, or `.mock` for bare `jest.fn`s.
 *
 * @public
 */
export function environmentsServiceMock(
  options?: EnvironmentsServiceMockOptions,
): FakeEnvironmentsService {
  return new FakeEnvironmentsService(options);
}

/** @public */
export namespace environmentsServiceMock {
  /** A service factory serving `service` (a new fake when left out). */
  export const factory = (
    service: EnvironmentsService = new FakeEnvironmentsService(),
  ) =>
    createServiceFactory({
      service: environmentsServiceRef,
      deps: {},
      factory: () => service,
    });

  /** Every method a `jest.fn`, with `partial` as their implementations. */
  export const mock = (
    partial?: Partial<EnvironmentsService>,
  ): jest.Mocked<EnvironmentsService> => ({
    createEnvironment: jest.fn(partial?.createEnvironment),
    previewEnvironment: jest.fn(partial?.previewEnvironment),
    getEnvironment: jest.fn(partial?.getEnvironment),
    listEnvironmentEvents: jest.fn(partial?.listEnvironmentEvents),
    listEnvironments: jest.fn(partial?.listEnvironments),
    deleteEnvironment: jest.fn(partial?.deleteEnvironment),
    getTemplate: jest.fn(partial?.getTemplate),
  });
}
