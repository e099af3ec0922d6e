import { createApiRef } from '@backstage/core-plugin-api';
import type { EnvironmentsRestApi } from '@envkit/plugin-environments-common';

/**
 * The environments backend as the app's components use it: the REST client
 * generated from the backend's openapi.yaml (`EnvironmentsRestClient` from
 * environments-common, given the app's discovery and fetch APIs).
 *
 * @public
 */
export type EnvironmentsApi = EnvironmentsRestApi;

/** @public */
export const environmentsApiRef = createApiRef<EnvironmentsApi>({
  id: 'plugin.environments.service',
});
