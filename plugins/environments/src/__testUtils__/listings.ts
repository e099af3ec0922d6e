import type { Environment } from '@envkit/plugin-environments-common';
import { mockEnvironmentsApi } from './fixtures';

/** A `listEnvironments` mock that answers every query with `items`. */
export const listing = (...items: Environment[]) =>
  jest.fn().mockResolvedValue({ items, totalCount: items.length });

/**
 * A `listEnvironments` mock that answers `items` only to queries whose
 * `key` is `value`, and nothing to the rest.
 */
export const listingFor = (
  key: 'owner' | 'component',
  value: string,
  ...items: Environment[]
) =>
  jest.fn(async (query?: { owner?: string; component?: string }) => ({
    items: query?.[key] === value ? items : [],
    totalCount: items.length,
  }));

/** An API mock whose list answers `items` only to queries with `key` = `value`. */
export const apiListingFor = (
  key: 'owner' | 'component',
  value: string,
  ...items: Environment[]
) =>
  mockEnvironmentsApi({ listEnvironments: listingFor(key, value, ...items) });
