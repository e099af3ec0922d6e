import { paginateListImports } from '@aws-sdk/client-cloudformation';
import { DriverContext } from '@envkit/plugin-environments-node';
import { isNotImported } from './awsFailures';
import { StackRef } from './StackReader';

/** Names of the stacks that import `exportName` (Fn::ImportValue). */
export async function importersOf(
  ref: StackRef,
  exportName: string,
  ctx: DriverContext,
): Promise<string[]> {
  const names: string[] = [];
  try {
    const pages = paginateListImports(
      { client: ref.target.cloudFormation },
      { ExportName: exportName },
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) names.push(...(page.Imports ?? []));
  } catch (error) {
    if (isNotImported(error)) return [];
    throw error;
  }
  return names;
}
