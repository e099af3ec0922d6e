/*
 * The Envkit example backend: a stock Backstage backend with the Envkit
 * plugins added. See README.md at the repository root to run it.
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in for local use
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs
backend.add(import('@backstage/plugin-techdocs-backend'));

// permissions
backend.add(import('@backstage/plugin-permission-backend'));
// The example policy: platform team may do everything, owners their own.
backend.add(import('./permissionPolicy'));
// External callers (CI tokens) get only what envkit.ciPrincipals grants them.
backend.add(import('./ciPrincipalPermissions'));

// search: Lunr in memory on SQLite, Postgres full-text search on PostgreSQL
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));
// On SQLite: Lunr that answers an empty type with no results instead of a 500.
backend.add(import('./searchEngine'));

// user settings, notifications and signals
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// The stock Kubernetes plugin: the Kubernetes tab of namespace environments.
// It stays idle unless app-config has a `kubernetes` section.
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Envkit
backend.add(import('@envkit/plugin-environments-backend'));
// Provisioning drivers; the Kubernetes one registers only when
// environments.kubernetes names a cluster.
backend.add(import('@envkit/plugin-environments-backend-module-aws'));
backend.add(import('@envkit/plugin-environments-backend-module-kubernetes'));
backend.add(import('@envkit/plugin-catalog-backend-module-environments'));
backend.add(import('@envkit/plugin-scaffolder-backend-module-environments'));

backend.start();
