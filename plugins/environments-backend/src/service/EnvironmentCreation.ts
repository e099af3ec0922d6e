import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CreateEnvironmentRequest,
  Environment,
  environmentCreatePermission,
  EnvironmentNameAvailability,
  environmentNameProblem,
  EnvironmentPreview,
  EnvironmentSpec,
  environmentTemplateUsePermission,
  EnvironmentTemplateEntity,
  environmentTemplateAudience,
  interpolate,
  isInEnvironmentTemplateAudience,
  parseDuration,
  costRatesOf,
  pendingEnvironmentStatus,
  resolveEnvironmentSchedule,
  resolveInputs,
} from '@envkit/plugin-environments-common';
import {
  createDriverContext,
  driverEnvironmentOf,
  secretParametersOf,
} from '@envkit/plugin-environments-node';
import { randomUUID } from 'node:crypto';
import {
  EnvironmentAccess,
  EnvironmentOperationsOptions,
} from './EnvironmentAccess';
import { IdempotencyKeyReusedError, requestFingerprint } from './idempotency';
import { secretInputNames, splitSecretInputs } from './secretInputs';
import { TemplateResolver } from './TemplateResolver';
import { contextWithSecrets, estimateDraft } from './costEstimate';
import { checkBudgets } from './budgets';
import { approvalFor } from './EnvironmentApprovals';

/**
 * The expiry `ttl` from `now`, within the template's TTL guardrail; the
 * template's default when no `ttl` is given. Creates and extensions share it.
 */
export function expiryFor(
  template: Pick<EnvironmentTemplateEntity, 'spec'>,
  ttl: string | undefined,
  now: Date,
  /** When the environment was made; `now` for one being created. */
  createdAt?: Date,
): string | undefined {
  const guard = template.spec.guardrails?.ttl;
  const lifetime = template.spec.guardrails?.lifetime?.max;
  // Counted from creation, so extending again and again cannot make an
  // environment live for ever.
  const end = lifetime
    ? new Date(
        (createdAt ?? now).getTime() +
          parseDuration(lifetime, 'guardrails.lifetime.max'),
      )
    : undefined;
  if (!ttl && !guard) return end?.toISOString();
  const requestedMs = ttl ? parseDuration(ttl, 'ttl') : undefined;
  if (requestedMs !== undefined && requestedMs <= 0) {
    // A zero lifetime would be a destroy in disguise, past the delete
    // permission and audited as something else.
    throw new InputError(
      `ttl: ${ttl} is no lifetime; give a positive duration such as PT8H`,
    );
  }
  if (guard) {
    const maxMs = parseDuration(guard.max, 'guardrails.ttl.max');
    if (requestedMs !== undefined && requestedMs > maxMs) {
      throw new InputError(
        `ttl: ${ttl} is longer than this template allows (${guard.max})`,
      );
    }
  }
  const ms =
    requestedMs ?? parseDuration(guard!.default, 'guardrails.ttl.default');
  const expiresAt = new Date(now.getTime() + ms);
  if (end && expiresAt > end) {
    throw new InputError(
      `ttl: ${
        ttl ?? guard!.default
      } from now ends at ${expiresAt.toISOString()}, past this template's lifetime of ${lifetime} from creation (${end.toISOString()})`,
    );
  }
  return expiresAt.toISOString();
}

/** Creates and previews: every guardrail a new environment must pass. */
export class EnvironmentCreation {
  constructor(
    private readonly options: EnvironmentOperationsOptions,
    private readonly access: EnvironmentAccess,
  ) {}

  async create(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
    options: { idempotencyKey?: string } = {},
  ): Promise<{ environment: Environment; created: boolean }> {
    const key = options.idempotencyKey;
    const fingerprint = requestFingerprint(request);
    // A retry is answered from the key before any guardrail runs: the first
    // request passed them, and limits reached since must not turn its retry
    // into an error.
    const caller = await this.access.caller(credentials);
    if (key) {
      const replay = await this.replay(caller.ref, key, fingerprint);
      if (replay) return { environment: replay, created: false };
    }
    let prepared: Awaited<ReturnType<EnvironmentCreation['prepare']>>;
    try {
      prepared = await this.prepare(request, credentials, caller);
    } catch (error) {
      // A concurrent request with the same key may have been recorded since
      // the look-up above, taking the name or the owner's last place: its
      // retry is still answered with that environment.
      const replay =
        key && error instanceof ConflictError
          ? await this.replay(caller.ref, key, fingerprint)
          : undefined;
      if (replay) return { environment: replay, created: false };
      throw error;
    }
    const { draft, secrets, template, templateRef } = prepared;
    const result = await this.options.store.createEnvironment({
      id: draft.id,
      spec: draft.spec,
      status: draft.status,
      createdBy: caller.ref,
      idempotencyKey: key,
      requestFingerprint: fingerprint,
      secretInputs: secrets,
    });
    if (!result.created && key) {
      // A concurrent request with the same key won the race.
      const replay = await this.replay(caller.ref, key, fingerprint);
      return { environment: replay ?? result.environment, created: false };
    }
    if (result.created) {
      await this.access.recordEvent(
        draft.id,
        'Requested',
        `Requested by ${caller.ref} from ${templateRef}@${template.spec.version}`,
      );
      const approval = draft.spec.approval;
      if (approval) {
        await this.access.recordEvent(
          draft.id,
          'ApprovalRequested',
          `Waiting for approval by a member of ${approval.approvers} until ${approval.expiresAt}`,
        );
      }
    }
    return result;
  }

  /** The environment `key` first made, if this is a true retry of it. */
  private async replay(
    createdBy: string,
    key: string,
    fingerprint: string,
  ): Promise<Environment | undefined> {
    const earlier = await this.options.store.findEarlierCreate(createdBy, key);
    if (!earlier) return undefined;
    if (
      earlier.requestFingerprint &&
      earlier.requestFingerprint !== fingerprint
    ) {
      throw new IdempotencyKeyReusedError(
        `Idempotency-Key: '${key}' was already used for a different create request (environment '${earlier.environment.spec.name}'); use a new key for a new request`,
      );
    }
    return earlier.environment;
  }

  /**
   * Whether a new environment could take `name`: the naming rules, then the
   * live environments (of every owner: names are unique across them). For
   * anyone who may create some environment; the answer reveals no more than
   * a create's 409 would.
   */
  async nameAvailability(
    name: string,
    credentials: BackstageCredentials,
  ): Promise<EnvironmentNameAvailability> {
    const decision = await this.access.decision(
      environmentCreatePermission,
      credentials,
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('You may not create environments');
    }
    const problem = environmentNameProblem(name);
    if (problem) {
      return { name, available: false, reason: `The name ${problem}` };
    }
    if (await this.options.store.isNameInUse(name)) {
      return {
        name,
        available: false,
        reason: `An environment named '${name}' already exists; pick another name`,
      };
    }
    return { name, available: true };
  }

  /**
   * What a create would do, without doing it: the environment as it would be
   * recorded and each driver's plan for the resources whose parameters can
   * already be resolved. Drivers see the same environment and interpolation
   * context as the engine gives them.
   */
  async preview(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
  ): Promise<EnvironmentPreview> {
    const { draft, secrets, estimate } = await this.prepare(
      request,
      credentials,
    );
    const drivers = this.options.drivers();
    const environment = driverEnvironmentOf(draft);
    // Drivers plan with the secret values; the draft returned has none.
    const context = contextWithSecrets(draft, secrets);
    const resources = await Promise.all(
      draft.spec.templateSnapshot.resources.map(async resource => {
        let parameters: Record<string, unknown>;
        try {
          parameters = interpolate(resource.parameters ?? {}, context);
        } catch {
          // Depends on outputs that only exist once upstream resources do.
          return {
            name: resource.name,
            driver: resource.driver,
            plan: undefined,
            note: 'Parameters depend on upstream outputs; planned when they exist',
          };
        }
        const driver = drivers.get(resource.driver);
        const ctx = createDriverContext({
          environment,
          resource: resource.name,
          logger: this.options.logger,
        });
        const secretParameters = secretParametersOf(
          draft.spec.templateSnapshot,
          resource,
        );
        const target = {
          name: resource.name,
          driver: resource.driver,
          parameters,
          ...(secretParameters ? { secretParameters } : {}),
        };
        const problems = (await driver?.validate?.(target, ctx)) ?? [];
        if (problems.length) {
          throw new InputError(
            problems
              .map(p => `resources.${resource.name}.${p.path}: ${p.message}`)
              .join('; '),
          );
        }
        return {
          name: resource.name,
          driver: resource.driver,
          plan: await driver?.plan?.(target, ctx),
        };
      }),
    );
    return {
      environment: draft,
      resources,
      // The estimate prepare judged the guardrails on.
      estimate,
    };
  }

  /**
   * Everything a create checks, with nothing written: permissions, the
   * template, its audience, inputs, TTL and the per-owner limit.
   */
  private async prepare(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
    /** The caller, when the create already looked them up. */
    known?: Awaited<ReturnType<EnvironmentAccess['caller']>>,
  ) {
    const { store, templates, permissions } = this.options;
    const caller = known ?? (await this.access.caller(credentials));
    if (caller.service && !request.owner) {
      // A service owns nothing itself: what it makes belongs to a team.
      throw new InputError(
        "owner: required when a service creates an environment; name the group it is for, e.g. 'group:default/team-a'",
      );
    }
    const owner = request.owner ?? caller.ref;
    const templateRef = TemplateResolver.normalizeRef(request.templateRef);
    await this.checkRefs(request, credentials);

    const [templateUse] = await permissions.authorize(
      [
        {
          permission: environmentTemplateUsePermission,
          resourceRef: templateRef,
        },
      ],
      { credentials },
    );
    if (templateUse.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not use the environment template '${templateRef}'`,
      );
    }
    const template = await templates.getTemplate(templateRef, credentials);
    // A service is judged by the owner it creates for; the policy decides
    // which owners it may name.
    checkTemplateAudience(
      template,
      templateRef,
      caller.service
        ? { ref: caller.ref, ownershipEntityRefs: [owner] }
        : caller,
    );

    const { inputs, secrets } = splitSecretInputs(
      template.spec,
      resolveInputs(template.spec, request.inputs ?? {}),
    );
    const now = this.access.now();
    const expiresAt = expiryFor(template, request.ttl, now);
    const schedule = resolveEnvironmentSchedule(
      template.spec.guardrails?.schedule,
      request.schedule,
    );
    const base: EnvironmentSpec = {
      name: request.name,
      templateRef,
      templateVersion: template.spec.version,
      templateSnapshot: template.spec,
      inputs,
      ...secretInputNames(secrets),
      owner,
      ...(request.component ? { component: request.component } : {}),
      ...(schedule ? { schedule } : {}),
      generation: 1,
    };
    // Cost thresholds and budgets are judged on the estimate of what would
    // be made; its rates are recorded for the cost accrued later.
    const estimate = await estimateDraft(
      this.options,
      draftOf('estimate', base, caller.ref, now),
      secrets,
    );
    base.cost = costRatesOf(estimate);
    const id = randomUUID();
    // A request that waits for approval gets its lifetime when approved.
    const withApproval = (overBudget?: string) => {
      const approval = approvalFor(template.spec, {
        requestedBy: caller.ref,
        now,
        ttl: request.ttl ?? template.spec.guardrails?.ttl?.default,
        defaultExpiresAfter: this.options.approvalExpiresAfter,
        estimate,
        overBudget,
      });
      const made = draftOf(
        id,
        {
          ...base,
          ...(expiresAt && !approval ? { expiresAt } : {}),
          ...(approval ? { approval } : {}),
        },
        caller.ref,
        now,
      );
      if (approval) made.status.phase = 'AwaitingApproval';
      return made;
    };
    let draft = withApproval();

    // Conditional create decisions are checked against the environment as it
    // would be made, judged by its owner alone: the caller is its creator,
    // and rules that also match creators would let anyone create
    // environments owned by (and counted against) another team.
    await this.access.require(
      environmentCreatePermission,
      { ...draft, createdBy: '' },
      credentials,
      'create',
    );

    const limit = template.spec.guardrails?.maxEnvironmentsPerOwner;
    if (limit !== undefined) {
      const count = await store.countActiveEnvironments({ owner, templateRef });
      if (count >= limit) {
        throw new ConflictError(
          `owner: '${owner}' already has ${count} environments from '${templateRef}', the most this template allows`,
        );
      }
    }

    const overBudget = await checkBudgets(this.options, {
      template: template.spec,
      templateRef,
      owner,
      estimate,
    });
    // Past a budget that asks for approval: the budget is why it waits.
    if (overBudget) draft = withApproval(overBudget);

    return { draft, secrets, template, templateRef, caller, estimate };
  }

  /**
   * `owner` must name a User or Group; `component` a Component in the
   * catalog that the caller can read (the environment's catalog entity will
   * declare a dependency on it). Both answer 400 naming the field.
   */
  private async checkRefs(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
  ) {
    if (request.owner) {
      const { kind } = parseEntityRef(request.owner);
      if (kind !== 'user' && kind !== 'group') {
        throw new InputError(
          `owner: '${request.owner}' is a ${kind}; an owner is a User or Group ref such as 'group:default/team-a'`,
        );
      }
    }
    if (request.component) {
      const { kind } = parseEntityRef(request.component);
      const entity =
        kind === 'component'
          ? await this.options.catalog.getEntityByRef(request.component, {
              credentials,
            })
          : undefined;
      if (!entity) {
        throw new InputError(
          `component: '${request.component}' is not a Component in the catalog that you can read`,
        );
      }
    }
  }
}

/** An environment with `spec` as a create would record it, nothing done yet. */
function draftOf(
  id: string,
  spec: EnvironmentSpec,
  createdBy: string,
  now: Date,
): Environment {
  return {
    id,
    spec,
    status: pendingEnvironmentStatus(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    createdBy,
  };
}

/** Refuses callers outside the template's `allowedUsers`/`allowedGroups`. */
function checkTemplateAudience(
  template: EnvironmentTemplateEntity,
  templateRef: string,
  caller: { ref: string; ownershipEntityRefs: string[] },
) {
  const audience = environmentTemplateAudience(template.spec.guardrails);
  if (audience.length === 0) return;
  if (
    isInEnvironmentTemplateAudience(audience, [
      caller.ref,
      ...caller.ownershipEntityRefs,
    ])
  ) {
    return;
  }
  throw new NotAllowedError(
    `The environment template '${templateRef}' is limited to ${audience.join(
      ', ',
    )}`,
  );
}
