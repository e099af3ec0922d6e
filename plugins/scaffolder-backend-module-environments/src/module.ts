import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createEcsEnvironmentAction,
  createEnvironmentAction,
  createNamespaceEnvironmentAction,
  destroyEnvironmentAction,
} from './actions';
import { environmentsServiceRef } from '@envkit/plugin-environments-node';

/**
 * Registers the Envkit actions with the scaffolder: `env:create-ecs`,
 * `env:create-namespace`, `env:create` and `env:destroy`.
 *
 * @public
 */
export const scaffolderModuleEnvironments = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        actions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        environments: environmentsServiceRef,
      },
      async init({ actions, config, environments }) {
        const seconds = config.getOptionalNumber(
          'environments.scaffolder.pollIntervalSeconds',
        );
        const options = {
          environments,
          pollIntervalMs: seconds === undefined ? undefined : seconds * 1000,
        };
        actions.addActions(
          createEcsEnvironmentAction(options),
          createNamespaceEnvironmentAction(options),
          createEnvironmentAction(options),
          destroyEnvironmentAction(options),
        );
      },
    });
  },
});
