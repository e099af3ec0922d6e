import { hasRelatedEnvironments, isEnvironmentsAvailable } from './constants';

const entity = (kind: string, annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('entity filters', () => {
  it('treats only entities with the environment-id annotation as environments', () => {
    expect(
      isEnvironmentsAvailable(
        entity('Resource', { 'envkit.io/environment-id': 'env-1' }),
      ),
    ).toBe(true);
    expect(isEnvironmentsAvailable(entity('Resource'))).toBe(false);
    expect(
      isEnvironmentsAvailable(
        entity('Resource', { 'envkit.io/environment-id': '' }),
      ),
    ).toBe(false);
  });

  it('gives components, systems, groups and users the environments card', () => {
    for (const kind of ['Component', 'System', 'Group', 'User']) {
      expect(hasRelatedEnvironments(entity(kind))).toBe(true);
    }
    expect(hasRelatedEnvironments(entity('API'))).toBe(false);
    expect(hasRelatedEnvironments(entity('Resource'))).toBe(false);
  });
});
