import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  Environment,
  environmentDeletePermission,
  EnvironmentTemplateEntity,
  environmentUpdatePermission,
  resolveInputs,
} from '@envkit/plugin-environments-common';
import {
  EnvironmentAccess,
  EnvironmentOperationsOptions,
} from './EnvironmentAccess';
import { expiryFor } from './EnvironmentCreation';

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
    action: 'extend' | 'update' | 'upgrade' | 'redeploy',
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
    const environment = await this.loadForUpdate(id, credentials, 'update');
    const resolved = resolveInputs(environment.spec.templateSnapshot, {
      ...givenInputs(environment),
      ...inputs,
    });
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      inputs: resolved,
    }));
    await this.access.recordEvent(
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
    const environment = await this.loadForUpdate(id, credentials, 'upgrade');
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
      givenInputs(environment, template.spec),
    );
    const from = environment.spec.templateVersion;
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      templateVersion: template.spec.version,
      templateSnapshot: template.spec,
      inputs,
    }));
    await this.access.recordEvent(
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
    await this.loadForUpdate(id, credentials, 'redeploy');
    const updated = await this.options.store.updateSpec(id, spec => ({
      ...spec,
      redeployRequestedAt: this.access.now().toISOString(),
    }));
    await this.access.recordEvent(
      id,
      'RedeployRequested',
      'Redeploy requested',
    );
    return updated;
  }
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
