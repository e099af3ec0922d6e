/**
 * `meta.k8s.io/v1` Table responses, which kubectl asks for when it prints
 * `kubectl get` output for humans.
 */
import { humanAge } from '../util/time';
import type { ResourceType } from './discovery';
import type { KubeObject } from './store';

type Json = Record<string, unknown>;

interface Column {
  name: string;
  type: string;
  format?: string;
  value: (o: KubeObject) => unknown;
}

function age(o: KubeObject): string {
  return humanAge(new Date(o.metadata.creationTimestamp));
}

function columnsFor(type: ResourceType): Column[] {
  const name: Column = {
    name: 'Name',
    type: 'string',
    format: 'name',
    value: o => o.metadata.name,
  };
  const ageColumn: Column = { name: 'Age', type: 'string', value: age };
  const spec = (o: KubeObject) => (o.spec ?? {}) as Json;
  const status = (o: KubeObject) => (o.status ?? {}) as Json;
  switch (type.resource) {
    case 'namespaces':
      return [
        name,
        { name: 'Status', type: 'string', value: o => status(o).phase ?? '' },
        ageColumn,
      ];
    case 'deployments':
      return [
        name,
        {
          name: 'Ready',
          type: 'string',
          value: o =>
            `${status(o).readyReplicas ?? 0}/${spec(o).replicas ?? 0}`,
        },
        {
          name: 'Up-to-date',
          type: 'integer',
          value: o => status(o).updatedReplicas ?? 0,
        },
        {
          name: 'Available',
          type: 'integer',
          value: o => status(o).availableReplicas ?? 0,
        },
        ageColumn,
      ];
    case 'secrets':
      return [
        name,
        { name: 'Type', type: 'string', value: o => o.type ?? '' },
        {
          name: 'Data',
          type: 'integer',
          value: o => Object.keys((o.data as Json | undefined) ?? {}).length,
        },
        ageColumn,
      ];
    case 'services':
      return [
        name,
        { name: 'Type', type: 'string', value: o => spec(o).type ?? '' },
        {
          name: 'Cluster-IP',
          type: 'string',
          value: o => spec(o).clusterIP ?? '',
        },
        {
          name: 'Port(s)',
          type: 'string',
          value: o =>
            ((spec(o).ports as Json[] | undefined) ?? [])
              .map(p => `${p.port}/${p.protocol ?? 'TCP'}`)
              .join(',') || '<none>',
        },
        ageColumn,
      ];
    case 'ingresses':
      return [
        name,
        {
          name: 'Hosts',
          type: 'string',
          value: o =>
            ((spec(o).rules as Json[] | undefined) ?? [])
              .map(r => r.host ?? '*')
              .join(',') || '*',
        },
        ageColumn,
      ];
    case 'resourcequotas':
      return [
        name,
        {
          name: 'Request',
          type: 'string',
          value: o => {
            const s = status(o) as {
              hard?: Record<string, string>;
              used?: Record<string, string>;
            };
            return Object.keys(s.hard ?? {})
              .map(k => `${k}: ${s.used?.[k] ?? '0'}/${s.hard?.[k]}`)
              .join(', ');
          },
        },
        ageColumn,
      ];
    default:
      return [name, ageColumn];
  }
}

/** What a row carries, per the `includeObject` query parameter. */
function rowObject(o: KubeObject, includeObject: string | null): unknown {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return o;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  resourceVersion: string,
  includeObject: string | null,
) {
  const columns = columnsFor(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(c => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.name,
      priority: 0,
    })),
    rows: objects.map(o => ({
      cells: columns.map(c => c.value(o)),
      object: rowObject(o, includeObject),
    })),
  };
}
