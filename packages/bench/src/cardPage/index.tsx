/*
 * Browser entry of the frontend benchmark: a Backstage test app (the same
 * shell the plugin's component tests use) showing one environment entity
 * with the plugin's overview card. The card is the plugin's lazy-loaded
 * extension and talks to the benchmark's server through the REST client the
 * plugin uses (EnvironmentsRestClient), so the measured time covers loading the bundle, the
 * card's chunk, its API calls and the first render.
 */
import type { Entity } from '@backstage/catalog-model';
import { toastApiRef } from '@backstage/frontend-plugin-api';
import {
  mockApis,
  TestApiProvider,
  wrapInTestApp,
} from '@backstage/test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
// The benchmark bundles the frontend plugin for a browser page on purpose.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  EntityEnvironmentOverviewCard,
  environmentsApiRef,
} from '@envkit/plugin-environments';
import { EnvironmentsRestClient } from '@envkit/plugin-environments-common';
import { createRoot } from 'react-dom/client';

declare global {
  interface Window {
    envkitBenchEntity: Entity;
  }
}

const origin = window.location.origin;
const environmentsApi = new EnvironmentsRestClient({
  discoveryApi: {
    getBaseUrl: async (pluginId: string) => `${origin}/api/${pluginId}`,
  },
  fetchApi: { fetch: (input, init) => window.fetch(input, init) },
});

createRoot(document.getElementById('root')!).render(
  wrapInTestApp(
    <TestApiProvider
      apis={[
        [environmentsApiRef, environmentsApi],
        [permissionApiRef, mockApis.permission()],
        // The card's actions confirm with toasts; nothing is clicked here.
        [toastApiRef, { post: () => ({ close: () => {} }) }],
        // The card looks its entity up in the catalog as the phase changes.
        [
          catalogApiRef,
          catalogApiMock({ entities: [window.envkitBenchEntity] }),
        ],
      ]}
    >
      <EntityProvider entity={window.envkitBenchEntity}>
        <EntityEnvironmentOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  ),
);
