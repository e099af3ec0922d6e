import { coreServices } from '@backstage/backend-plugin-api';
import { RELATION_HAS_MEMBER } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createEnvironmentDriverModule } from '@envkit/plugin-environments-node';
import {
  KUBERNETES_NAMESPACE_DRIVER_ID,
  KubernetesNamespaceDriver,
} from './kubernetes';

/**
 * Adds the kubernetes-namespace driver to the environments backend when
 * `environments.kubernetes` names at least one cluster; without it the
 * module does nothing, so it is safe to install everywhere. The catalog is
 * read (as this module) only with `subjects: users`, to list group members.
 *
 * @public
 */
export const environmentsModuleKubernetes = createEnvironmentDriverModule({
  moduleId: 'kubernetes',
  driverId: KUBERNETES_NAMESPACE_DRIVER_ID,
  deps: { auth: coreServices.auth, catalog: catalogServiceRef },
  createDriver: ({ config, logger, auth, catalog }) => {
    if (!config.has('environments.kubernetes')) return undefined;
    return KubernetesNamespaceDriver.fromConfig(config, {
      logger,
      groupMembers: async groupRef => {
        const group = await catalog.getEntityByRef(groupRef, {
          credentials: await auth.getOwnServiceCredentials(),
        });
        return (group?.relations ?? [])
          .filter(r => r.type === RELATION_HAS_MEMBER)
          .map(r => r.targetRef);
      },
    });
  },
});
