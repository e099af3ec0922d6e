import { InputError } from '@backstage/errors';

/** The part of a template resource the dependency graph needs. @public */
export interface ResourceNode {
  name: string;
  dependsOn?: string[];
}

/**
 * Checks that resource names are unique, every `dependsOn` names a declared
 * resource other than itself, and the dependencies have no cycle. Throws an
 * `InputError` naming the field path, e.g.
 * `spec.resources[1].dependsOn: unknown resource 'db'` or
 * `spec.resources[0].dependsOn: dependency cycle a -> b -> a`.
 *
 * @public
 */
export function validateResourceGraph(
  resources: readonly ResourceNode[],
  basePath = 'spec.resources',
): void {
  const index = new Map<string, number>();
  resources.forEach((r, i) => {
    if (index.has(r.name)) {
      throw new InputError(
        `${basePath}[${i}].name: duplicate resource name '${
          r.name
        }' (also used by ${basePath}[${index.get(r.name)}])`,
      );
    }
    index.set(r.name, i);
  });
  resources.forEach((r, i) => {
    (r.dependsOn ?? []).forEach((dep, j) => {
      if (dep === r.name) {
        throw new InputError(
          `${basePath}[${i}].dependsOn[${j}]: resource '${r.name}' cannot depend on itself`,
        );
      }
      if (!index.has(dep)) {
        throw new InputError(
          `${basePath}[${i}].dependsOn: unknown resource '${dep}'; declared resources: ${[
            ...index.keys(),
          ].join(', ')}`,
        );
      }
    });
  });
  const cycle = findDependencyCycle(resources);
  if (cycle) {
    throw new InputError(
      `${basePath}[${index.get(
        cycle[0],
      )}].dependsOn: dependency cycle ${cycle.join(' -> ')}`,
    );
  }
}

/**
 * A dependency cycle among `resources` as a path of names that starts and
 * ends with the same resource (`['a', 'b', 'a']`), or `undefined` when there
 * is none. Unknown dependency names are ignored.
 *
 * @public
 */
export function findDependencyCycle(
  resources: readonly ResourceNode[],
): string[] | undefined {
  const edges = new Map(resources.map(r => [r.name, r.dependsOn ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 'done') return undefined;
    if (s === 'visiting') {
      return [...stack.slice(stack.indexOf(name)), name];
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of edges.get(name) ?? []) {
      if (!edges.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const r of resources) {
    const cycle = visit(r.name);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The resources in an order where each comes after everything it depends on
 * (the order to apply them in; reverse it to destroy). Among resources that
 * are free to go, declaration order is kept, so the result is deterministic.
 * Throws like {@link validateResourceGraph} on a bad graph.
 *
 * @public
 */
export function topologicalOrder<T extends ResourceNode>(
  resources: readonly T[],
): T[] {
  validateResourceGraph(resources);
  const placed = new Set<string>();
  const order: T[] = [];
  while (order.length < resources.length) {
    const next = resources.find(
      r => !placed.has(r.name) && (r.dependsOn ?? []).every(d => placed.has(d)),
    );
    // validateResourceGraph rules out cycles, so there is always a next one.
    placed.add(next!.name);
    order.push(next!);
  }
  return order;
}

/**
 * Names of every resource `name` depends on, directly or transitively.
 *
 * @public
 */
export function transitiveDependencies(
  resources: readonly ResourceNode[],
  name: string,
): Set<string> {
  const edges = new Map(resources.map(r => [r.name, r.dependsOn ?? []]));
  const seen = new Set<string>();
  const pending = [...(edges.get(name) ?? [])];
  while (pending.length) {
    const dep = pending.pop()!;
    if (seen.has(dep)) continue;
    seen.add(dep);
    pending.push(...(edges.get(dep) ?? []));
  }
  seen.delete(name);
  return seen;
}
