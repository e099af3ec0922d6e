import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { RELATION_HAS_MEMBER } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { environmentDriversExtensionPoint } from '@envkit/plugin-environments-node';
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
export const environmentsModuleKubernetes = createBackendModule({
  pluginId: 'environments',
  moduleId: 'kubernetes',
  register(reg) {
    reg.registerInit({
      deps: {
        drivers: environmentDriversExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ drivers, config, logger, auth, catalog }) {
        if (!config.has('environments.kubernetes')) return;
        const driver = KubernetesNamespaceDriver.fromConfig(config, {
          logger: logger.child({ driver: KUBERNETES_NAMESPACE_DRIVER_ID }),
          groupMembers: async groupRef => {
            const group = await catalog.getEntityByRef(groupRef, {
              credentials: await auth.getOwnServiceCredentials(),
            });
            return (group?.relations ?? [])
              .filter(r => r.type === RELATION_HAS_MEMBER)
              .map(r => r.targetRef);
          },
        });
        drivers.addDriver(driver);
      },
    });
  },
});
