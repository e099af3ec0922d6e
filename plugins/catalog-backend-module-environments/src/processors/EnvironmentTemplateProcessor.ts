import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  ENVIRONMENT_TEMPLATE_API_VERSION,
  ENVIRONMENT_TEMPLATE_KIND,
  validateEnvironmentTemplate,
} from '@envkit/plugin-environments-common';

/**
 * Accepts `kind: EnvironmentTemplate` entities that pass
 * `validateEnvironmentTemplate` and relates them to the group that owns
 * them. An invalid template is refused with the validator's message, which
 * the catalog shows as a processing error on the entity.
 *
 * @public
 */
export class EnvironmentTemplateProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'EnvironmentTemplateProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (
      entity.apiVersion !== ENVIRONMENT_TEMPLATE_API_VERSION ||
      entity.kind !== ENVIRONMENT_TEMPLATE_KIND
    ) {
      return false;
    }
    // Throws an InputError naming the offending field; the catalog records
    // it against the entity instead of accepting a broken template.
    validateEnvironmentTemplate(entity);
    return true;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (
      entity.apiVersion !== ENVIRONMENT_TEMPLATE_API_VERSION ||
      entity.kind !== ENVIRONMENT_TEMPLATE_KIND
    ) {
      return entity;
    }
    const owner = entity.spec?.owner;
    if (typeof owner === 'string' && owner) {
      const self = getCompoundEntityRef(entity);
      const ownerRef = parseEntityRef(owner, {
        defaultKind: 'Group',
        defaultNamespace: self.namespace,
      });
      emit(
        processingResult.relation({
          source: self,
          type: RELATION_OWNED_BY,
          target: ownerRef,
        }),
      );
      emit(
        processingResult.relation({
          source: ownerRef,
          type: RELATION_OWNER_OF,
          target: self,
        }),
      );
    }
    return entity;
  }
}
