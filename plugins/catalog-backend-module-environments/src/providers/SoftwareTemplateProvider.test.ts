import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { ecsTemplate, namespaceTemplate } from '../__fixtures__/templates';
import { SoftwareTemplateProvider } from './SoftwareTemplateProvider';

describe('SoftwareTemplateProvider', () => {
  it('publishes a valid Template for each valid EnvironmentTemplate and skips broken ones', async () => {
    const broken = {
      ...namespaceTemplate(),
      metadata: { name: 'broken', namespace: 'default' },
      spec: { ...namespaceTemplate().spec, resources: [] },
    };
    const catalog = catalogServiceMock({
      entities: [
        ecsTemplate(),
        namespaceTemplate(),
        broken,
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'storefront-web' },
          spec: {},
        },
      ],
    });
    const provider = new SoftwareTemplateProvider({
      catalog,
      auth: mockServices.auth({ pluginId: 'catalog' }),
      logger: mockServices.logger.mock(),
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);

    await provider.refresh();

    const [{ type, entities }] = connection.applyMutation.mock.calls[0];
    expect(type).toBe('full');
    expect(entities.map((e: any) => e.entity.metadata.name).sort()).toEqual([
      'create-team-namespace',
      'create-web-on-ecs',
    ]);
    for (const { entity } of entities) {
      await expect(templateEntityV1beta3Validator.check(entity)).resolves.toBe(
        true,
      );
      expect(
        entity.metadata.annotations['envkit.io/environment-template'],
      ).toMatch(/^environmenttemplate:default\//);
    }
  });
});
