import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { EnvironmentsRestClient } from '@envkit/plugin-environments-common';
import { environmentsApiRef } from './api';
import { rootRouteRef } from './routes';

/** The Envkit plugin for apps on the legacy frontend system. @public */
export const environmentsPlugin = createPlugin({
  id: 'environments',
  apis: [
    createApiFactory({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsRestClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The Environments page. @public */
export const EnvironmentsPage = environmentsPlugin.provide(
  createRoutableExtension({
    name: 'EnvironmentsPage',
    component: () =>
      import('./components/EnvironmentsPage/LegacyEnvironmentsPage').then(
        m => m.LegacyEnvironmentsPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * Status, endpoint, expiry, events and actions of an environment entity;
 * show it where `isEnvironmentsAvailable(entity)` holds.
 *
 * @public
 */
export const EntityEnvironmentOverviewCard = environmentsPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentOverviewCard',
    component: {
      lazy: () =>
        import('./components/EnvironmentOverviewCard').then(
          m => m.EnvironmentOverviewCard,
        ),
    },
  }),
);

/**
 * The environments of a component, system, group or user.
 *
 * @public
 */
export const EntityEnvironmentsCard = environmentsPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentsCard',
    component: {
      lazy: () =>
        import('./components/EnvironmentsCard').then(m => m.EnvironmentsCard),
    },
  }),
);

/**
 * An EnvironmentTemplate's version, parameters with their policies,
 * resources, guardrails, the environments using it and its software
 * template; show it where `isEnvironmentTemplate(entity)` holds.
 *
 * @public
 */
export const EntityEnvironmentTemplateCard = environmentsPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentTemplateCard',
    component: {
      lazy: () =>
        import('./components/EnvironmentTemplatePage').then(
          m => m.EnvironmentTemplateOverview,
        ),
    },
  }),
);
