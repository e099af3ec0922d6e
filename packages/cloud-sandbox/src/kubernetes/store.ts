/**
 * Kubernetes object storage: one global resourceVersion counter (as etcd
 * gives the real API server), and a short event history so watches that
 * start from a listed resourceVersion miss nothing.
 */
import type { ResourceType } from './discovery';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  resourceVersion: number;
}

type Listener = (event: WatchEvent) => void;

const HISTORY = 2000;

function key(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): string {
  return `${type.group}/${type.resource}/${namespace ?? ''}/${name}`;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export class KubeStore {
  private revision = 0;
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners = new Set<Listener>();
  private readonly history: WatchEvent[] = [];
  /**
   * Keys by type and namespace, so that listing one namespace (which every
   * write does, to count quota usage) does not walk every object.
   */
  private readonly scopes = new Map<string, Set<string>>();

  private scopeOf(k: string): string {
    return k.slice(0, k.lastIndexOf('/'));
  }

  currentRevision(): string {
    return String(this.revision);
  }

  reset(): void {
    this.objects.clear();
    this.scopes.clear();
    this.history.length = 0;
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const found = this.objects.get(
      key(type, type.namespaced ? namespace : undefined, name),
    );
    return found ? clone(found) : undefined;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const prefix = `${type.group}/${type.resource}/`;
    const out: KubeObject[] = [];
    if (namespace) {
      for (const k of this.scopes.get(`${prefix}${namespace}`) ?? []) {
        const obj = this.objects.get(k);
        if (obj) out.push(clone(obj));
      }
    } else {
      for (const [k, obj] of this.objects) {
        if (k.startsWith(prefix)) out.push(clone(obj));
      }
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
      ),
    );
  }

  /** Stores an object with a fresh resourceVersion and tells watchers. */
  put(type: ResourceType, object: KubeObject): KubeObject {
    const k = key(type, object.metadata.namespace, object.metadata.name);
    const existed = this.objects.has(k);
    this.revision += 1;
    const stored = clone(object);
    stored.metadata.resourceVersion = String(this.revision);
    this.objects.set(k, stored);
    const scope = this.scopeOf(k);
    if (!this.scopes.has(scope)) this.scopes.set(scope, new Set());
    this.scopes.get(scope)!.add(k);
    this.emit({
      type: existed ? 'MODIFIED' : 'ADDED',
      resource: type,
      object: clone(stored),
      resourceVersion: this.revision,
    });
    return clone(stored);
  }

  remove(type: ResourceType, object: KubeObject): void {
    const k = key(type, object.metadata.namespace, object.metadata.name);
    const stored = this.objects.get(k);
    if (!stored) return;
    this.objects.delete(k);
    this.scopes.get(this.scopeOf(k))?.delete(k);
    this.revision += 1;
    const gone = clone(stored);
    gone.metadata.resourceVersion = String(this.revision);
    this.emit({
      type: 'DELETED',
      resource: type,
      object: gone,
      resourceVersion: this.revision,
    });
  }

  /** Every object in a namespace, across types (for namespace deletion). */
  inNamespace(namespace: string): { type: string; object: KubeObject }[] {
    return [...this.objects.entries()]
      .filter(([, obj]) => obj.metadata.namespace === namespace)
      .map(([k, obj]) => ({ type: k, object: obj }));
  }

  removeKey(storeKey: string, type: ResourceType): void {
    const obj = this.objects.get(storeKey);
    if (obj) this.remove(type, obj);
  }

  /** Events after `sinceRevision` that are still in the history. */
  replay(sinceRevision: number): WatchEvent[] {
    return this.history.filter(e => e.resourceVersion > sinceRevision);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: WatchEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY)
      this.history.splice(0, this.history.length - HISTORY);
    for (const listener of this.listeners) listener(event);
  }
}
