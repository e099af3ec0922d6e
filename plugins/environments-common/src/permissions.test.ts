import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  ENVIRONMENT_TEMPLATE_RESOURCE_TYPE,
  environmentsPermissions,
} from './permissions';

describe('environmentsPermissions', () => {
  it('puts each permission on its resource type', () => {
    const byName = Object.fromEntries(
      environmentsPermissions.map(p => [
        p.name,
        [
          p.attributes.action,
          isResourcePermission(p) ? p.resourceType : undefined,
        ],
      ]),
    );
    expect(byName).toEqual({
      'environment.create': ['create', ENVIRONMENT_RESOURCE_TYPE],
      'environment.read': ['read', ENVIRONMENT_RESOURCE_TYPE],
      'environment.update': ['update', ENVIRONMENT_RESOURCE_TYPE],
      'environment.delete': ['delete', ENVIRONMENT_RESOURCE_TYPE],
      'environment.approve': ['update', ENVIRONMENT_RESOURCE_TYPE],
      'environment.access': ['read', ENVIRONMENT_RESOURCE_TYPE],
      'environment-template.use': ['read', ENVIRONMENT_TEMPLATE_RESOURCE_TYPE],
    });
  });
});
