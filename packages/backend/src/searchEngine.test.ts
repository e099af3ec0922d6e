import { mockServices } from '@backstage/backend-test-utils';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ForgivingLunrSearchEngine } from './searchEngine';

async function engineWithCatalogIndex() {
  const engine = new ForgivingLunrSearchEngine({
    logger: mockServices.logger.mock(),
  });
  // As the scheduler's indexing run does: a collator's stream into the indexer.
  await pipeline(
    Readable.from([
      {
        title: 'storefront-web',
        text: 'The storefront web frontend',
        location: '/catalog/default/component/storefront-web',
      },
    ]),
    await engine.getIndexer('software-catalog'),
  );
  return engine;
}

describe('ForgivingLunrSearchEngine', () => {
  it('answers a query for a type with no index yet with no results, not an error', async () => {
    const engine = await engineWithCatalogIndex();
    await expect(
      engine.query({ term: 'storefront', types: ['techdocs'] }),
    ).resolves.toEqual({ results: [], numberOfResults: 0 });
  });

  it('still searches the types that have an index', async () => {
    const engine = await engineWithCatalogIndex();
    const { results } = await engine.query({
      term: 'storefront',
      types: ['software-catalog', 'techdocs'],
    });
    expect(results.map(r => [r.type, r.document.title])).toEqual([
      ['software-catalog', 'storefront-web'],
    ]);
  });
});
