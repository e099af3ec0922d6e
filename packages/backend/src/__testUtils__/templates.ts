import { Entity } from '@backstage/catalog-model';

/**
 * A small valid EnvironmentTemplate with one resource on the `test` driver
 * (`createTestDriverModule`), owned by the platform team unless told.
 */
export function testTemplateEntity(
  name: string,
  options: { owner?: string; guardrails?: object } = {},
): Entity {
  return {
    apiVersion: 'envkit.io/v1alpha1',
    kind: 'EnvironmentTemplate',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'test',
      version: '1.0.0',
      owner: options.owner ?? 'group:default/platform-team',
      parameters: { properties: {} },
      resources: [{ name: 'main', driver: 'test' }],
      outputs: {},
      ...(options.guardrails ? { guardrails: options.guardrails } : {}),
    },
  };
}
