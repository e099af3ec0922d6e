import {
  type EnvironmentSummary,
  type EnvironmentsRestApi,
  type ListEnvironmentsQuery,
} from '@envkit/plugin-environments-common';

/** Every environment `query` matches, following `nextCursor` to the end. */
export async function listAllEnvironments(
  api: Pick<EnvironmentsRestApi, 'listEnvironments'>,
  query: Omit<ListEnvironmentsQuery, 'cursor'>,
): Promise<EnvironmentSummary[]> {
  const all: EnvironmentSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.listEnvironments(
      cursor ? { ...query, cursor } : query,
    );
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
