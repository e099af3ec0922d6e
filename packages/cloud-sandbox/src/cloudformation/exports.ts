/**
 * Cross-stack references: outputs a stack exports under an account- and
 * region-wide name, and the stacks that import them with Fn::ImportValue.
 * CloudFormation's rules, with its wording: a name is exported by one stack
 * at a time, and an export in use can be neither deleted nor changed.
 */
import { AwsError } from '../aws/query';
import type { Stack, StackOutput } from './stacks';

export interface StackExport {
  name: string;
  value: string;
  stackId: string;
  stackName: string;
}

/** Stacks whose outputs count: those that exist and were not rolled back. */
function holdsOutputs(stack: Stack): boolean {
  return (
    stack.status !== 'DELETE_COMPLETE' &&
    stack.status !== 'ROLLBACK_COMPLETE' &&
    stack.status !== 'REVIEW_IN_PROGRESS'
  );
}

/** Every export in the region, in the order the stacks were created. */
export function listExports(stacks: Stack[]): StackExport[] {
  return stacks.filter(holdsOutputs).flatMap(stack =>
    stack.outputs
      .filter(o => o.exportName !== undefined)
      .map(o => ({
        name: o.exportName!,
        value: o.value,
        stackId: stack.stackId,
        stackName: stack.stackName,
      })),
  );
}

/** The value exported as `name`, as Fn::ImportValue resolves it. */
export function importValue(stacks: Stack[], name: string): string {
  const found = listExports(stacks).find(e => e.name === name);
  if (!found)
    throw new AwsError('ValidationError', `No export named ${name} found`);
  return found.value;
}

/** Names of the stacks (other than `except`) that import `name`. */
export function importers(
  stacks: Stack[],
  name: string,
  except?: Stack,
): string[] {
  return stacks
    .filter(s => s !== except && holdsOutputs(s) && s.imports.has(name))
    .map(s => s.stackName);
}

/**
 * Why `stack` may not publish `outputs` in place of the ones it has: an
 * export name another stack already uses, or an export others import that
 * would disappear or change. `undefined` when it may.
 */
export function exportConflict(
  stacks: Stack[],
  stack: Stack,
  outputs: StackOutput[],
): string | undefined {
  const others = listExports(stacks.filter(s => s !== stack));
  for (const output of outputs) {
    const taken = others.find(e => e.name === output.exportName);
    if (taken) {
      return `Export with name ${taken.name} is already exported by stack ${taken.stackName}`;
    }
  }
  for (const current of stack.outputs) {
    if (current.exportName === undefined) continue;
    const users = importers(stacks, current.exportName, stack);
    if (users.length === 0) continue;
    const next = outputs.find(o => o.exportName === current.exportName);
    if (!next) return inUseOnDelete(current.exportName, users);
    if (next.value !== current.value) {
      return `Cannot update export ${
        current.exportName
      } as it is in use by ${users.join(', ')}`;
    }
  }
  return undefined;
}

/** Why `stack` cannot be deleted: an export another stack imports. */
export function deleteConflict(
  stacks: Stack[],
  stack: Stack,
): string | undefined {
  for (const output of stack.outputs) {
    if (output.exportName === undefined) continue;
    const users = importers(stacks, output.exportName, stack);
    if (users.length) return inUseOnDelete(output.exportName, users);
  }
  return undefined;
}

function inUseOnDelete(name: string, users: string[]): string {
  return `Export ${name} cannot be deleted as it is in use by ${users.join(
    ', ',
  )}`;
}
