import { Entity } from '@backstage/catalog-model';
import { ApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { toastApiRef, type ToastApi } from '@backstage/frontend-plugin-api';
import {
  AuthorizeResult,
  type Permission,
} from '@backstage/plugin-permission-common';
import {
  permissionApiRef,
  PermissionApi,
} from '@backstage/plugin-permission-react';
import {
  CatalogApi,
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { EnvironmentsApi, environmentsApiRef } from '../api';

/** A ToastApi whose `post` is a jest mock. */
export function mockToastApi(): jest.Mocked<ToastApi> {
  return { post: jest.fn().mockReturnValue({ close: jest.fn() }) };
}

/** A permission API that denies `permission` and allows everything else. */
export function permissionApiDenying(permission: Permission) {
  return mockApis.permission({
    authorize: request =>
      request.permission.name === permission.name
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
}

/**
 * The identity API, as an entry of `extraApis`, of `user` signed in and
 * owning through themselves and `groups`.
 */
export function signedInAs(user: string, ...groups: string[]) {
  const identityApi = mockApis.identity({
    userEntityRef: user,
    ownershipEntityRefs: [user, ...groups],
  });
  return [identityApiRef, identityApi] as const;
}

/**
 * Renders `element` in a test app with the environments API, a permission
 * API (allowing everything unless given), a catalog and optionally an entity.
 */
export function renderWithApis(
  element: ReactElement,
  options: {
    api: EnvironmentsApi;
    permissionApi?: PermissionApi;
    entity?: Entity;
    catalogEntities?: Entity[];
    /** Replaces the in-memory catalog built from `catalogEntities`. */
    catalogApi?: CatalogApi;
    /** Collects the toasts; a fresh mock when not given. */
    toastApi?: ToastApi;
    extraApis?: Array<readonly [ApiRef<any>, any]>;
    routeEntries?: string[];
  },
) {
  const apis = [
    [environmentsApiRef, options.api],
    [permissionApiRef, options.permissionApi ?? mockApis.permission()],
    [
      catalogApiRef,
      options.catalogApi ??
        catalogApiMock({ entities: options.catalogEntities ?? [] }),
    ],
    [toastApiRef, options.toastApi ?? mockToastApi()],
    ...(options.extraApis ?? []),
  ] as const;
  return renderInTestApp(
    // usePermission caches answers in SWR; a fresh cache per render keeps
    // one test's policy from leaking into the next.
    <SWRConfig value={{ provider: () => new Map(), dedupingInterval: 0 }}>
      <TestApiProvider apis={apis as any}>
        {options.entity ? (
          <EntityProvider entity={options.entity}>{element}</EntityProvider>
        ) : (
          element
        )}
      </TestApiProvider>
    </SWRConfig>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: options.routeEntries,
    },
  );
}
