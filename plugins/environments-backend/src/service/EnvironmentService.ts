import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  CompleteEnvironmentDriver,
  createDriverContext,
} from '@envkit/plugin-environments-node';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  CreateEnvironmentRequest,
  Environment,
  environmentCreatePermission,
  environmentDeletePermission,
  environmentReadPermission,
  EnvironmentSpec,
  environmentTemplateUsePermission,
  environmentUpdatePermission,
  EnvironmentTemplateEntity,
  interpolate,
  parseDuration,
  resolveInputs,
} from '@envkit/plugin-environments-common';
import { randomUUID } from 'node:crypto';
import {
  EnvironmentStore,
  ListEnvironmentsOptions,
} from '../database/EnvironmentStore';
import { EnvironmentFilter } from '../permissions/rules';
import { TemplateResolver } from './TemplateResolver';

/**
 * What the REST API does, with permission checks and guardrails; routes
 * only parse requests and shape responses.
 */
export class EnvironmentService {
  private readonly authorizeEnvironment: (
    decision: PolicyDecision,
    environment: Environment,
  ) => boolean;
  private readonly toFilter: ReturnType<
    typeof createConditionTransformer<EnvironmentFilter>
  >;

  constructor(
    private readonly options: {
      store: EnvironmentStore;
      templates: TemplateResolver;
      permissions: PermissionsService;
      userInfo: UserInfoService;
      rules: PermissionRuleset<Environment, EnvironmentFilter, 'environment'>;
      drivers: () => ReadonlyMap<string, CompleteEnvironmentDriver>;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {
    this.authorizeEnvironment = createConditionAuthorizer(options.rules);
    this.toFilter = createConditionTransformer(options.rules);
  }

  private now() {
    return this.options.clock?.() ?? new Date();
  }

  /**
   * Everything a create checks, with nothing written: permissions, the
   * template, its audience, inputs, TTL and the per-owner limit.
   */
  private async prepare(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
  ) {
    const { store, templates, permissions } = this.options;
    const caller = await this.caller(credentials);
    const owner = request.owner ?? caller.userEntityRef;
    const templateRef = TemplateResolver.normalizeRef(request.templateRef);

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
    this.checkTemplateAudience(template, templateRef, caller);

    const inputs = resolveInputs(template.spec, request.inputs);
    const expiresAt = this.expiryFor(template, request.ttl);
    const id = randomUUID();
    const spec: EnvironmentSpec = {
      name: request.name,
      templateRef,
      templateVersion: template.spec.version,
      templateSnapshot: template.spec,
      inputs,
      owner,
      ...(request.component ? { component: request.component } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      generation: 1,
    };
    const draft: Environment = {
      id,
      spec,
      status: {
        phase: 'Pending',
        conditions: [],
        resources: [],
        outputs: {},
        observedGeneration: 0,
      },
      createdAt: this.now().toISOString(),
      updatedAt: this.now().toISOString(),
      createdBy: caller.userEntityRef,
    };

    // Conditional create decisions are checked against the environment as it
    // would be made, judged by its owner alone: the caller is its creator,
    // and rules that also match creators would let anyone create
    // environments owned by (and counted against) another team.
    await this.require(
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

    return { draft, template, templateRef, caller };
  }

  async create(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
    options: { idempotencyKey?: string } = {},
  ): Promise<{ environment: Environment; created: boolean }> {
    const { draft, template, templateRef, caller } = await this.prepare(
      request,
      credentials,
    );
    const result = await this.options.store.createEnvironment({
      id: draft.id,
      spec: draft.spec,
      status: draft.status,
      createdBy: caller.userEntityRef,
      idempotencyKey: options.idempotencyKey,
    });
    if (result.created) {
      await this.event(
        draft.id,
        'Requested',
        `Requested by ${caller.userEntityRef} from ${templateRef}@${template.spec.version}`,
      );
    }
    return result;
  }

  /**
   * What a create would do, without doing it: the environment as it would be
   * recorded and each driver's plan for the resources whose parameters can
   * already be resolved.
   */
  async preview(
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
  ) {
    const { draft } = await this.prepare(request, credentials);
    const drivers = this.options.drivers();
    const environment = {
      id: draft.id,
      name: draft.spec.name,
      owner: draft.spec.owner,
      generation: 1,
      templateRef: draft.spec.templateRef,
      templateVersion: draft.spec.templateVersion,
    };
    const resources = await Promise.all(
      draft.spec.templateSnapshot.resources.map(async resource => {
        const driver = drivers.get(resource.driver);
        let parameters: Record<string, unknown>;
        try {
          parameters = interpolate(resource.parameters ?? {}, {
            inputs: draft.spec.inputs,
            environment: {
              id: draft.id,
              name: draft.spec.name,
              owner: draft.spec.owner,
            },
            resources: {},
          });
        } catch {
          // Depends on outputs that only exist once upstream resources do.
          return {
            name: resource.name,
            driver: resource.driver,
            plan: undefined,
            note: 'Parameters depend on upstream outputs; planned when they exist',
          };
        }
        const ctx = createDriverContext({
          environment,
          resource: resource.name,
          logger: this.options.logger,
        });
        const target = {
          name: resource.name,
          driver: resource.driver,
          parameters,
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
    return { environment: draft, resources };
  }

  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.options.store.getEnvironment(id);
    if (!environment) {
      throw new NotFoundError(`No environment with id '${id}'`);
    }
    await this.require(
      environmentReadPermission,
      environment,
      credentials,
      'read',
    );
    return environment;
  }

  async list(
    query: ListEnvironmentsOptions,
    credentials: BackstageCredentials,
  ): Promise<{ items: Environment[]; totalCount: number }> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: environmentReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      return { items: [], totalCount: 0 };
    }
    return this.options.store.listEnvironments({
      ...query,
      ...(decision.result === AuthorizeResult.CONDITIONAL
        ? { filter: this.toFilter(decision.conditions) }
        : {}),
    });
  }

  async events(id: string, credentials: BackstageCredentials) {
    await this.get(id, credentials);
    return this.options.store.listEvents(id);
  }

  /** Moves the expiry to `ttl` from now, within the template's maximum. */
  async extend(
    id: string,
    ttl: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.loadForChange(
      id,
      credentials,
      environmentUpdatePermission,
      'extend',
    );
    const expiresAt = this.expiryFor(
      { spec: environment.spec.templateSnapshot },
      ttl,
    );
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      ...(expiresAt ? { expiresAt } : {}),
    }));
    await this.event(id, 'Extended', `Expiry moved to ${expiresAt ?? 'never'}`);
    return updated;
  }

  /** Records the wish to destroy; the engine carries it out. */
  async destroy(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.get(id, credentials);
    await this.require(
      environmentDeletePermission,
      environment,
      credentials,
      'destroy',
    );
    if (environment.spec.deletionRequestedAt) {
      return environment;
    }
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      deletionRequestedAt: this.now().toISOString(),
    }));
    const caller = await this.caller(credentials);
    await this.event(
      id,
      'DestroyRequested',
      `Destroy requested by ${caller.userEntityRef}`,
    );
    return updated;
  }

  /** Changes the developer's inputs, within the pinned template's rules. */
  async updateInputs(
    id: string,
    inputs: Record<string, unknown>,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.loadForChange(
      id,
      credentials,
      environmentUpdatePermission,
      'update',
    );
    const resolved = resolveInputs(environment.spec.templateSnapshot, {
      ...this.givenInputs(environment),
      ...inputs,
    });
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      inputs: resolved,
    }));
    await this.event(
      id,
      'InputsChanged',
      `Inputs changed: ${Object.keys(inputs).join(', ') || 'none'}`,
    );
    return updated;
  }

  /**
   * Moves the environment to the template's current version, keeping the
   * developer's inputs where the new version still accepts them.
   */
  async upgrade(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    const environment = await this.loadForChange(
      id,
      credentials,
      environmentUpdatePermission,
      'upgrade',
    );
    const template = await this.options.templates.getTemplate(
      environment.spec.templateRef,
      credentials,
    );
    if (template.spec.version === environment.spec.templateVersion) {
      throw new ConflictError(
        `Environment '${environment.spec.name}' already runs version ${template.spec.version} of ${environment.spec.templateRef}`,
      );
    }
    const inputs = resolveInputs(
      template.spec,
      this.givenInputs(environment, template.spec),
    );
    const from = environment.spec.templateVersion;
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      templateVersion: template.spec.version,
      templateSnapshot: template.spec,
      inputs,
    }));
    await this.event(
      id,
      'Upgraded',
      `Upgrading from ${from} to ${template.spec.version}`,
    );
    return updated;
  }

  /** Applies every resource again, e.g. to pull a moving image tag. */
  async redeploy(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Environment> {
    await this.loadForChange(
      id,
      credentials,
      environmentUpdatePermission,
      'redeploy',
    );
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      redeployRequestedAt: this.now().toISOString(),
    }));
    await this.event(id, 'RedeployRequested', 'Redeploy requested');
    return updated;
  }

  async listTemplates(credentials: BackstageCredentials) {
    return this.options.templates.listTemplates(credentials);
  }

  async getTemplate(ref: string, credentials: BackstageCredentials) {
    return this.options.templates.describeTemplate(ref, credentials);
  }

  /**
   * The inputs the developer chose, without values that are only the
   * template's locked settings (those follow the template).
   */
  private givenInputs(
    environment: Environment,
    target: EnvironmentTemplateEntity['spec'] = environment.spec
      .templateSnapshot,
  ): Record<string, unknown> {
    const properties = target.parameters?.properties ?? {};
    return Object.fromEntries(
      Object.entries(environment.spec.inputs).filter(
        ([name]) =>
          name in properties && properties[name]['envkit:policy'] !== 'locked',
      ),
    );
  }

  /**
   * The environment a change is about: readable by the caller, the change
   * allowed by `permission`, and not on its way out.
   */
  private async loadForChange(
    id: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'environment'>,
    action: string,
  ): Promise<Environment> {
    const environment = await this.get(id, credentials);
    await this.require(permission, environment, credentials, action);
    this.assertLive(environment, action);
    return environment;
  }

  private async event(id: string, reason: string, message: string) {
    await this.options.store.appendEvents(id, [
      { at: this.now().toISOString(), type: 'Normal', reason, message },
    ]);
  }

  private assertLive(environment: Environment, action: string) {
    if (
      environment.spec.deletionRequestedAt ||
      environment.status.phase === 'Destroyed'
    ) {
      throw new ConflictError(
        `Cannot ${action} environment '${environment.spec.name}': it is being destroyed`,
      );
    }
  }

  private expiryFor(
    template: Pick<EnvironmentTemplateEntity, 'spec'>,
    ttl: string | undefined,
  ): string | undefined {
    const guard = template.spec.guardrails?.ttl;
    if (!ttl && !guard) return undefined;
    const requestedMs = ttl ? parseDuration(ttl, 'ttl') : undefined;
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
    return new Date(this.now().getTime() + ms).toISOString();
  }

  private checkTemplateAudience(
    template: EnvironmentTemplateEntity,
    templateRef: string,
    caller: { userEntityRef: string; ownershipEntityRefs: string[] },
  ) {
    const guard = template.spec.guardrails;
    const users = guard?.allowedUsers ?? [];
    const groups = guard?.allowedGroups ?? [];
    if (users.length === 0 && groups.length === 0) return;
    const normalize = (ref: string, defaultKind: string) =>
      stringifyEntityRef(
        parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
      );
    const allowedUsers = users.map(u => normalize(u, 'user'));
    const allowedGroups = groups.map(g => normalize(g, 'group'));
    if (
      allowedUsers.includes(caller.userEntityRef) ||
      caller.ownershipEntityRefs.some(ref => allowedGroups.includes(ref))
    ) {
      return;
    }
    throw new NotAllowedError(
      `The environment template '${templateRef}' is limited to ${[
        ...allowedUsers,
        ...allowedGroups,
      ].join(', ')}`,
    );
  }

  private async caller(credentials: BackstageCredentials) {
    if ((credentials.principal as { type?: string }).type !== 'user') {
      throw new NotAllowedError(
        'Only users can do this; services must act on behalf of a user',
      );
    }
    return this.options.userInfo.getUserInfo(credentials);
  }

  private async isAllowed(
    permission: ResourcePermission<'environment'>,
    environment: Environment,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return this.decide(decision, environment);
  }

  private decide(decision: PolicyDecision, environment: Environment): boolean {
    if (decision.result === AuthorizeResult.ALLOW) return true;
    if (decision.result === AuthorizeResult.DENY) return false;
    return this.authorizeEnvironment(decision, environment);
  }

  private async require(
    permission: ResourcePermission<'environment'>,
    environment: Environment,
    credentials: BackstageCredentials,
    action: string,
  ) {
    if (!(await this.isAllowed(permission, environment, credentials))) {
      throw new NotAllowedError(
        `You may not ${action} environment '${environment.spec.name}'`,
      );
    }
  }
}
