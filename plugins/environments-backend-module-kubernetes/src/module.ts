import { createEnvironmentDriverModule } from '@envkit/plugin-environments-node';
import {
  KUBERNETES_NAMESPACE_DRIVER_ID,
  KubernetesNamespaceDriver,
} from './kubernetes';

/**
 * Adds the kubernetes-namespace driver to the environments backend when
 * `environments.kubernetes` names at least one cluster; without it the
 * module does nothing, so it is safe to install everywhere.
 *
 * @public
 */
export const environmentsModuleKubernetes = createEnvironmentDriverModule({
  moduleId: 'kubernetes',
  driverId: KUBERNETES_NAMESPACE_DRIVER_ID,
  createDriver: ({ config, logger }) =>
    config.has('environments.kubernetes')
      ? KubernetesNamespaceDriver.fromConfig(config, { logger })
      : undefined,
});
