/**
 * Server-side apply and field ownership. Field sets are lists of leaf paths;
 * maps merge key by key while lists are treated as atomic values (the real
 * server merges keyed lists element-wise; see docs/sandbox.md).
 */
import { apply as applyMergePatch } from 'json-merge-patch';
import { applyConflict, type StatusCause } from './status';
import { clone, type KubeObject, type ManagedFieldsEntry } from './store';

export type FieldPath = string[];
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Paths that are never owned: identity and server-set metadata, status. */
function ignored(path: FieldPath): boolean {
  const [first, second] = path;
  if (first === 'apiVersion' || first === 'kind' || first === 'status')
    return true;
  return (
    first === 'metadata' &&
    [
      'name',
      'namespace',
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'generation',
      'managedFields',
      'deletionTimestamp',
      'selfLink',
    ].includes(second)
  );
}

export function leafPaths(value: unknown, prefix: FieldPath = []): FieldPath[] {
  if (isObject(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([k, v]) =>
      leafPaths(v, [...prefix, k]),
    );
  }
  return prefix.length && !ignored(prefix) ? [prefix] : [];
}

const keyOf = (path: FieldPath) => JSON.stringify(path);
export const displayPath = (path: FieldPath) => `.${path.join('.')}`;

export function getAt(obj: unknown, path: FieldPath): unknown {
  let current: unknown = obj;
  for (const part of path) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

function deleteAt(obj: Json, path: FieldPath): void {
  const parents: Json[] = [];
  let current: Json = obj;
  for (const part of path.slice(0, -1)) {
    const next = current[part];
    if (!isObject(next)) return;
    parents.push(current);
    current = next;
  }
  delete current[path[path.length - 1]];
  // Drop maps the removal left empty, but never top-level sections.
  for (let i = path.length - 2; i >= 1; i--) {
    const parent = parents[i];
    const child = parent[path[i]];
    if (isObject(child) && Object.keys(child).length === 0)
      delete parent[path[i]];
    else break;
  }
}

export function toFieldsV1(paths: FieldPath[]): Json {
  const root: Json = {};
  for (const path of paths) {
    let node = root;
    for (const part of path) {
      const k = `f:${part}`;
      node[k] = isObject(node[k]) ? node[k] : {};
      node = node[k] as Json;
    }
  }
  return root;
}

export function fromFieldsV1(
  fields: Json,
  prefix: FieldPath = [],
): FieldPath[] {
  const children = Object.keys(fields).filter(k => k.startsWith('f:'));
  if (children.length === 0) return prefix.length ? [prefix] : [];
  return children.flatMap(k =>
    fromFieldsV1(fields[k] as Json, [...prefix, k.slice(2)]),
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * RFC 7386 merge patch: maps merge, `null` deletes, everything else replaces.
 * Neither argument is changed.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  return applyMergePatch(clone(target), clone(patch));
}

function now(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

function entries(obj: KubeObject | undefined): ManagedFieldsEntry[] {
  return clone(obj?.metadata.managedFields ?? []);
}

function withoutPaths(
  entry: ManagedFieldsEntry,
  drop: Set<string>,
): ManagedFieldsEntry {
  const kept = fromFieldsV1(entry.fieldsV1).filter(p => !drop.has(keyOf(p)));
  return { ...entry, fieldsV1: toFieldsV1(kept) };
}

function nonEmpty(list: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return list.filter(e => Object.keys(e.fieldsV1).length > 0);
}

/** `"mgr"` for appliers, `"mgr" using apps/v1` for updaters, as the server prints. */
function describeManager(entry: ManagedFieldsEntry): string {
  return entry.operation === 'Update'
    ? `"${entry.manager}" using ${entry.apiVersion}`
    : `"${entry.manager}"`;
}

function conflictMessage(
  conflicts: { entry: ManagedFieldsEntry; path: FieldPath }[],
): string {
  if (conflicts.length === 1) {
    const [c] = conflicts;
    return `Apply failed with 1 conflict: conflict with ${describeManager(
      c.entry,
    )}: ${displayPath(c.path)}`;
  }
  const byManager = new Map<string, FieldPath[]>();
  for (const c of conflicts) {
    const name = describeManager(c.entry);
    byManager.set(name, [...(byManager.get(name) ?? []), c.path]);
  }
  const lines: string[] = [];
  for (const name of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${name}:`);
    for (const path of byManager.get(name) ?? [])
      lines.push(`- ${displayPath(path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export interface ApplyOptions {
  manager: string;
  force: boolean;
}

/**
 * Applies `config` on top of `existing` for `manager`. Throws a 409 Conflict
 * Status when another manager owns a field whose value would change.
 */
export function serverSideApply(
  existing: KubeObject | undefined,
  config: KubeObject,
  options: ApplyOptions,
): KubeObject {
  const applied = leafPaths(config);
  const appliedKeys = new Set(applied.map(keyOf));
  let managed = entries(existing);
  if (existing) {
    const conflicts: { entry: ManagedFieldsEntry; path: FieldPath }[] = [];
    for (const entry of managed) {
      if (entry.manager === options.manager && entry.operation === 'Apply')
        continue;
      for (const path of fromFieldsV1(entry.fieldsV1)) {
        if (!appliedKeys.has(keyOf(path))) continue;
        if (!sameValue(getAt(existing, path), getAt(config, path)))
          conflicts.push({ entry, path });
      }
    }
    if (conflicts.length > 0) {
      if (!options.force) {
        const causes: StatusCause[] = conflicts.map(c => ({
          type: 'FieldManagerConflict',
          message: `conflict with ${describeManager(c.entry)}`,
          field: displayPath(c.path),
        }));
        throw applyConflict(conflictMessage(conflicts), causes);
      }
      const taken = new Set(conflicts.map(c => keyOf(c.path)));
      managed = managed.map(e => withoutPaths(e, taken));
    }
  }
  const base = clone(existing) ?? {
    apiVersion: config.apiVersion,
    kind: config.kind,
    metadata: { ...config.metadata },
  };
  const mine = managed.find(
    e => e.manager === options.manager && e.operation === 'Apply',
  );
  // Fields this manager applied before and has now dropped are removed,
  // unless somebody else also owns them.
  if (mine) {
    const ownedByOthers = new Set(
      managed
        .filter(e => e !== mine)
        .flatMap(e => fromFieldsV1(e.fieldsV1).map(keyOf)),
    );
    for (const path of fromFieldsV1(mine.fieldsV1)) {
      const k = keyOf(path);
      if (!appliedKeys.has(k) && !ownedByOthers.has(k)) deleteAt(base, path);
    }
  }
  const merged = mergePatch(base, stripIdentity(config)) as KubeObject;
  managed = managed.filter(e => e !== mine);
  managed.push({
    manager: options.manager,
    operation: 'Apply',
    apiVersion: config.apiVersion,
    time: now(),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(applied),
  });
  merged.metadata.managedFields = nonEmpty(managed);
  return merged;
}

function stripIdentity(config: KubeObject): Json {
  const copy = clone(config) as Json;
  const meta = copy.metadata as Json;
  for (const k of [
    'resourceVersion',
    'uid',
    'creationTimestamp',
    'managedFields',
    'generation',
  ])
    delete meta[k];
  delete copy.status;
  return copy;
}

/**
 * Records an Update by `manager`: it takes ownership of every field whose
 * value changed (or every field, on create), as the real server does.
 */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
): ManagedFieldsEntry[] {
  const changed = leafPaths(after).filter(
    p => !before || !sameValue(getAt(before, p), getAt(after, p)),
  );
  const changedKeys = new Set(changed.map(keyOf));
  let managed = entries(before).map(e =>
    e.manager === manager && e.operation === 'Update'
      ? e
      : withoutPaths(e, changedKeys),
  );
  const mine = managed.find(
    e => e.manager === manager && e.operation === 'Update',
  );
  const previous = mine
    ? fromFieldsV1(mine.fieldsV1).filter(p => getAt(after, p) !== undefined)
    : [];
  const all = [
    ...previous,
    ...changed.filter(p => !previous.some(q => keyOf(q) === keyOf(p))),
  ];
  managed = managed.filter(e => e !== mine);
  if (all.length > 0) {
    managed.push({
      manager,
      operation: 'Update',
      apiVersion: after.apiVersion,
      time: now(),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(all),
    });
  }
  return nonEmpty(managed);
}
