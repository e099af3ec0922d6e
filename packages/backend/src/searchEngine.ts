/*
 * The example app's search engine on SQLite: Backstage's in-memory Lunr
 * engine, except that a query for a document type with no index yet (no
 * TechDocs built, or the first indexing run not finished) answers with no
 * results for that type instead of failing the whole search with a 500.
 * On PostgreSQL the pg module registers its own engine and this one stays
 * out of the way.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import type {
  IndexableResultSet,
  SearchQuery,
} from '@backstage/plugin-search-common';

/** Lunr, with types that have no index yet left out of a query. */
export class ForgivingLunrSearchEngine extends LunrSearchEngine {
  async query(query: SearchQuery): Promise<IndexableResultSet> {
    if (!query.types?.length) return super.query(query);
    const types = query.types.filter(type => type in this.lunrIndices);
    if (types.length === 0) return { results: [], numberOfResults: 0 };
    return super.query({ ...query, types });
  }
}

export default createBackendModule({
  pluginId: 'search',
  moduleId: 'forgiving-lunr-engine',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        registry: searchEngineRegistryExtensionPoint,
      },
      async init({ config, logger, registry }) {
        if (config.getString('backend.database.client') === 'pg') return;
        registry.setSearchEngine(new ForgivingLunrSearchEngine({ logger }));
      },
    });
  },
});
