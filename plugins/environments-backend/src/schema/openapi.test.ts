import { mockServices } from '@backstage/backend-test-utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_PHASES } from '@envkit/plugin-environments-common';
import { createRouter } from '../service/router';
import { spec } from './openapi/generated/router';
import { EnvironmentOperations } from '../service/EnvironmentOperations';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('openapi.yaml', () => {
  const document = parse(
    readFileSync(join(__dirname, 'openapi.yaml'), 'utf8'),
  ) as {
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, { enum?: string[] }> };
  };

  it('is the document the generated router was made from', () => {
    expect(JSON.parse(JSON.stringify(spec))).toEqual(document);
  });

  it('names exactly the phases the model has', () => {
    expect(document.components.schemas.Phase.enum).toEqual([
      ...ENVIRONMENT_PHASES,
    ]);
  });

  it('describes exactly the routes the router serves, with the same methods', async () => {
    const router = await createRouter({
      environments: {} as EnvironmentOperations,
      httpAuth: mockServices.httpAuth(),
      auditor: mockServices.auditor.mock(),
    });
    const served = (router.stack as RouteLayer[])
      // The generated router serves the document itself at /openapi.json.
      .filter(layer => layer.route && layer.route.path !== '/openapi.json')
      .flatMap(layer =>
        Object.keys(layer.route!.methods).map(
          method =>
            `${method.toUpperCase()} ${layer.route!.path.replace(
              /:(\w+)/g,
              '{$1}',
            )}`,
        ),
      )
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations)
          .filter(key => METHODS.includes(key))
          .map(method => `${method.toUpperCase()} ${path}`),
      )
      .sort();

    expect(documented).toEqual(served);
  });

  it('gives every operation an id and documents its responses', () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = operations[method] as
          | { operationId?: string; responses?: Record<string, unknown> }
          | undefined;
        if (!operation) continue;
        expect(`${method} ${path}: ${operation.operationId}`).toMatch(
          /: [a-z][A-Za-z]+$/,
        );
        expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(
          0,
        );
      }
    }
  });
});
