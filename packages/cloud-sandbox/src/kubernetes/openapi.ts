/**
 * Just enough OpenAPI v3 for kubectl: it reads the PATCH operations of a
 * group-version to learn that the server validates fields itself (the
 * `fieldValidation` query parameter), so `kubectl apply` needs no local
 * schema. Schemas are left open (any properties).
 */
import {
  apiVersionOf,
  groups,
  RESOURCE_TYPES,
  type ResourceType,
} from './discovery';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiRoot() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, version] of [
    ['', 'v1'],
    ...groups().map(g => [
      g,
      RESOURCE_TYPES.find(t => t.group === g)?.version ?? 'v1',
    ]),
  ]) {
    const path = gvPath(group, version);
    paths[path] = {
      serverRelativeURL: `/openapi/v3/${path}?hash=SANDBOX${path
        .replace(/[^a-z0-9]/gi, '')
        .toUpperCase()}`,
    };
  }
  return { paths };
}

function schemaName(type: ResourceType): string {
  const group = type.group ? type.group.split('.')[0] : 'core';
  return `io.k8s.api.${group}.${type.version}.${type.kind}`;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map(
  name => ({
    name,
    in: 'query',
    schema: {
      type: name === 'force' ? 'boolean' : 'string',
      uniqueItems: true,
    },
  }),
);

export function openApiGroupVersion(path: string) {
  const types = RESOURCE_TYPES.filter(t => gvPath(t.group, t.version) === path);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const type of types) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const base = type.group
      ? `/apis/${type.group}/${type.version}`
      : `/api/${type.version}`;
    const item = type.namespaced
      ? `${base}/namespaces/{namespace}/${type.resource}/{name}`
      : `${base}/${type.resource}/{name}`;
    const ref = { $ref: `#/components/schemas/${schemaName(type)}` };
    paths[item] = {
      get: {
        operationId: `read${type.kind}`,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
        responses: {
          '200': {
            description: 'OK',
            content: { 'application/json': { schema: ref } },
          },
        },
      },
      patch: {
        operationId: `patch${type.kind}`,
        parameters: QUERY_PARAMS,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        requestBody: {
          content: {
            'application/apply-patch+yaml': { schema: { type: 'object' } },
          },
        },
        responses: {
          '200': {
            description: 'OK',
            content: { 'application/json': { schema: ref } },
          },
        },
      },
    };
    schemas[schemaName(type)] = {
      type: 'object',
      description: `${type.kind} (${apiVersionOf(
        type,
      )}) as served by the Envkit cloud sandbox`,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
      },
      additionalProperties: true,
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (Envkit cloud sandbox)', version: 'v1.31.0' },
    paths,
    components: { schemas },
  };
}
