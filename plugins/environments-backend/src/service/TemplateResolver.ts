import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ENVIRONMENT_TEMPLATE_KIND,
  EnvironmentsOpenApiComponents,
  EnvironmentTemplateEntity,
  validateEnvironmentTemplate,
} from '@envkit/plugin-environments-common';

/**
 * Reads EnvironmentTemplates from the catalog with the caller's credentials
 * (so catalog permissions apply) and validates them against the drivers this
 * backend has.
 */
export class TemplateResolver {
  constructor(
    private readonly catalog: CatalogService,
    private readonly knownDrivers: () => Iterable<string>,
  ) {}

  /** Full, lowercase-kind ref of an EnvironmentTemplate given in any short form. */
  static normalizeRef(ref: string): string {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: ENVIRONMENT_TEMPLATE_KIND,
        defaultNamespace: 'default',
      }),
    );
  }

  async getTemplate(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<EnvironmentTemplateEntity> {
    const entity = await this.findTemplate(ref, credentials);
    return validateEnvironmentTemplate(entity, {
      knownDrivers: this.knownDrivers(),
    });
  }

  /** Every EnvironmentTemplate the caller can see, with its validation state. */
  async listTemplates(
    credentials: BackstageCredentials,
  ): Promise<TemplateSummary[]> {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: ENVIRONMENT_TEMPLATE_KIND } },
      { credentials },
    );
    return items.map(entity => this.summarize(entity));
  }

  /** One template with its validation state; NotFoundError when absent. */
  async describeTemplate(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<TemplateSummary> {
    return this.summarize(await this.findTemplate(ref, credentials));
  }

  /** The catalog entity behind a template ref, as the caller may see it. */
  private async findTemplate(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const fullRef = TemplateResolver.normalizeRef(ref);
    const entity = await this.catalog.getEntityByRef(fullRef, { credentials });
    if (!entity || entity.kind !== ENVIRONMENT_TEMPLATE_KIND) {
      throw new NotFoundError(`No environment template '${fullRef}'`);
    }
    return entity;
  }

  private summarize(entity: Entity): TemplateSummary {
    const ref = stringifyEntityRef(entity);
    try {
      validateEnvironmentTemplate(entity, {
        knownDrivers: this.knownDrivers(),
      });
      return { ref, entity: { ...entity }, valid: true };
    } catch (error) {
      const message = (error as Error).message;
      return { ref, entity: { ...entity }, valid: false, error: message };
    }
  }
}

/**
 * An EnvironmentTemplate as the API lists it, with `error` saying why it
 * cannot be used when it is not valid.
 */
export type TemplateSummary =
  EnvironmentsOpenApiComponents['schemas']['TemplateSummary'];
