import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CostEstimate,
  Environment,
  EnvironmentApprovalGuardrail,
  environmentApprovePermission,
  EnvironmentSpec,
  EnvironmentSummary,
  EnvironmentTemplateSpec,
  MAX_PAGE_SIZE,
  parseDuration,
} from '@envkit/plugin-environments-common';
import {
  EnvironmentAccess,
  EnvironmentOperationsOptions,
} from './EnvironmentAccess';
import { expiryFor } from './EnvironmentCreation';

/** How long a request waits for a decision when the template names no time. */
export const DEFAULT_APPROVAL_EXPIRES_AFTER = 'P2D';

const usd = (n: number) =>
  n.toLocaleString('en-US', { style: 'currency', currency: 'USD' });

/**
 * Why a new environment needs approval under `rule`, or undefined when it
 * doesn't: a cost rule lets through what is estimated at or below the
 * threshold, and holds what is above it or could not be fully priced.
 */
export function approvalReason(
  rule: EnvironmentApprovalGuardrail,
  estimate: CostEstimate | undefined,
): string | undefined {
  if (rule.required === 'always') {
    return 'The template asks for approval of every environment';
  }
  const threshold = rule.aboveMonthlyCost ?? 0;
  if (!estimate) {
    return `Its cost could not be estimated; the template asks for approval above ${usd(
      threshold,
    )} a month`;
  }
  if (estimate.monthly > threshold) {
    return `Projected ${usd(estimate.monthly)} a month, above the ${usd(
      threshold,
    )} the template allows without approval`;
  }
  if (estimate.notEstimated.length) {
    return `Projected ${usd(
      estimate.monthly,
    )} a month without ${estimate.notEstimated
      .map(n => n.resource)
      .join(
        ', ',
      )}, which could not be priced; the template asks for approval above ${usd(
      threshold,
    )}`;
  }
  return undefined;
}

/** The approval state a new environment from `template` starts with, if any. */
export function approvalFor(
  template: EnvironmentTemplateSpec,
  options: {
    requestedBy: string;
    now: Date;
    ttl: string | undefined;
    defaultExpiresAfter?: string;
    /** The create's estimate, for a cost threshold. */
    estimate?: CostEstimate;
    /** Why a budget that asks for approval when exceeded wants it. */
    overBudget?: string;
  },
): EnvironmentSpec['approval'] {
  const rule = template.guardrails?.approval;
  if (!rule) return undefined;
  const why = options.overBudget ?? approvalReason(rule, options.estimate);
  if (!why) return undefined;
  const after =
    rule.expiresAfter ??
    options.defaultExpiresAfter ??
    DEFAULT_APPROVAL_EXPIRES_AFTER;
  return {
    // Compared with ownership refs, which are always full refs.
    approvers: stringifyEntityRef(
      parseEntityRef(rule.approvers, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ),
    requestedBy: options.requestedBy,
    requestedAt: options.now.toISOString(),
    expiresAt: new Date(
      options.now.getTime() +
        parseDuration(after, 'guardrails.approval.expiresAfter'),
    ).toISOString(),
    ...(options.ttl ? { ttl: options.ttl } : {}),
    why,
    ...(rule.required === 'aboveMonthlyCost' && options.estimate
      ? { monthlyCost: options.estimate.monthly }
      : {}),
  };
}

/**
 * Decisions on environments that wait for approval. Who may decide: the
 * permission policy's `environment.approve`, then the template's rule — a
 * member of the approver group (by the caller's ownership refs, which
 * Backstage resolves from the catalog at sign-in) who is not the
 * requester. The decision is recorded in the spec and the timeline; the
 * engine carries it out (provisions, or ends the request Rejected).
 */
export class EnvironmentApprovals {
  constructor(
    private readonly options: EnvironmentOperationsOptions,
    private readonly access: EnvironmentAccess,
  ) {}

  async decide(
    id: string,
    outcome: 'Approved' | 'Rejected',
    reason: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const { store } = this.options;
    const action = outcome === 'Approved' ? 'approve' : 'reject';
    const environment = await store.getEnvironment(id);
    if (!environment) {
      throw new NotFoundError(`No environment with id '${id}'`);
    }
    await this.access.require(
      environmentApprovePermission,
      environment,
      credentials,
      action,
    );
    const { spec, status } = environment;
    const approval = spec.approval;
    if (
      !approval ||
      approval.decision ||
      status.phase !== 'AwaitingApproval' ||
      spec.deletionRequestedAt
    ) {
      throw new ConflictError(
        `Environment '${spec.name}' is ${status.phase}${
          approval?.decision
            ? `, already ${approval.decision.outcome.toLowerCase()} by ${
                approval.decision.by
              }`
            : ''
        }; only a request waiting for approval can be decided`,
      );
    }
    const caller = await this.access.caller(credentials);
    if (!caller.ownershipEntityRefs.includes(approval.approvers)) {
      throw new NotAllowedError(
        `Only members of ${approval.approvers} may ${action} environment '${spec.name}'`,
      );
    }
    if (
      caller.ref === approval.requestedBy ||
      caller.ref === environment.createdBy
    ) {
      throw new NotAllowedError(
        `You requested environment '${spec.name}'; someone else in ${approval.approvers} must ${action} it`,
      );
    }
    const now = this.access.now();
    const decision = {
      outcome,
      by: caller.ref,
      at: now.toISOString(),
      ...(reason ? { reason } : {}),
    };
    let decided = false;
    const updated = await store.updateSpec(id, current => {
      decided = !!current.approval && !current.approval.decision;
      if (!decided || !current.approval) return undefined;
      const expiresAt =
        outcome === 'Approved'
          ? this.lifetimeFrom(environment, now)
          : undefined;
      return {
        ...current,
        approval: { ...current.approval, decision },
        ...(expiresAt ? { expiresAt } : {}),
      };
    });
    if (!decided) {
      throw new ConflictError(
        `Environment '${spec.name}' was decided by someone else meanwhile`,
      );
    }
    await this.access.recordEvent(
      id,
      outcome,
      outcome === 'Approved'
        ? `Approved by ${caller.ref}${reason ? `: ${reason}` : ''}`
        : `Rejected by ${caller.ref}: ${reason}`,
    );
    return updated;
  }

  /**
   * The requests waiting for the caller: in AwaitingApproval, undecided,
   * their approver group among the caller's ownership refs, not their own,
   * and allowed by `environment.approve`. Oldest first.
   */
  async listPending(
    credentials: BackstageCredentials,
  ): Promise<EnvironmentSummary[]> {
    const caller = await this.access.caller(credentials);
    const visible = await this.access.listable(
      environmentApprovePermission,
      credentials,
    );
    if (!visible) return [];
    const { items } = await this.options.store.listEnvironments({
      phase: 'AwaitingApproval',
      limit: MAX_PAGE_SIZE,
      ...visible,
    });
    return items
      .filter(item => {
        const approval = item.spec.approval;
        return (
          approval &&
          !approval.decision &&
          !item.spec.deletionRequestedAt &&
          caller.ownershipEntityRefs.includes(approval.approvers) &&
          approval.requestedBy !== caller.ref &&
          item.createdBy !== caller.ref
        );
      })
      .reverse();
  }

  /**
   * The expiry of an approved environment: its lifetime starts now, not at
   * the request, and still ends within the template's `lifetime.max` from
   * creation.
   */
  private lifetimeFrom(
    environment: Environment,
    now: Date,
  ): string | undefined {
    const template = { spec: environment.spec.templateSnapshot };
    const createdAt = new Date(environment.createdAt);
    try {
      return expiryFor(
        template,
        environment.spec.approval?.ttl,
        now,
        createdAt,
      );
    } catch {
      const max = template.spec.guardrails?.lifetime?.max;
      return max
        ? new Date(
            createdAt.getTime() + parseDuration(max, 'guardrails.lifetime.max'),
          ).toISOString()
        : undefined;
    }
  }
}
