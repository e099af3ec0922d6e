/**
 * Dependency analysis over a template's resources and a small executor that
 * runs steps as soon as their dependencies finish — the same parallelism
 * CloudFormation applies to independent resources.
 */
import { AwsError } from '../aws/query';
import {
  pseudoParameters,
  referencedNames,
  referencedResources,
} from './intrinsics';
import type { Template } from './templateParser';

export type Dependencies = Map<string, Set<string>>;

function dependsOnList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function templateError(message: string): AwsError {
  return new AwsError('ValidationError', `Template format error: ${message}`);
}

/**
 * Builds the dependency map of the active resources and rejects templates
 * CloudFormation would reject: unknown references and cycles.
 */
export function analyseDependencies(
  template: Template,
  active: string[],
): Dependencies {
  const names = new Set(active);
  const known = new Set<string>([
    ...Object.keys(template.Resources),
    ...Object.keys(template.Parameters ?? {}),
    ...Object.keys(
      pseudoParameters({
        region: '',
        accountId: '',
        stackName: '',
        stackId: '',
      }),
    ),
    'AWS::NoValue',
  ]);
  const unresolved = new Set<string>();
  const deps: Dependencies = new Map();
  for (const id of active) {
    const declaration = template.Resources[id];
    const refs = new Set<string>();
    referencedNames(declaration.Properties ?? null, refs);
    for (const dep of dependsOnList(declaration.DependsOn)) {
      if (!(dep in template.Resources)) unresolved.add(dep);
    }
    for (const ref of refs) if (!known.has(ref)) unresolved.add(ref);
    const set = referencedResources(declaration.Properties ?? null, names);
    for (const dep of dependsOnList(declaration.DependsOn))
      if (names.has(dep)) set.add(dep);
    set.delete(id);
    deps.set(id, set);
  }
  for (const output of Object.values(template.Outputs ?? {})) {
    const refs = new Set<string>();
    referencedNames(output.Value, refs);
    for (const ref of refs) if (!known.has(ref)) unresolved.add(ref);
  }
  if (unresolved.size > 0) {
    throw templateError(
      `Unresolved resource dependencies [${[...unresolved].join(
        ', ',
      )}] in the Resources block of the template`,
    );
  }
  const cycle = findCycle(deps);
  if (cycle.length > 0) {
    throw templateError(
      `Circular dependency between resources: [${cycle.join(', ')}]`,
    );
  }
  return deps;
}

/** Resources left over after repeatedly removing those with no pending deps. */
function findCycle(deps: Dependencies): string[] {
  const remaining = new Map([...deps].map(([k, v]) => [k, new Set(v)]));
  let progress = true;
  while (progress) {
    progress = false;
    for (const [id, set] of remaining) {
      if ([...set].every(d => !remaining.has(d))) {
        remaining.delete(id);
        progress = true;
      }
    }
  }
  return [...remaining.keys()].sort();
}

/** deps inverted: for each resource, the resources that depend on it. */
export function dependents(deps: Dependencies): Dependencies {
  const out: Dependencies = new Map();
  for (const id of deps.keys()) out.set(id, new Set());
  for (const [id, set] of deps) for (const dep of set) out.get(dep)?.add(id);
  return out;
}

export interface GraphRun {
  /** Steps started and not yet finished when the run stopped. */
  inFlight: Set<string>;
}

/**
 * Runs `step` for each id once every id it waits for has finished. Stops
 * launching on the first failure and reports it; `isCurrent` lets a newer
 * operation on the same stack orphan this run.
 */
export function runGraph(
  ids: string[],
  waitsFor: Dependencies,
  step: (id: string, done: (failure?: string) => void) => void,
  finish: (
    failure: { id: string; reason: string } | undefined,
    run: GraphRun,
  ) => void,
  isCurrent: () => boolean,
): void {
  const remaining = new Set(ids);
  const run: GraphRun = { inFlight: new Set() };
  const completed = new Set<string>();
  const state = { stopped: false };
  const launch = () => {
    if (remaining.size === 0 && run.inFlight.size === 0) {
      state.stopped = true;
      finish(undefined, run);
      return;
    }
    for (const id of [...remaining]) {
      // A step that finishes synchronously re-enters launch(); skip what it started.
      if (state.stopped || !remaining.has(id)) continue;
      const waits = [...(waitsFor.get(id) ?? [])].filter(d => ids.includes(d));
      if (!waits.every(d => completed.has(d))) continue;
      remaining.delete(id);
      run.inFlight.add(id);
      step(id, failure => {
        if (state.stopped || !isCurrent()) return;
        run.inFlight.delete(id);
        if (failure !== undefined) {
          state.stopped = true;
          finish({ id, reason: failure }, run);
          return;
        }
        completed.add(id);
        launch();
      });
    }
  };
  launch();
}
