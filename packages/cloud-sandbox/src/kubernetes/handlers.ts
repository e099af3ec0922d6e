/**
 * The Kubernetes REST API over the object store: discovery, CRUD, list with
 * selectors, watch, server-side apply, merge/JSON patches and Status errors.
 */
import { applyPatch, JsonPatchError, type Operation } from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import {
  header,
  json,
  type SandboxRequest,
  type SandboxResponse,
} from '../http';
import {
  forbidden,
  rbacAllows,
  ServiceAccountTokens,
  TOKEN_ISSUER,
  type ServiceAccountUser,
} from './access';
import { serverSideApply, mergePatch, recordUpdate } from './apply';
import type { KubeControllers } from './controllers';
import {
  coreVersions,
  findType,
  groupDocument,
  groupList,
  resourceList,
  apiVersionOf,
  versionInfo,
  STATUS_SUBRESOURCE,
  type ResourceType,
} from './discovery';
import {
  defaultOnCreate,
  prepareForWrite,
  specChanged,
  validateIdentity,
} from './objects';
import { openApiGroupVersion, openApiRoot } from './openapi';
import { listLimit, ListPagination } from './pagination';
import { fieldSelector, labelSelector } from './selectors';
import {
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  KubeError,
  methodNotAllowed,
  namespaceNotFound,
  namespaceTerminating,
  notFound,
  pathNotFound,
  success,
  unsupportedMediaType,
} from './status';
import { clone, type KubeObject, type KubeStore } from './store';
import { toTable, wantsTable } from './table';

const NAMESPACES = findType('', 'v1', 'namespaces') as ResourceType;

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Parses `/api/v1/...` and `/apis/<g>/<v>/...` resource paths. */
export function parseRoute(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean);
  let groupName: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    [groupName, version, rest] = ['', parts[1], parts.slice(2)];
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    [groupName, version, rest] = [parts[1], parts[2], parts.slice(3)];
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  // `/namespaces/<ns>/<resource>` is namespaced content unless the third
  // segment is a namespace subresource (`/namespaces/<ns>/status`).
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    findType(groupName, version, rest[2])
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = findType(groupName, version, rest[0]);
  if (!type) return undefined;
  return { type, namespace, name: rest[1], subresource: rest[2] };
}

/** The action name used for call counters and fault rules. */
export function kubernetesAction(method: string, url: URL): string {
  const route = parseRoute(url.pathname);
  if (!route) return 'discovery';
  const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  const verbs: Record<string, string> = {
    GET: route.name ? 'get' : 'list',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: route.name ? 'delete' : 'deletecollection',
  };
  const verb =
    method === 'GET' && !route.name && watch
      ? 'watch'
      : verbs[method] ?? method.toLowerCase();
  return `${verb} ${route.type.resource}`;
}

function errorResponse(error: KubeError): SandboxResponse {
  return json(error.status.code, error.status, error.headers);
}

function parseBody(req: SandboxRequest): unknown {
  const contentType = (
    header(req.headers, 'content-type') ?? 'application/json'
  )
    .split(';')[0]
    .trim();
  const text = req.body.toString('utf8');
  if (contentType.includes('protobuf')) throw unsupportedMediaType(contentType);
  try {
    if (contentType === 'application/json' || contentType.endsWith('+json'))
      return JSON.parse(text);
    if (contentType === 'application/yaml' || contentType.endsWith('+yaml'))
      return parseYaml(text);
  } catch (error) {
    throw badRequest(
      `the body of the request could not be decoded: ${
        (error as Error).message
      }`,
    );
  }
  throw unsupportedMediaType(contentType);
}

let serviceIpCounter = 10;
function nextServiceIp(): string {
  serviceIpCounter += 1;
  return `10.96.${Math.floor(serviceIpCounter / 250)}.${
    (serviceIpCounter % 250) + 1
  }`;
}

/** Shortest and longest TokenRequest lifetimes the API server accepts. */
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

export class KubernetesApi {
  private readonly tokens: ServiceAccountTokens;
  private readonly pages = new ListPagination();

  constructor(
    private readonly store: KubeStore,
    private readonly controllers: KubeControllers,
    private readonly serverUrl: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tokens = new ServiceAccountTokens(now);
  }

  handle(req: SandboxRequest): SandboxResponse | undefined {
    try {
      const user = this.tokens.authenticate(
        header(req.headers, 'authorization'),
        this.store,
      );
      if (user) this.authorize(req, user);
      return this.route(req);
    } catch (error) {
      if (error instanceof KubeError) return errorResponse(error);
      throw error;
    }
  }

  private route(req: SandboxRequest): SandboxResponse | undefined {
    const path = req.url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET') {
      const discovery = this.discovery(path);
      if (discovery) return discovery;
    }
    const route = parseRoute(path);
    if (!route) return json(404, pathNotFound().status);
    if (
      route.subresource === 'token' &&
      route.type.resource === 'serviceaccounts' &&
      route.name
    ) {
      if (req.method !== 'POST') throw methodNotAllowed();
      return this.requestToken(req, route.namespace, route.name);
    }
    if (route.subresource && route.subresource !== 'status')
      return json(404, pathNotFound().status);
    const namespace = route.type.namespaced ? route.namespace : undefined;
    switch (req.method) {
      case 'GET':
        if (route.name) return this.get(route.type, namespace, route.name);
        if (['true', '1'].includes(req.url.searchParams.get('watch') ?? '')) {
          this.watch(req, route.type, namespace);
          return undefined;
        }
        return this.list(req, route.type, namespace);
      case 'POST':
        if (route.name) throw methodNotAllowed();
        return this.create(req, route.type, namespace);
      case 'PUT':
        if (!route.name) throw methodNotAllowed();
        return this.update(req, route, namespace, route.name);
      case 'PATCH':
        if (!route.name) throw methodNotAllowed();
        return this.patch(req, route, namespace, route.name);
      case 'DELETE':
        return route.name
          ? this.delete(route.type, namespace, route.name)
          : this.deleteCollection(req, route.type, namespace);
      default:
        throw methodNotAllowed();
    }
  }

  /**
   * RBAC for callers holding an issued ServiceAccount token. Discovery and
   * other non-resource paths are open to every authenticated caller, as the
   * `system:discovery` ClusterRole makes them on a real cluster.
   */
  private authorize(req: SandboxRequest, user: ServiceAccountUser): void {
    const route = parseRoute(req.url.pathname.replace(/\/+$/, '') || '/');
    if (!route) return;
    const action = kubernetesAction(req.method, req.url);
    const verb = action.split(' ')[0];
    const request = {
      verb,
      group: route.type.group,
      resource: route.subresource
        ? `${route.type.resource}/${route.subresource}`
        : route.type.resource,
      namespace: route.type.namespaced ? route.namespace : undefined,
      name: route.name,
    };
    if (!rbacAllows(this.store, user, request)) throw forbidden(user, request);
  }

  /** The TokenRequest API: a bound token for the ServiceAccount. */
  private requestToken(
    req: SandboxRequest,
    namespace: string | undefined,
    name: string,
  ): SandboxResponse {
    const type = findType('', 'v1', 'serviceaccounts') as ResourceType;
    const body = (parseBody(req) ?? {}) as Record<string, any>;
    const spec = (body.spec ?? {}) as Record<string, any>;
    const expirationSeconds =
      spec.expirationSeconds === undefined || spec.expirationSeconds === null
        ? 3600
        : Number(spec.expirationSeconds);
    if (!Number.isInteger(expirationSeconds)) {
      throw invalid('TokenRequest', type, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(
            spec.expirationSeconds,
          )}: must be an integer`,
          field: 'spec.expirationSeconds',
        },
      ]);
    }
    if (expirationSeconds < MIN_TOKEN_SECONDS) {
      throw invalid('TokenRequest', type, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`,
          field: 'spec.expirationSeconds',
        },
      ]);
    }
    if (expirationSeconds > MAX_TOKEN_SECONDS) {
      throw invalid('TokenRequest', type, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds`,
          field: 'spec.expirationSeconds',
        },
      ]);
    }
    const account = this.existing(type, namespace, name);
    const audiences =
      Array.isArray(spec.audiences) && spec.audiences.length
        ? spec.audiences.map(String)
        : [TOKEN_ISSUER];
    const issued = this.tokens.issue(account, expirationSeconds, audiences);
    return json(201, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {
        name,
        namespace,
        creationTimestamp: this.now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      },
      spec: {
        audiences,
        expirationSeconds,
        boundObjectRef: spec.boundObjectRef ?? null,
      },
      status: issued,
    });
  }

  private discovery(path: string): SandboxResponse | undefined {
    if (path === '/version') return json(200, versionInfo());
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      return { status: 200, contentType: 'text/plain', body: 'ok' };
    }
    if (path === '/api')
      return json(200, coreVersions(new URL(this.serverUrl()).host));
    if (path === '/apis') return json(200, groupList());
    if (path === '/openapi/v3') return json(200, openApiRoot());
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiGroupVersion(path.slice('/openapi/v3/'.length));
      return doc ? json(200, doc) : json(404, pathNotFound().status);
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2) {
      const list = resourceList('', parts[1]);
      return list ? json(200, list) : json(404, pathNotFound().status);
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = groupDocument(parts[1]);
      return g ? json(200, g) : json(404, pathNotFound().status);
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const list = resourceList(parts[1], parts[2]);
      return list ? json(200, list) : json(404, pathNotFound().status);
    }
    return undefined;
  }

  /** The stored object, or the API's 404 Status naming it. */
  private existing(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const obj = this.store.get(type, namespace, name);
    if (!obj) throw notFound(type, name);
    return obj;
  }

  private get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): SandboxResponse {
    return json(200, this.existing(type, namespace, name));
  }

  private matching(
    req: SandboxRequest,
    type: ResourceType,
    namespace: string | undefined,
  ): KubeObject[] {
    const labels = labelSelector(req.url.searchParams.get('labelSelector'));
    const fields = fieldSelector(req.url.searchParams.get('fieldSelector'));
    return this.store
      .list(type, namespace)
      .filter(o => labels(o.metadata.labels ?? {}) && fields(o.metadata));
  }

  private list(
    req: SandboxRequest,
    type: ResourceType,
    namespace: string | undefined,
  ): SandboxResponse {
    const params = req.url.searchParams;
    const labels = labelSelector(params.get('labelSelector'));
    const fields = fieldSelector(params.get('fieldSelector'));
    const page = this.pages.page({
      type,
      namespace,
      limit: listLimit(params.get('limit')),
      continueToken: params.get('continue'),
      selective: !!(params.get('labelSelector') || params.get('fieldSelector')),
      revision: this.store.currentRevision(),
      all: () => this.store.list(type, namespace),
      matches: o => labels(o.metadata.labels ?? {}) && fields(o.metadata),
    });
    const { items, resourceVersion } = page;
    const metadata = {
      resourceVersion,
      ...(page.continue ? { continue: page.continue } : {}),
      ...(page.remainingItemCount !== undefined
        ? { remainingItemCount: page.remainingItemCount }
        : {}),
    };
    if (wantsTable(header(req.headers, 'accept'))) {
      const table = toTable(
        type,
        items,
        resourceVersion,
        req.url.searchParams.get('includeObject'),
      );
      return {
        status: 200,
        contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io',
        body: JSON.stringify({ ...table, metadata }),
      };
    }
    return json(200, {
      kind: `${type.kind}List`,
      apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
      metadata,
      items,
    });
  }

  /** Streams watch events as newline-delimited JSON until timeoutSeconds. */
  private watch(
    req: SandboxRequest,
    type: ResourceType,
    namespace: string | undefined,
  ): void {
    const labels = labelSelector(req.url.searchParams.get('labelSelector'));
    const fields = fieldSelector(req.url.searchParams.get('fieldSelector'));
    const matches = (o: KubeObject) =>
      (!namespace || o.metadata.namespace === namespace) &&
      labels(o.metadata.labels ?? {}) &&
      fields(o.metadata);
    const res = req.res;
    res.writeHead(200, {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
    });
    // Clients wait for the headers before they consider the watch started.
    res.flushHeaders();
    const send = (eventType: string, object: KubeObject) =>
      res.write(`${JSON.stringify({ type: eventType, object })}\n`);
    const since = req.url.searchParams.get('resourceVersion');
    if (since && since !== '0') {
      for (const event of this.store.replay(Number(since))) {
        if (event.resource === type && matches(event.object))
          send(event.type, event.object);
      }
    } else {
      for (const obj of this.store.list(type, namespace).filter(matches))
        send('ADDED', obj);
    }
    const unsubscribe = this.store.subscribe(event => {
      if (event.resource === type && matches(event.object))
        send(event.type, event.object);
    });
    const timeoutSeconds = Math.min(
      Number(req.url.searchParams.get('timeoutSeconds') ?? '300') || 300,
      1800,
    );
    const timer = setTimeout(() => res.end(), timeoutSeconds * 1000);
    const close = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    res.on('close', close);
    req.raw.on('close', close);
  }

  /** Fails like the NamespaceLifecycle admission plugin. */
  private admitNamespace(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): void {
    if (!type.namespaced) return;
    if (!namespace)
      throw badRequest(
        'the server could not find the requested resource: namespace is required',
      );
    const ns = this.store.get(NAMESPACES, undefined, namespace);
    if (!ns) throw namespaceNotFound(namespace);
    if (ns.metadata.deletionTimestamp)
      throw namespaceTerminating(type, name, namespace);
  }

  private manager(req: SandboxRequest): string {
    const explicit = req.url.searchParams.get('fieldManager');
    if (explicit) return explicit;
    const agent = header(req.headers, 'user-agent') ?? 'unknown';
    return agent.split('/')[0] || 'unknown';
  }

  /** Stores `obj` and lets the controllers react, as after any write. */
  private write(type: ResourceType, obj: KubeObject, created: boolean) {
    const stored = this.store.put(type, obj);
    this.controllers.afterWrite(type, stored, created);
    return stored;
  }

  private create(
    req: SandboxRequest,
    type: ResourceType,
    namespace: string | undefined,
  ): SandboxResponse {
    const obj = validateIdentity(type, parseBody(req), namespace);
    return json(201, this.createValidated(req, type, obj, false));
  }

  private createValidated(
    req: SandboxRequest,
    type: ResourceType,
    obj: KubeObject,
    applied: boolean,
  ): KubeObject {
    const name = obj.metadata.name;
    this.admitNamespace(type, obj.metadata.namespace, name);
    const existing = this.store.get(type, obj.metadata.namespace, name);
    if (existing)
      throw alreadyExists(type, name, !!existing.metadata.deletionTimestamp);
    delete (obj.metadata as Record<string, unknown>).resourceVersion;
    const created = defaultOnCreate(
      type,
      prepareForWrite(type, obj),
      nextServiceIp,
    );
    if (!applied)
      created.metadata.managedFields = recordUpdate(
        undefined,
        created,
        this.manager(req),
      );
    if (req.url.searchParams.get('dryRun') === 'All') return created;
    return this.write(type, created, true);
  }

  private replace(
    type: ResourceType,
    before: KubeObject,
    written: KubeObject,
  ): KubeObject {
    const after = prepareForWrite(type, written, before);
    if (STATUS_SUBRESOURCE.has(type.resource)) after.status = before.status;
    const kept = after.metadata as Record<string, unknown>;
    for (const k of [
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'generation',
    ]) {
      if (before.metadata[k] !== undefined) kept[k] = before.metadata[k];
      else delete kept[k];
    }
    if (
      before.metadata.generation !== undefined &&
      specChanged(before, after)
    ) {
      after.metadata.generation = before.metadata.generation + 1;
    }
    // A no-op write keeps the resourceVersion, as on the real server.
    if (contentOf(after) === contentOf(before)) return before;
    return this.write(type, after, false);
  }

  /**
   * Stores `next` in place of `existing`, as PUT and PATCH do; through the
   * status subresource only the status changes.
   */
  private writeOver(
    req: SandboxRequest,
    route: Route,
    existing: KubeObject,
    next: KubeObject,
  ): SandboxResponse {
    if (route.subresource === 'status') {
      const onlyStatus = clone(existing);
      onlyStatus.status = next.status;
      return json(200, this.replace(route.type, existing, onlyStatus));
    }
    next.metadata.managedFields = recordUpdate(
      existing,
      next,
      this.manager(req),
    );
    return json(200, this.replace(route.type, existing, next));
  }

  private update(
    req: SandboxRequest,
    route: Route,
    namespace: string | undefined,
    name: string,
  ): SandboxResponse {
    const obj = validateIdentity(route.type, parseBody(req), namespace, name);
    const existing = this.existing(route.type, namespace, name);
    if (
      obj.metadata.resourceVersion &&
      obj.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(route.type, name);
    }
    return this.writeOver(req, route, existing, obj);
  }

  private patch(
    req: SandboxRequest,
    route: Route,
    namespace: string | undefined,
    name: string,
  ): SandboxResponse {
    const { type } = route;
    const contentType = (header(req.headers, 'content-type') ?? '')
      .split(';')[0]
      .trim();
    if (contentType === 'application/apply-patch+yaml')
      return this.apply(req, type, namespace, name);
    const patch = parseBody(req);
    const existing = this.existing(type, namespace, name);
    let next: KubeObject;
    if (
      contentType === 'application/merge-patch+json' ||
      contentType === 'application/strategic-merge-patch+json'
    ) {
      // Strategic merge patch is treated as a JSON merge patch (lists replace).
      next = mergePatch(existing, patch) as KubeObject;
    } else if (contentType === 'application/json-patch+json') {
      next = applyJsonPatch(existing, patch);
    } else {
      throw unsupportedMediaType(contentType);
    }
    next.metadata.name = name;
    if (type.namespaced) next.metadata.namespace = namespace;
    return this.writeOver(req, route, existing, next);
  }

  private apply(
    req: SandboxRequest,
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): SandboxResponse {
    const manager = req.url.searchParams.get('fieldManager');
    if (!manager) {
      throw invalid(
        'PatchOptions.meta.k8s.io',
        { ...type, group: 'meta.k8s.io' },
        '',
        [
          {
            reason: 'FieldValueRequired',
            field: 'fieldManager',
            message: 'Required value: is required for apply patch',
          },
        ],
      );
    }
    const config = validateIdentity(type, parseBody(req), namespace, name);
    const force = req.url.searchParams.get('force') === 'true';
    const existing = this.store.get(type, namespace, name);
    const merged = serverSideApply(existing, config, { manager, force });
    if (!existing)
      return json(201, this.createValidated(req, type, merged, true));
    return json(200, this.replace(type, existing, merged));
  }

  private delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): SandboxResponse {
    const existing = this.existing(type, namespace, name);
    if (type.resource === 'namespaces') {
      if (existing.metadata.deletionTimestamp) return json(200, existing);
      return json(200, this.controllers.beginNamespaceDeletion(existing));
    }
    this.store.remove(type, existing);
    if (existing.metadata.namespace)
      this.controllers.afterDelete(existing.metadata.namespace);
    return json(200, success(type, name, existing.metadata.uid));
  }

  private deleteCollection(
    req: SandboxRequest,
    type: ResourceType,
    namespace: string | undefined,
  ): SandboxResponse {
    const items = this.matching(req, type, namespace);
    for (const item of items) {
      if (type.resource === 'namespaces')
        this.controllers.beginNamespaceDeletion(item);
      else this.store.remove(type, item);
    }
    if (namespace) this.controllers.afterDelete(namespace);
    return json(200, {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata: {},
      items,
    });
  }
}

/** An object's JSON without the fields every write changes. */
function contentOf(obj: KubeObject): string {
  return JSON.stringify({
    ...obj,
    metadata: {
      ...obj.metadata,
      managedFields: undefined,
      resourceVersion: undefined,
    },
  });
}

/**
 * RFC 6902 JSON patch, answered as the API server does: a failed `test` is
 * 422 Invalid, an operation that does not fit the document is 400.
 */
function applyJsonPatch(target: KubeObject, patch: unknown): KubeObject {
  if (!Array.isArray(patch))
    throw badRequest('json patch must be an array of operations');
  try {
    return applyPatch(clone(target), patch as Operation[], true, true)
      .newDocument;
  } catch (e) {
    if (!(e instanceof JsonPatchError)) throw e;
    const operation = (e.operation ?? {}) as Partial<Operation>;
    if (e.name === 'TEST_OPERATION_FAILED') {
      throw new KubeError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the server rejected our request due to an error in our request`,
        reason: 'Invalid',
        code: 422,
      });
    }
    if (e.name === 'OPERATION_OP_INVALID') {
      throw badRequest(`Unexpected kind: ${operation.op}`);
    }
    throw badRequest(
      `jsonpatch ${operation.op} operation does not apply: doc is missing path: ${operation.path}`,
    );
  }
}
