import type { Environment } from '@envkit/plugin-environments-common';
import { ecsTemplate, ecsTemplateWith } from '../__fixtures__/templates';
import { environmentToEntity } from '../providers/environmentEntity';
import { environmentTemplateToSoftwareTemplate } from '../templates/softwareTemplate';
import {
  environmentCatalogConditions,
  environmentCatalogPermissionRules,
} from './rules';

const { isEnvironmentOwner, isInTemplateAudience } =
  environmentCatalogPermissionRules;

function environment(owner: string, createdBy: string): Environment {
  return {
    id: 'e1',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    createdBy,
    spec: {
      name: 'storefront-pr-1',
      templateRef: 'environmenttemplate:default/web-on-ecs',
      templateVersion: '2.1.0',
      templateSnapshot: {
        type: 'ecs',
      } as Environment['spec']['templateSnapshot'],
      inputs: {},
      owner,
      generation: 1,
    },
    status: {
      phase: 'Ready',
      conditions: [],
      resources: [],
      outputs: {},
      observedGeneration: 1,
    },
  };
}

const lena = ['user:default/lena', 'group:default/team-storefront'];
const max = ['user:default/max', 'group:default/team-storefront'];
const omar = ['user:default/omar', 'group:default/team-payments'];

describe('IS_ENVIRONMENT_OWNER on catalog entities', () => {
  const entity = environmentToEntity(
    environment('group:default/team-storefront', 'user:default/lena'),
  );

  it('matches the owner group’s members and the creator, as the API rule does', () => {
    expect(isEnvironmentOwner.apply(entity, { claims: lena })).toBe(true);
    expect(isEnvironmentOwner.apply(entity, { claims: max })).toBe(true);
    const createdForOthers = environmentToEntity(
      environment('group:default/team-payments', 'user:default/lena'),
    );
    expect(
      isEnvironmentOwner.apply(createdForOthers, {
        claims: ['user:default/lena'],
      }),
    ).toBe(true);
  });

  it('does not match another team', () => {
    expect(isEnvironmentOwner.apply(entity, { claims: omar })).toBe(false);
  });

  it('matches only environment entities', () => {
    const component = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web' },
      spec: { type: 'service', owner: 'group:default/team-storefront' },
    };
    expect(isEnvironmentOwner.apply(component, { claims: lena })).toBe(false);
  });

  it('filters the catalog on kind, type, owner and creator', () => {
    expect(isEnvironmentOwner.toQuery({ claims: omar })).toEqual({
      allOf: [
        { key: 'kind', values: ['resource'] },
        { key: 'spec.type', values: ['environment'] },
        {
          anyOf: [
            { key: 'spec.owner', values: omar },
            { key: 'metadata.annotations.envkit.io/created-by', values: omar },
          ],
        },
      ],
    });
  });
});

describe('IS_IN_TEMPLATE_AUDIENCE', () => {
  const restricted = environmentTemplateToSoftwareTemplate(
    ecsTemplateWith({
      guardrails: {
        allowedGroups: ['team-payments'],
        allowedUsers: ['user:default/jane'],
      },
    }),
  );
  const open = environmentTemplateToSoftwareTemplate(ecsTemplate());

  it('matches allowed users and members of allowed groups', () => {
    expect(isInTemplateAudience.apply(restricted, { claims: omar })).toBe(true);
    expect(
      isInTemplateAudience.apply(restricted, {
        claims: ['user:default/jane'],
      }),
    ).toBe(true);
  });

  it('does not match others, nor Templates without an audience', () => {
    expect(isInTemplateAudience.apply(restricted, { claims: lena })).toBe(
      false,
    );
    expect(isInTemplateAudience.apply(open, { claims: omar })).toBe(false);
  });

  it('filters on the audience list of the generated Template', () => {
    expect(isInTemplateAudience.toQuery({ claims: omar })).toEqual({
      key: 'spec.envkit.audience',
      values: omar,
    });
  });
});

describe('environmentCatalogConditions', () => {
  it('makes catalog-entity conditions a policy can return', () => {
    expect(
      environmentCatalogConditions.isEnvironmentOwner({ claims: lena }),
    ).toEqual({
      rule: 'IS_ENVIRONMENT_OWNER',
      resourceType: 'catalog-entity',
      params: { claims: lena },
    });
  });
});
