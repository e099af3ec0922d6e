import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CreateEnvironmentRequest,
  Environment,
  environmentCostOf,
  EnvironmentCostRates,
  EnvironmentSchedule,
} from '@envkit/plugin-environments-common';
import { ListEnvironmentsOptions } from '../database/EnvironmentStore';
import {
  EnvironmentAccess,
  EnvironmentOperationsOptions,
} from './EnvironmentAccess';
import { EnvironmentApprovals } from './EnvironmentApprovals';
import { EnvironmentChanges } from './EnvironmentChanges';
import { EnvironmentCreation } from './EnvironmentCreation';
import { EnvironmentKubeconfigs } from './EnvironmentKubeconfigs';

export type { EnvironmentOperationsOptions } from './EnvironmentAccess';

/**
 * What each REST operation does, with permission checks and guardrails; the
 * router only parses requests and shapes responses. Reads and permission
 * checks live in {@link EnvironmentAccess}, creates in
 * {@link EnvironmentCreation}, changes in {@link EnvironmentChanges}.
 */
export class EnvironmentOperations {
  private readonly access: EnvironmentAccess;
  private readonly creation: EnvironmentCreation;
  private readonly changes: EnvironmentChanges;
  private readonly approvals: EnvironmentApprovals;
  private readonly kubeconfigs: EnvironmentKubeconfigs;

  constructor(private readonly options: EnvironmentOperationsOptions) {
    this.access = new EnvironmentAccess(options);
    this.creation = new EnvironmentCreation(options, this.access);
    this.changes = new EnvironmentChanges(options, this.access);
    this.approvals = new EnvironmentApprovals(options, this.access);
    this.kubeconfigs = new EnvironmentKubeconfigs(options, this.access);
  }

  approve(
    id: string,
    reason: string | undefined,
    credentials: BackstageCredentials,
  ) {
    return this.approvals.decide(id, 'Approved', reason, credentials);
  }

  reject(id: string, reason: string, credentials: BackstageCredentials) {
    return this.approvals.decide(id, 'Rejected', reason, credentials);
  }

  listApprovals(credentials: BackstageCredentials) {
    return this.approvals.listPending(credentials);
  }

  kubeconfig(
    id: string,
    credentials: BackstageCredentials,
    request: { expirationSeconds?: number } = {},
  ) {
    return this.kubeconfigs.kubeconfig(id, credentials, request);
  }

  create(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
    options: { idempotencyKey?: string } = {},
  ) {
    return this.creation.create(request, credentials, options);
  }

  nameAvailability(name: string, credentials: BackstageCredentials) {
    return this.creation.nameAvailability(name, credentials);
  }

  preview(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
  ) {
    return this.creation.preview(request, credentials);
  }

  /** The environment with its cost accrued and projected as of now. */
  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    return withCost(await this.access.get(id, credentials), this.access.now());
  }

  /** A page of environments, each with its cost as of now. */
  async list(
    query: ListEnvironmentsOptions,
    credentials: BackstageCredentials,
  ) {
    const page = await this.access.list(query, credentials);
    const now = this.access.now();
    return { ...page, items: page.items.map(item => withCost(item, now)) };
  }

  events(
    id: string,
    credentials: BackstageCredentials,
    page?: { limit?: number; cursor?: string },
  ) {
    return this.access.events(id, credentials, page);
  }

  extend(id: string, ttl: string, credentials: BackstageCredentials) {
    return this.changes.extend(id, ttl, credentials);
  }

  destroy(id: string, credentials: BackstageCredentials) {
    return this.changes.destroy(id, credentials);
  }

  updateInputs(
    id: string,
    inputs: Record<string, unknown>,
    credentials: BackstageCredentials,
  ) {
    return this.changes.updateInputs(id, inputs, credentials);
  }

  upgrade(id: string, credentials: BackstageCredentials) {
    return this.changes.upgrade(id, credentials);
  }

  redeploy(id: string, credentials: BackstageCredentials) {
    return this.changes.redeploy(id, credentials);
  }

  wake(id: string, tonight: boolean, credentials: BackstageCredentials) {
    return this.changes.wake(id, tonight, credentials);
  }

  retry(id: string, credentials: BackstageCredentials) {
    return this.changes.retry(id, credentials);
  }

  listTemplates(credentials: BackstageCredentials) {
    return this.options.templates.listTemplates(credentials);
  }

  getTemplate(ref: string, credentials: BackstageCredentials) {
    return this.options.templates.describeTemplate(ref, credentials);
  }
}

/** `environment` with `cost` computed from its rates and schedule at `now`. */
function withCost<
  T extends {
    createdAt: string;
    spec: {
      cost?: EnvironmentCostRates;
      schedule?: unknown;
      expiresAt?: string;
    };
  },
>(environment: T, now: Date): T {
  const cost = environmentCostOf(
    {
      ...environment.spec,
      schedule: environment.spec.schedule as EnvironmentSchedule | undefined,
    },
    environment.createdAt,
    now,
  );
  return cost ? { ...environment, cost } : environment;
}
