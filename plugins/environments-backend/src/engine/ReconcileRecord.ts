import {
  assertTransition,
  EnvironmentCondition,
  EnvironmentError,
  EnvironmentEvent,
  EnvironmentPhase,
  EnvironmentResourceStatus,
  EnvironmentStatus,
  EnvironmentTemplateResource,
} from '@envkit/plugin-environments-common';

/**
 * What one reconcile pass changes: a private copy of the status and the
 * events to append. Every phase change goes through the phase machine of
 * environments-common, so the engine cannot make a transition it forbids.
 */
export class ReconcileRecord {
  readonly status: EnvironmentStatus;
  readonly events: EnvironmentEvent[] = [];

  constructor(status: EnvironmentStatus, private readonly clock: () => Date) {
    this.status = JSON.parse(JSON.stringify(status));
  }

  now(): string {
    return this.clock().toISOString();
  }

  /**
   * Moves to `to` (checked against the phase machine) and records why.
   * Entering the phase the environment is already in only records the event,
   * e.g. a newer generation arriving while one is being applied.
   */
  transition(
    to: EnvironmentPhase,
    message: string,
    type: EnvironmentEvent['type'] = 'Normal',
    reason: string = to,
  ) {
    if (this.status.phase !== to) {
      assertTransition(this.status.phase, to);
      this.status.phase = to;
    }
    this.event(type, reason, message);
  }

  event(
    type: EnvironmentEvent['type'],
    reason: string,
    message: string,
    resource?: string,
  ) {
    this.events.push({
      at: this.now(),
      type,
      reason,
      message,
      ...(resource ? { resource } : {}),
    });
  }

  /** Records an error for the owner; the Warning event only when it is new. */
  error(error: EnvironmentError) {
    const previous = this.status.lastError;
    if (
      previous?.reason !== error.reason ||
      previous?.resource !== error.resource
    ) {
      this.event(
        'Warning',
        error.reason,
        error.resource ? `${error.resource}: ${error.message}` : error.message,
        error.resource,
      );
    }
    this.status.lastError = error;
  }

  condition(
    type: string,
    value: EnvironmentCondition['status'],
    reason: string,
    message: string,
  ) {
    const existing = this.status.conditions.find(c => c.type === type);
    if (!existing) {
      this.status.conditions.push({
        type,
        status: value,
        reason,
        message,
        lastTransitionTime: this.now(),
      });
      return;
    }
    if (existing.status !== value) existing.lastTransitionTime = this.now();
    existing.status = value;
    existing.reason = reason;
    existing.message = message;
  }

  find(name: string): EnvironmentResourceStatus | undefined {
    return this.status.resources.find(r => r.name === name);
  }

  /** The status entry of `resource`, made Pending when there is none yet. */
  resource(resource: EnvironmentTemplateResource): EnvironmentResourceStatus {
    let current = this.find(resource.name);
    if (!current) {
      current = {
        name: resource.name,
        driver: resource.driver,
        phase: 'Pending',
        outputs: {},
        updatedAt: this.now(),
      };
      this.status.resources.push(current);
    }
    return current;
  }
}
