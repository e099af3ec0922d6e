import {
  Environment,
  EnvironmentError,
  EnvironmentResourceStatus,
  EnvironmentTemplateResource,
  topologicalOrder,
} from '@envkit/plugin-environments-common';
import { CallFailure, CallOutcome, DriverCaller } from './DriverCaller';
import { applyParameters, destroyParameters } from './interpolationContext';
import { ReconcileRecord } from './ReconcileRecord';

/*
 * One pass over an environment's resources: which driver calls to make, in
 * which order, and how each outcome (including the failure protocol) is
 * recorded in the status. The engine decides the phases around it.
 */

/** Where one pass over the resources left the environment. */
export interface PassResult {
  /** Some resource still needs calls (in progress, retrying, waiting). */
  unfinished: boolean;
  /** Some resource waits for a person. */
  attention: boolean;
  /** The environment failed; the pass stopped. */
  failed?: EnvironmentError;
}

/** A pass over `resources` in dependency order, nothing found yet. */
function beginPass(resources: EnvironmentTemplateResource[]): {
  resources: EnvironmentTemplateResource[];
  pass: PassResult;
} {
  return {
    resources: topologicalOrder(resources),
    pass: { unfinished: false, attention: false },
  };
}

/**
 * The resources a destroy pass covers: everything the environment may
 * still have (with `retiredOnly`, only what upgrades dropped), each
 * depending only on resources in the same set.
 */
function destroyable(
  environment: Environment,
  retiredOnly: boolean,
): EnvironmentTemplateResource[] {
  const { spec } = environment;
  const retired = spec.retiredResources ?? [];
  const all = retiredOnly
    ? retired
    : [...spec.templateSnapshot.resources, ...retired];
  const names = new Set(all.map(r => r.name));
  return all.map(r => ({
    ...r,
    dependsOn: (r.dependsOn ?? []).filter(dep => names.has(dep)),
  }));
}

/**
 * Waves: every resource whose dependencies are Ready is called at once; a
 * resource that becomes Ready unblocks its dependents in the same pass.
 * A settled environment has its Ready resources observed instead.
 */
export async function applyPass(
  caller: DriverCaller,
  environment: Environment,
  record: ReconcileRecord,
  settled: boolean,
): Promise<PassResult> {
  const { resources, pass } = beginPass(
    environment.spec.templateSnapshot.resources,
  );
  const attempted = new Set<string>();
  for (;;) {
    const wave = resources.filter(resource => {
      if (attempted.has(resource.name)) return false;
      // Already applied for this generation; nothing to do until settled.
      if (record.resource(resource).phase === 'Ready' && !settled) {
        return false;
      }
      return (resource.dependsOn ?? []).every(
        dep => record.find(dep)?.phase === 'Ready',
      );
    });
    if (wave.length === 0) return pass;
    wave.forEach(resource => attempted.add(resource.name));
    const results = await Promise.all(
      wave.map(async resource => {
        const observing =
          settled && record.resource(resource).phase === 'Ready';
        const outcome = await caller.call(
          environment,
          resource,
          observing ? 'observe' : 'apply',
          () => applyParameters(environment, record.status, resource),
        );
        return { resource, observing, outcome };
      }),
    );
    for (const { resource, observing, outcome } of results) {
      recordApply(record, resource, { settled, observing }, outcome, pass);
      if (pass.failed) return pass;
    }
  }
}

/** Records one apply or observe call's outcome in the status and `pass`. */
function recordApply(
  record: ReconcileRecord,
  resource: EnvironmentTemplateResource,
  how: { settled: boolean; observing: boolean },
  outcome: CallOutcome<'apply' | 'observe'>,
  pass: PassResult,
) {
  const current = record.resource(resource);
  if (outcome.kind === 'waiting') {
    pass.unfinished = true;
    return;
  }
  if (outcome.kind === 'failed') {
    recordFailure(record, current, outcome.failure, pass);
    return;
  }
  const { value } = outcome;
  if (value.outputs) current.outputs = { ...value.outputs };
  // What the driver saw (task counts, quota use…) is for the owner to read.
  if ('details' in value && value.details) {
    current.details = { ...value.details };
  }
  current.message = value.message;
  current.updatedAt = record.now();
  if (value.status === 'Ready') {
    if (current.phase !== 'Ready') {
      record.event(
        'Normal',
        how.settled ? 'Restored' : 'ResourceReady',
        `${resource.name} is ready${value.message ? `: ${value.message}` : ''}`,
        resource.name,
      );
    }
    current.phase = 'Ready';
    return;
  }
  pass.unfinished = true;
  if (how.observing) {
    // Drift or a degraded resource: apply it again on the next pass.
    record.event(
      'Warning',
      value.reason ?? 'Drift',
      `${resource.name}: ${value.message ?? 'no longer ready'}; reapplying`,
      resource.name,
    );
    current.phase = 'Pending';
  } else {
    current.phase = 'InProgress';
  }
}

/** Applies the failure protocol to an apply or observe call. */
function recordFailure(
  record: ReconcileRecord,
  current: EnvironmentResourceStatus,
  failure: CallFailure,
  pass: PassResult,
) {
  const { name } = current;
  if (failure.kind === 'retryable') {
    current.message = `Retrying after: ${failure.message}`;
    pass.unfinished = true;
    if (failure.exhausted) {
      pass.failed = {
        reason: 'DriverUnavailable',
        message: `${name}: ${failure.message}`,
        resource: name,
      };
    }
    return;
  }
  current.message = failure.message;
  current.updatedAt = record.now();
  const error = {
    reason: failure.reason,
    message: failure.message,
    resource: name,
  };
  if (failure.kind === 'needsAttention') {
    // Only a person can unblock it: nothing is failed or removed meanwhile.
    record.error(error);
    record.condition('Ready', 'False', failure.reason, failure.message);
    pass.unfinished = true;
    pass.attention = true;
    return;
  }
  current.phase = 'Failed';
  record.event('Warning', failure.reason, `${name}: ${failure.message}`, name);
  pass.failed = error;
}

/**
 * Destroys what an upgrade dropped or renamed (`spec.retiredResources`), in
 * reverse dependency order; `unfinished` while any is left.
 */
export function retirePass(
  caller: DriverCaller,
  environment: Environment,
  record: ReconcileRecord,
): Promise<PassResult> {
  return destroyPass(caller, environment, record, { retiredOnly: true });
}

/**
 * Destroys every resource, including those upgrades retired, in reverse
 * dependency order; `unfinished` while any is left.
 */
export async function destroyPass(
  caller: DriverCaller,
  environment: Environment,
  record: ReconcileRecord,
  options: { retiredOnly?: boolean } = {},
): Promise<PassResult> {
  const { resources: ordered, pass } = beginPass(
    destroyable(environment, options.retiredOnly ?? false),
  );
  const resources = ordered.reverse();
  for (const resource of resources) {
    const current = record.resource(resource);
    if (current.phase === 'Destroyed') continue;
    const dependentsLeft = resources.some(
      other =>
        (other.dependsOn ?? []).includes(resource.name) &&
        record.find(other.name)?.phase !== 'Destroyed',
    );
    if (dependentsLeft) continue;
    const outcome = await caller.call(environment, resource, 'destroy', () =>
      destroyParameters(environment, record.status, resource),
    );
    current.updatedAt = record.now();
    recordDestroy(record, current, outcome, pass);
  }
  pass.unfinished = record.status.resources.some(
    r =>
      r.phase !== 'Destroyed' &&
      resources.some(resource => resource.name === r.name),
  );
  return pass;
}

/** Records one destroy call; a delete is never given up on. */
function recordDestroy(
  record: ReconcileRecord,
  current: EnvironmentResourceStatus,
  outcome: CallOutcome<'destroy'>,
  pass: PassResult,
) {
  const { name } = current;
  if (outcome.kind === 'waiting') return;
  if (outcome.kind === 'ok') {
    current.message = outcome.value.message;
    if (outcome.value.status === 'Destroyed') {
      current.phase = 'Destroyed';
      current.outputs = {};
      record.event('Normal', 'ResourceDestroyed', `${name} destroyed`, name);
    } else {
      current.phase = 'Destroying';
    }
    return;
  }
  const { failure } = outcome;
  if (failure.kind === 'retryable') {
    current.message = `Retrying after: ${failure.message}`;
    // Destroying is never given up on, but a persistent error is shown.
    if (failure.exhausted) {
      record.status.lastError = {
        reason: 'DestroyRetrying',
        message: `${name}: ${failure.message}`,
        resource: name,
      };
    }
    return;
  }
  current.message = failure.message;
  const error = {
    reason: failure.reason,
    message: failure.message,
    resource: name,
  };
  if (failure.kind === 'needsAttention') {
    pass.attention = true;
    record.error(error);
    return;
  }
  // A failed delete is retried: the owner asked for it to be gone.
  if (current.phase !== 'Failed') {
    record.event(
      'Warning',
      failure.reason,
      `${name}: ${failure.message}; retrying`,
      name,
    );
  }
  current.phase = 'Failed';
  record.status.lastError = error;
}
