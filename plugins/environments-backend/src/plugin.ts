import {
  coreServices,
  createBackendPlugin,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  environmentsPermissions,
  environmentTemplateUsePermission,
  parseDuration,
} from '@envkit/plugin-environments-common';
import {
  assertEnvironmentDriver,
  CompleteEnvironmentDriver,
  environmentDriversExtensionPoint,
} from '@envkit/plugin-environments-node';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { assertDriverModulesInstalled } from './driverModules';
import { LifecycleEngine } from './engine/LifecycleEngine';
import { EnvironmentNotices } from './engine/EnvironmentNotices';
import { DatabaseEnvironmentStore } from './database/DatabaseEnvironmentStore';
import {
  CachedPermissionDecisions,
  DEFAULT_DECISION_TTL_MS,
} from './permissions/CachedPermissionDecisions';
import {
  environmentPermissionResourceRef,
  environmentPermissionRules,
} from './permissions/rules';
import { EnvironmentOperations } from './service/EnvironmentOperations';
import type { MonthlyBudgets } from './service/EnvironmentAccess';
import { createRouter } from './service/router';
import { TemplateResolver } from './service/TemplateResolver';

/** `environments.approvals.expiresAfter`, checked at start-up. */
function approvalExpiresAfter(config: {
  getOptionalString(key: string): string | undefined;
}): string | undefined {
  const value = config.getOptionalString('environments.approvals.expiresAfter');
  if (value !== undefined) {
    parseDuration(value, 'environments.approvals.expiresAfter');
  }
  return value;
}

/** `environments.permissions.decisionCacheSeconds`, checked at start-up. */
function decisionTtlMs(config: RootConfigService): number {
  const key = 'environments.permissions.decisionCacheSeconds';
  const seconds = config.getOptionalNumber(key);
  if (seconds === undefined) return DEFAULT_DECISION_TTL_MS;
  if (!(seconds >= 0 && seconds <= 60)) {
    throw new InputError(`${key}: must be a number of seconds from 0 to 60`);
  }
  return seconds * 1000;
}

/** `environments.budgets`, checked at start-up. */
function budgetsOf(config: RootConfigService): MonthlyBudgets {
  const budgets = config.getOptionalConfig('environments.budgets');
  const amount = (value: number | undefined, key: string) => {
    if (value !== undefined && !(value >= 0)) {
      throw new InputError(
        `environments.budgets.${key}: must be a monthly amount in USD, 0 or more`,
      );
    }
    return value;
  };
  const owners = budgets?.getOptionalConfigArray('owners') ?? [];
  return {
    perOwner: amount(budgets?.getOptionalNumber('perOwner'), 'perOwner'),
    owners: Object.fromEntries(
      owners.map((entry, i) => [
        entry.getString('owner'),
        amount(entry.getNumber('monthly'), `owners[${i}].monthly`)!,
      ]),
    ),
  };
}

/**
 * The environments backend plugin, served under `/api/environments`.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    const drivers = new Map<string, CompleteEnvironmentDriver>();
    env.registerExtensionPoint(environmentDriversExtensionPoint, {
      addDriver(driver) {
        assertEnvironmentDriver(driver);
        if (drivers.has(driver.id)) {
          throw new ConflictError(
            `An environment driver with id '${driver.id}' is already registered; each driver id may be registered once`,
          );
        }
        drivers.set(driver.id, driver);
      },
    });

    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
        database: coreServices.database,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        scheduler: coreServices.scheduler,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        notifications: notificationService,
      },
      async init({
        httpRouter,
        httpAuth,
        auditor,
        logger,
        database,
        permissions,
        permissionsRegistry,
        userInfo,
        scheduler,
        config,
        catalog,
        events,
        notifications,
      }) {
        // Modules have registered their drivers by the time init runs.
        assertDriverModulesInstalled(config, drivers.keys());
        const store = await DatabaseEnvironmentStore.create({ database });

        permissionsRegistry.addResourceType({
          resourceRef: environmentPermissionResourceRef,
          permissions: environmentsPermissions.filter(
            p => p !== environmentTemplateUsePermission,
          ),
          rules: Object.values(environmentPermissionRules),
          getResources: async ids =>
            Promise.all(ids.map(id => store.getEnvironment(id))),
        });
        permissionsRegistry.addPermissions([environmentTemplateUsePermission]);

        const environments = new EnvironmentOperations({
          store,
          templates: new TemplateResolver(catalog, () => drivers.keys()),
          catalog,
          // A user's decisions for a few seconds: each would otherwise be an
          // HTTP request to the permission backend.
          permissions: new CachedPermissionDecisions(
            permissions,
            decisionTtlMs(config),
          ),
          userInfo,
          rules: permissionsRegistry.getPermissionRuleset(
            environmentPermissionResourceRef,
          ),
          drivers: () => drivers,
          logger,
          approvalExpiresAfter: approvalExpiresAfter(config),
          budgets: budgetsOf(config),
        });

        const engineConfig = config.getOptionalConfig('environments.engine');
        const noticesConfig = config.getOptionalConfig('environments.notices');
        const notices = new EnvironmentNotices({
          store,
          notifications,
          logger: logger.child({ component: 'environment-notices' }),
          beforeExpiryMs: noticesConfig
            ?.getOptionalStringArray('beforeExpiry')
            ?.map((d, i) =>
              parseDuration(d, `environments.notices.beforeExpiry[${i}]`),
            ),
        });
        const engine = new LifecycleEngine({
          store,
          drivers,
          logger: logger.child({ component: 'lifecycle-engine' }),
          // Unique per process, so a restarted replica never mistakes an
          // old lease of its predecessor for its own.
          replicaId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
          events,
          notices,
          timings: {
            ...(engineConfig?.has('batchSize') && {
              batchSize: engineConfig.getNumber('batchSize'),
            }),
            ...(engineConfig?.has('observeIntervalSeconds') && {
              observeIntervalMs:
                engineConfig.getNumber('observeIntervalSeconds') * 1000,
            }),
          },
        });
        /** Runs `sweep` on every replica, every `intervalSeconds` of `section`. */
        const sweepEvery = (
          id: string,
          section: typeof engineConfig,
          defaultSeconds: number,
          sweep: () => Promise<unknown>,
        ) =>
          scheduler.scheduleTask({
            id,
            scope: 'local',
            frequency: {
              seconds:
                section?.getOptionalNumber('intervalSeconds') ?? defaultSeconds,
            },
            timeout: { minutes: 5 },
            fn: async () => {
              await sweep();
            },
          });
        // Every replica sweeps on its own schedule; leases in the database
        // decide who works on which environment.
        await sweepEvery('environments-reconcile', engineConfig, 2, () =>
          engine.sweep(),
        );
        // Notices before expiry: each replica looks, the database claim in
        // EnvironmentNotices makes sure only one sends each notice.
        await sweepEvery('environments-notices', noticesConfig, 60, () =>
          engine.sweepNotices(),
        );

        httpRouter.use(await createRouter({ environments, httpAuth, auditor }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `Environments backend ready with drivers: ${
            [...drivers.keys()].join(', ') || 'none'
          }`,
        );
      },
    });
  },
});
