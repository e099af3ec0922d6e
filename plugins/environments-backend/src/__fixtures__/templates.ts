import { EnvironmentTemplateEntity } from '@envkit/plugin-environments-common';
import { exampleTemplate } from '@envkit/plugin-environments-common/testUtils';

const example = exampleTemplate();

/**
 * The shared example template as `web`, with both resources on the
 * in-memory test driver and the guardrails these tests rely on: an 8 hour
 * TTL of at most 7 days, two environments per owner, open to everyone.
 */
export const webTemplate: EnvironmentTemplateEntity = {
  ...example,
  metadata: { name: 'web', namespace: 'default', title: 'Web service' },
  spec: {
    ...example.spec,
    owner: 'group:default/platform-team',
    resources: example.spec.resources.map((resource: object) => ({
      ...resource,
      driver: 'test',
    })),
    guardrails: {
      ttl: { default: 'PT8H', max: 'P7D' },
      maxEnvironmentsPerOwner: 2,
    },
  },
};

/**
 * `base` under the name `name` (no title), with `guardrails` in place of
 * its own.
 */
export function withGuardrails(
  base: EnvironmentTemplateEntity,
  name: string,
  guardrails: EnvironmentTemplateEntity['spec']['guardrails'],
): EnvironmentTemplateEntity {
  return {
    ...base,
    metadata: { name, namespace: 'default' },
    spec: { ...base.spec, guardrails },
  };
}

/** Like {@link webTemplate}, but only for the payments team. */
export const restrictedTemplate = withGuardrails(webTemplate, 'payments-only', {
  allowedGroups: ['group:default/team-payments'],
});
