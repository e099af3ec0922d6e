import type { RootConfigService } from '@backstage/backend-plugin-api';

// Until the drivers moved into backend modules, this plugin built them from
// these config keys itself. A backend that still has the keys but not the
// module would now start with no driver and fail every create; say which
// module to add instead.
const DRIVER_MODULES = [
  {
    key: 'environments.aws',
    driver: 'aws-cloudformation',
    module: '@envkit/plugin-environments-backend-module-aws',
  },
  {
    key: 'environments.kubernetes',
    driver: 'kubernetes-namespace',
    module: '@envkit/plugin-environments-backend-module-kubernetes',
  },
];

/**
 * Throws an error naming the config key and the backend module to add when
 * a driver's config is present but the driver is not registered.
 */
export function assertDriverModulesInstalled(
  config: Pick<RootConfigService, 'has'>,
  registered: Iterable<string>,
): void {
  const ids = new Set(registered);
  const missing = DRIVER_MODULES.filter(
    m => config.has(m.key) && !ids.has(m.driver),
  );
  if (missing.length) {
    throw new Error(
      missing
        .map(
          m =>
            `'${m.key}' is configured but no '${m.driver}' driver is registered; the driver moved into ${m.module}: add backend.add(import('${m.module}')) to your backend`,
        )
        .join('. '),
    );
  }
}
