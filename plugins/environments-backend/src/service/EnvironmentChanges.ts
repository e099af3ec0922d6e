import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  awakeOverrideUntil,
  compareVersions,
  costRatesOf,
  Environment,
  environmentDeletePermission,
  EnvironmentSpec,
  EnvironmentTemplateEntity,
  EnvironmentTemplateResource,
  environmentUpdatePermission,
  resolveInputs,
  shouldSleep,
} from '@envkit/plugin-environments-common';
import {
  EnvironmentAccess,
  EnvironmentOperationsOptions,
} from './EnvironmentAccess';
import { expiryFor } from './EnvironmentCreation';
import { secretInputNames, splitSecretInputs } from './secretInputs';
import { estimateDraft } from './costEstimate';
import { checkBudgets } from './budgets';

/**
 * Changes to an existing environment's spec: each records the wish (a new
 * generation or a request timestamp) and an event; the engine carries it out.
 */
export class EnvironmentChanges {
  constructor(
    private readonly options: EnvironmentOperationsOptions,
    private readonly access: EnvironmentAccess,
  ) {}

  /** The environment an update is about; see `EnvironmentAccess.loadForChange`. */
  private loadForUpdate(
    id: string,
    credentials: BackstageCredentials,
    action: 'extend' | 'update' | 'upgrade' | 'redeploy' | 'retry' | 'wake',
  ): Promise<Environment> {
    return this.access.loadForChange(
      id,
      credentials,
      environmentUpdatePermission,
      action,
    );
  }

  /** Moves the expiry to `ttl` from now, within the template's maximum. */
  async extend(
    id: string,
    ttl: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.loadForUpdate(id, credentials, 'extend');
    const expiresAt = expiryFor(
      { spec: environment.spec.templateSnapshot },
      ttl,
      this.access.now(),
      new Date(environment.createdAt),
    );
    const current = environment.spec.expiresAt;
    if (expiresAt && current && Date.parse(expiresAt) < Date.parse(current)) {
      throw new InputError(
        `ttl: ${ttl} from now ends at ${expiresAt}, before the current expiry ${current}; extending never shortens an environment's lifetime`,
      );
    }
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      ...(expiresAt ? { expiresAt } : {}),
    }));
    await this.access.recordEvent(
      id,
      'Extended',
      `Expiry moved to ${expiresAt ?? 'never'}`,
    );
    return updated;
  }

  /**
   * Wake now (`tonight: false`): awake until the schedule's next change;
   * Keep awake tonight: through the next sleep too. Asking again, or waking
   * an environment that is awake anyway, changes nothing.
   */
  async wake(
    id: string,
    tonight: boolean,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.loadForUpdate(id, credentials, 'wake');
    const { schedule, name } = environment.spec;
    const now = this.access.now();
    const until = schedule && awakeOverrideUntil(schedule, now, tonight);
    if (!until) {
      throw new ConflictError(
        `Environment '${name}' has no schedule that puts it to sleep; it is always awake`,
      );
    }
    if (!tonight && !shouldSleep(environment.spec, now)) return environment;
    const awakeUntil = until.toISOString();
    let changed = false;
    const updated = await this.options.store.updateSpec(id, spec => {
      if (spec.awakeUntil && Date.parse(spec.awakeUntil) >= until.getTime()) {
        return undefined;
      }
      changed = true;
      return { ...spec, awakeUntil };
    });
    if (changed) {
      await this.access.recordEvent(
        id,
        tonight ? 'KeptAwake' : 'WakeRequested',
        `${
          tonight ? 'Kept awake tonight' : 'Woken'
        }: awake until ${awakeUntil}`,
      );
    }
    return updated;
  }

  /** Records the wish to destroy; the engine carries it out. */
  async destroy(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.access.get(id, credentials);
    await this.access.require(
      environmentDeletePermission,
      environment,
      credentials,
      'destroy',
    );
    // Concurrent destroys collapse into one: only the call whose write lands
    // bumps the generation and records the request.
    let requested = false;
    const updated = await this.options.store.updateSpec(id, spec => {
      requested = !spec.deletionRequestedAt;
      return requested
        ? { ...spec, deletionRequestedAt: this.access.now().toISOString() }
        : undefined;
    });
    if (!requested) {
      return updated;
    }
    const caller = await this.access.caller(credentials);
    await this.access.recordEvent(
      id,
      'DestroyRequested',
      `Destroy requested by ${caller.ref}`,
    );
    return updated;
  }

  /**
   * Changes the developer's inputs, within the pinned template's rules.
   * Secret inputs are stored apart and only their names are recorded.
   */
  async updateInputs(
    id: string,
    inputs: Record<string, unknown>,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.loadForUpdate(id, credentials, 'update');
    const updated = await this.writeInputs(
      environment,
      environment.spec.templateSnapshot,
      {
        ...givenInputs(environment),
        ...(await this.options.store.getSecretInputs(id)),
        ...inputs,
      },
    );
    await this.access.recordEvent(
      id,
      'InputsChanged',
      `Inputs changed: ${namesOf(inputs)}`,
    );
    return updated;
  }

  /**
   * Writes `inputs`, resolved under `template` with the secret ones stored
   * apart, together with the spec `changes` they come with (and those
   * `latest` derives from the spec as it is written), once the cost of the
   * result is within the budgets.
   */
  private async writeInputs(
    environment: Environment,
    template: EnvironmentTemplateEntity['spec'],
    inputs: Record<string, unknown>,
    changes: Partial<EnvironmentSpec> = {},
    latest: (spec: EnvironmentSpec) => Partial<EnvironmentSpec> = () => ({}),
  ): Promise<Environment> {
    const split = splitSecretInputs(template, resolveInputs(template, inputs));
    const written = {
      ...changes,
      inputs: split.inputs,
      ...secretInputNames(split.secrets),
    };
    const cost = await this.checkCost(
      environment,
      { ...environment.spec, ...written },
      split.secrets,
    );
    return this.options.store.updateSpec(
      environment.id,
      spec => ({ ...spec, ...written, ...latest(spec), cost }),
      { secretInputs: split.secrets },
    );
  }

  /**
   * The hourly rates of `environment` changed to `spec`, once the change is
   * within the owner's and the template's budgets (a ConflictError naming
   * the budget otherwise: a change is never sent to approval).
   */
  private async checkCost(
    environment: Environment,
    spec: EnvironmentSpec,
    secrets: EnvironmentSpec['inputs'],
  ) {
    const estimate = await estimateDraft(
      this.options,
      { ...environment, spec },
      secrets,
    );
    const overBudget = await checkBudgets(this.options, {
      template: spec.templateSnapshot,
      templateRef: spec.templateRef,
      owner: spec.owner,
      estimate,
      environmentId: environment.id,
    });
    if (overBudget) throw new ConflictError(overBudget);
    return costRatesOf(estimate);
  }

  /**
   * Moves the environment to the template's current version, keeping the
   * developer's inputs where the new version still accepts them. Resources
   * the new version no longer has are retired: destroyed once the new ones
   * are Ready. An older version is refused unless the template allows
   * downgrades.
   */
  async upgrade(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.loadForUpdate(id, credentials, 'upgrade');
    const template = await this.options.templates.getTemplate(
      environment.spec.templateRef,
      credentials,
    );
    const from = environment.spec.templateVersion;
    const to = template.spec.version;
    const ref = environment.spec.templateRef;
    if (to === from) {
      throw new ConflictError(
        `Environment '${environment.spec.name}' already runs version ${to} of ${ref}`,
      );
    }
    if (compareVersions(to, from) < 0 && !template.spec.allowDowngrade) {
      throw new ConflictError(
        `Environment '${environment.spec.name}' runs version ${from} of ${ref}; its current version ${to} is older, and the template does not allow downgrades (allowDowngrade)`,
      );
    }
    const updated = await this.writeInputs(
      environment,
      template.spec,
      {
        ...givenInputs(environment, template.spec),
        // Secrets the new version still declares; the rest are dropped.
        ...keptBy(template.spec, await this.options.store.getSecretInputs(id)),
      },
      { templateVersion: to, templateSnapshot: template.spec },
      spec => ({ retiredResources: retiredBy(spec, template.spec.resources) }),
    );
    const dropped = (updated.spec.retiredResources ?? []).map(r => r.name);
    await this.access.recordEvent(
      id,
      'Upgraded',
      `Upgrading from ${from} to ${to}${
        dropped.length
          ? `; ${dropped.join(
              ', ',
            )} will be removed once the new version is ready`
          : ''
      }`,
    );
    return updated;
  }

  /**
   * Rolls every resource out again, e.g. to pull a moving image tag: drivers
   * see the new `redeployRequestedAt` and start a rollout (a new ECS
   * deployment, a restart stamp on a pod template) while the environment
   * stays Ready.
   */
  async redeploy(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    await this.loadForUpdate(id, credentials, 'redeploy');
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      redeployRequestedAt: this.access.now().toISOString(),
      // The store writes the next generation; a redeploy alone keeps Ready.
      redeployGeneration: spec.generation + 1,
    }));
    await this.access.recordEvent(
      id,
      'RedeployRequested',
      'Redeploy requested',
    );
    return updated;
  }

  /**
   * Applies a Failed or Degraded environment's spec again, e.g. after the
   * cause (a quota, a broken image) was fixed outside Envkit.
   */
  async retry(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.loadForUpdate(id, credentials, 'retry');
    const { phase } = environment.status;
    if (phase !== 'Failed' && phase !== 'Degraded') {
      throw new ConflictError(
        `Environment '${environment.spec.name}' is ${phase}; only a Failed or Degraded environment can be retried`,
      );
    }
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      retryRequestedAt: this.access.now().toISOString(),
    }));
    await this.access.recordEvent(
      id,
      'RetryRequested',
      `Retry requested after ${environment.status.lastError?.reason ?? phase}`,
    );
    return updated;
  }
}

/** The `values` whose names `target` still declares as inputs. */
function keptBy(
  target: EnvironmentTemplateEntity['spec'],
  values: Record<string, unknown>,
): Record<string, unknown> {
  const properties = target.parameters?.properties ?? {};
  return Object.fromEntries(
    Object.entries(values).filter(([name]) => name in properties),
  );
}

/** At most this many names are listed in an event; the rest are counted. */
const LISTED_NAMES = 20;

/** Input names for an event, never their values. */
function namesOf(inputs: Record<string, unknown>): string {
  const names = Object.keys(inputs);
  if (names.length === 0) return 'none';
  const shown = names.slice(0, LISTED_NAMES).join(', ');
  return names.length > LISTED_NAMES
    ? `${shown} and ${names.length - LISTED_NAMES} more`
    : shown;
}

/**
 * The resources an upgrade to `next` leaves behind: those of the current
 * version it drops or renames, plus any earlier ones not yet removed that
 * the new version doesn't bring back.
 */
function retiredBy(
  spec: EnvironmentSpec,
  next: EnvironmentTemplateResource[],
): EnvironmentTemplateResource[] | undefined {
  const kept = new Set(next.map(r => r.name));
  const retired = [
    ...(spec.retiredResources ?? []),
    ...spec.templateSnapshot.resources,
  ].filter(r => !kept.has(r.name));
  return retired.length ? retired : undefined;
}

/**
 * The inputs the developer chose, without values that are only the
 * template's locked settings (those follow the template).
 */
function givenInputs(
  environment: Environment,
  target: EnvironmentTemplateEntity['spec'] = environment.spec.templateSnapshot,
): Record<string, unknown> {
  const properties = target.parameters?.properties ?? {};
  return Object.fromEntries(
    Object.entries(environment.spec.inputs).filter(
      ([name]) =>
        name in properties && properties[name]['envkit:policy'] !== 'locked',
    ),
  );
}
