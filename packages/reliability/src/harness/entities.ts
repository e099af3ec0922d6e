/*
 * Catalog entities of the API suites: the example EnvironmentTemplates and
 * two of this package's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { Entity } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import type { EnvironmentSummary } from '@envkit/plugin-environments-common';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { EnvironmentEntityProvider } from '@envkit/plugin-catalog-backend-module-environments';
import { REPO_ROOT } from './backendProcess';

function withNamespace(entity: Entity): Entity {
  return {
    ...entity,
    metadata: { namespace: 'default', ...entity.metadata },
  };
}

export function loadYamlEntities(file: string): Entity[] {
  return yaml
    .parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(d => d.toJSON())
    .filter(Boolean)
    .map(withNamespace);
}

/**
 * The one entity of `file` (a path from the repository's root), in the
 * default namespace. Suites may change it: the catalog mock holds it as is.
 */
export function repositoryEntity(file: string): Entity {
  const [entity] = loadYamlEntities(path.join(REPO_ROOT, file));
  return entity;
}

export const exampleTemplates = (): Entity[] => [
  ...loadYamlEntities(
    path.join(REPO_ROOT, 'examples/templates/ecs-web-service.yaml'),
  ),
  ...loadYamlEntities(
    path.join(REPO_ROOT, 'examples/templates/dev-namespace.yaml'),
  ),
];

/** A template whose one resource uses the in-memory `test` driver. */
export function testTemplate(
  name: string,
  guardrails: Record<string, unknown> = {},
): Entity {
  return withNamespace({
    apiVersion: 'envkit.io/v1alpha1',
    kind: 'EnvironmentTemplate',
    metadata: { name },
    spec: {
      type: 'test',
      version: '1.0.0',
      owner: 'group:default/platform-team',
      parameters: {
        properties: {
          size: { type: 'string', enum: ['small', 'large'], default: 'small' },
        },
      },
      resources: [
        {
          name: 'thing',
          driver: 'test',
          parameters: { size: '${{ inputs.size }}' },
        },
      ],
      outputs: {},
      guardrails: { ttl: { default: 'PT8H', max: 'P7D' }, ...guardrails },
    },
  } as Entity);
}

/**
 * The entities the catalog module publishes for `items` (what the list
 * route answered), read through its scheduled full read.
 */
export async function publishedEntities(
  items: EnvironmentSummary[],
  logger: LoggerService,
): Promise<Entity[]> {
  const provider = new EnvironmentEntityProvider({
    // Only the scheduled read is exercised here.
    environments: { listAll: async () => items, get: jest.fn() },
    logger,
  });
  const applyMutation = jest.fn();
  await provider.connect({ applyMutation, refresh: jest.fn() });
  await provider.refresh();
  return applyMutation.mock.calls.flatMap(([mutation]) =>
    mutation.entities.map((e: { entity: Entity }) => e.entity),
  );
}
