import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  Environment,
  EnvironmentEvent,
  EnvironmentStatus,
  EnvironmentSummary,
} from '@envkit/plugin-environments-common';
import { EnvironmentStore } from '../database/EnvironmentStore';

/** The notification topic of every Envkit notice. */
export const NOTICE_TOPIC = 'envkit-environments';

/** Default thresholds of the notices before expiry: 24 hours and 1 hour. */
export const DEFAULT_BEFORE_EXPIRY_MS = [24 * 3_600_000, 3_600_000];

/** Environments looked at per sweep for notices before expiry. */
const EXPIRING_BATCH = 500;

export interface EnvironmentNoticesOptions {
  store: EnvironmentStore;
  /** Absent when the app runs no notifications backend: nothing is sent. */
  notifications?: NotificationService;
  logger: LoggerService;
  /** How long before expiry the owner hears of it, e.g. [24 h, 1 h] in ms. */
  beforeExpiryMs?: number[];
  /** The environment page, where Extend is; relative links are the app's. */
  environmentLink?: (environment: { spec: { name: string } }) => string;
  clock?: () => Date;
}

/**
 * Tells people what happens to environments, through Backstage's
 * NotificationService: the owner before expiry (one notice per threshold),
 * on each failure and when expiry destroyed it; the approver group when a
 * request waits for them, and the owner when it is rejected.
 *
 * Exactly once, however many replicas run: each notice is first claimed in
 * the database (`environment_notices_sent`, unique per environment, kind
 * and key) and only the replica whose claim lands sends it. A claimed
 * notice whose sending fails is logged and not sent again: a missed notice
 * is better than a notice every sweep.
 */
export class EnvironmentNotices {
  private readonly thresholds: number[];
  private readonly clock: () => Date;
  private readonly link: (environment: { spec: { name: string } }) => string;

  constructor(private readonly options: EnvironmentNoticesOptions) {
    this.thresholds = [...(options.beforeExpiryMs ?? DEFAULT_BEFORE_EXPIRY_MS)]
      .filter(ms => ms > 0)
      .sort((a, b) => b - a);
    this.clock = options.clock ?? (() => new Date());
    this.link =
      options.environmentLink ??
      (environment =>
        `/catalog/default/resource/${encodeURIComponent(
          environment.spec.name,
        )}`);
  }

  /**
   * Sends the notices before expiry that are due. For each environment only
   * the nearest threshold it has passed is sent (one created with a 30
   * minute lifetime hears once, not twice), and a threshold no shorter than
   * the environment's whole lifetime is skipped (an 8 hour environment is
   * not told at creation that it expires within a day). Extending moves the
   * expiry and so starts the thresholds again.
   */
  async sweepExpiring(): Promise<number> {
    if (this.thresholds.length === 0) return 0;
    const { store } = this.options;
    const now = this.clock();
    const expiring = await store.listExpiring({
      now,
      until: new Date(now.getTime() + this.thresholds[0]),
      limit: EXPIRING_BATCH,
    });
    const claimed = await store.claimedNotices(
      expiring.map(e => e.id),
      'expiring',
    );
    let sent = 0;
    for (const environment of expiring) {
      const expiresAt = Date.parse(environment.spec.expiresAt!);
      const left = expiresAt - now.getTime();
      const lifetime = expiresAt - Date.parse(environment.createdAt);
      const passed = this.thresholds.filter(t => left <= t && t < lifetime);
      const nearest = passed[passed.length - 1];
      if (nearest === undefined) continue;
      const key = `${isoDuration(nearest)}@${environment.spec.expiresAt}`;
      if (claimed.has(`${environment.id}/${key}`)) continue;
      const sentNow = await this.claimAndSend(
        environment,
        'expiring',
        key,
        [environment.spec.owner],
        {
          title: `Environment ${environment.spec.name} expires ${humanIn(
            left,
          )}`,
          description: `It will be destroyed at ${environment.spec.expiresAt}. Open the environment page and choose Extend to keep it longer.`,
          severity: nearest <= 3_600_000 ? 'high' : 'normal',
        },
      );
      if (sentNow) sent++;
    }
    return sent;
  }

  /**
   * Notices that follow from one reconcile the engine wrote: the phase
   * before (`before`) and after (`after`), and the events it recorded.
   */
  async afterReconcile(
    before: Environment,
    after: EnvironmentStatus,
    events: EnvironmentEvent[],
  ): Promise<void> {
    const { spec } = before;
    const from = before.status.phase;
    const to = after.phase;
    if (to === 'AwaitingApproval' && spec.approval && !spec.approval.decision) {
      await this.claimAndSend(
        before,
        'approval-requested',
        `${spec.approval.requestedAt}`,
        [spec.approval.approvers],
        {
          title: `Approval requested: environment ${spec.name}`,
          description: `${spec.approval.requestedBy} asks for ${spec.name} from ${spec.templateRef}. Approve or reject it on the Approvals tab of the Environments page before ${spec.approval.expiresAt}.`,
          severity: 'normal',
        },
        '/environments?tab=approvals',
      );
      return;
    }
    if (from === to) return;
    const entered = events.find(e => e.reason === to || e.type === 'Warning');
    if (to === 'Failed' || to === 'Degraded') {
      const error = after.lastError;
      await this.claimAndSend(
        before,
        'failed',
        // One notice per failure: each entry into the phase is one.
        `${to}@${entered?.at ?? this.clock().toISOString()}`,
        [spec.owner],
        {
          title: `Environment ${spec.name} ${
            to === 'Failed' ? 'failed' : 'is degraded'
          }`,
          description: error
            ? `${error.reason}: ${error.message}`
            : `The environment is ${to}.`,
          severity: 'high',
        },
      );
    } else if (to === 'Rejected') {
      const error = after.lastError;
      await this.claimAndSend(
        before,
        'rejected',
        String(spec.approval?.requestedAt ?? spec.generation),
        [spec.owner],
        {
          title: `Environment ${spec.name} was not approved`,
          description: error?.message ?? 'The request was rejected.',
          severity: 'normal',
        },
      );
    } else if (
      to === 'Destroyed' &&
      !spec.deletionRequestedAt &&
      spec.expiresAt &&
      Date.parse(spec.expiresAt) <= this.clock().getTime()
    ) {
      await this.claimAndSend(before, 'expired', spec.expiresAt, [spec.owner], {
        title: `Environment ${spec.name} expired and was destroyed`,
        description: `Its lifetime ended at ${spec.expiresAt}; every resource is gone.`,
        severity: 'normal',
      });
    }
  }

  /** Claims the notice; sends it only if this call's claim landed. */
  private async claimAndSend(
    environment: Pick<EnvironmentSummary, 'id' | 'spec'>,
    kind: string,
    key: string,
    recipients: string[],
    payload: Pick<NotificationPayload, 'title' | 'description' | 'severity'>,
    link?: string,
  ): Promise<boolean> {
    const { store, notifications, logger } = this.options;
    if (!notifications) return false;
    const won = await store.claimNotice({
      environmentId: environment.id,
      kind,
      key,
    });
    if (!won) return false;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          ...payload,
          link: link ?? this.link(environment),
          topic: NOTICE_TOPIC,
          scope: `envkit:${environment.id}:${kind}:${key}`,
        },
      });
      return true;
    } catch (error) {
      logger.warn(
        `Could not send the ${kind} notice of environment ${
          environment.id
        }: ${stringifyError(error)}`,
      );
      return false;
    }
  }
}

function isoDuration(ms: number): string {
  return `PT${Math.round(ms / 60_000)}M`;
}

function humanIn(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 90) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `in ${hours} hours`;
}
