import { Entity } from '@backstage/catalog-model';
import { ecsTemplateWith } from '../__fixtures__/templates';
import { EnvironmentTemplateProcessor } from './EnvironmentTemplateProcessor';

const location = { type: 'url', target: 'https://example.com/envs.yaml' };

const template: Entity = {
  ...ecsTemplateWith({ owner: 'platform-team' }),
  metadata: { name: 'ecs-service', namespace: 'default' },
};

describe('EnvironmentTemplateProcessor', () => {
  const processor = new EnvironmentTemplateProcessor();

  it('accepts the EnvironmentTemplate kind and nothing else', async () => {
    await expect(processor.validateEntityKind(template)).resolves.toBe(true);
    await expect(
      processor.validateEntityKind({ ...template, apiVersion: 'v1' }),
    ).resolves.toBe(false);
    await expect(
      processor.validateEntityKind({ ...template, kind: 'Template' }),
    ).resolves.toBe(false);
  });

  it('refuses an invalid template with a message naming the field', async () => {
    const broken = {
      ...template,
      spec: { ...template.spec, version: 'latest' },
    };

    await expect(processor.validateEntityKind(broken)).rejects.toThrow(
      /spec\.version: must be a semantic version/,
    );
    await expect(processor.validateEntityKind(broken)).rejects.toMatchObject({
      name: 'InputError',
    });
  });

  it('relates a template to the group that owns it', async () => {
    const emit = jest.fn();

    await processor.postProcessEntity(template, location, emit);

    const relations = emit.mock.calls.map(([result]) => result.relation);
    expect(relations).toEqual([
      {
        source: {
          kind: 'EnvironmentTemplate',
          namespace: 'default',
          name: 'ecs-service',
        },
        type: 'ownedBy',
        target: { kind: 'Group', namespace: 'default', name: 'platform-team' },
      },
      {
        source: { kind: 'Group', namespace: 'default', name: 'platform-team' },
        type: 'ownerOf',
        target: {
          kind: 'EnvironmentTemplate',
          namespace: 'default',
          name: 'ecs-service',
        },
      },
    ]);
  });
});
