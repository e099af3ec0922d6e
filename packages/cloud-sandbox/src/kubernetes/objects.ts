/**
 * Per-kind defaulting and validation done when objects are written, as the
 * API server's registry strategies do.
 */
import { uuid } from '../util/ids';
import { rfc3339 } from '../util/time';
import { apiVersionOf, type ResourceType } from './discovery';
import { badRequest, invalid, type StatusCause } from './status';
import type { KubeObject } from './store';

/** A DNS-1123 label; a subdomain is labels joined by dots (as apimachinery). */
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(
  `^${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*$`,
);

/** Types without a `generation` (no spec whose changes are observed). */
const NO_GENERATION = new Set([
  'namespaces',
  'serviceaccounts',
  'configmaps',
  'secrets',
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
]);

export function validateIdentity(
  type: ResourceType,
  object: unknown,
  urlNamespace?: string,
  urlName?: string,
): KubeObject {
  if (!object || typeof object !== 'object' || Array.isArray(object)) {
    throw badRequest(
      'the body of the request could not be decoded as an object',
    );
  }
  const obj = object as KubeObject;
  if (obj.apiVersion !== apiVersionOf(type) || obj.kind !== type.kind) {
    throw badRequest(
      `the API version in the data (${
        obj.apiVersion
      }) does not match the expected API version (${apiVersionOf(type)})`,
    );
  }
  obj.metadata = obj.metadata ?? ({} as KubeObject['metadata']);
  const name = obj.metadata.name ?? urlName ?? '';
  if (urlName && obj.metadata.name && obj.metadata.name !== urlName) {
    throw badRequest(
      'the name of the object does not match the name on the URL',
    );
  }
  obj.metadata.name = name;
  if (type.namespaced) {
    if (
      obj.metadata.namespace &&
      urlNamespace &&
      obj.metadata.namespace !== urlNamespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace = urlNamespace ?? obj.metadata.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  const causes: StatusCause[] = [];
  if (!name) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    });
  } else {
    const label = type.resource === 'namespaces';
    const ok = label
      ? DNS1123_LABEL.test(name) && name.length <= 63
      : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
    if (
      !ok &&
      !(type.group === 'rbac.authorization.k8s.io' && /^[^/%]+$/.test(name))
    ) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: label
          ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
          : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      });
    }
  }
  causes.push(...kindSpecificCauses(type, obj));
  if (causes.length > 0) throw invalid(type.kind, type, name, causes);
  return obj;
}

function kindSpecificCauses(
  type: ResourceType,
  obj: KubeObject,
): StatusCause[] {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  switch (type.resource) {
    case 'deployments': {
      const causes: StatusCause[] = [];
      const selector = spec.selector as
        | { matchLabels?: Record<string, string> }
        | undefined;
      if (!selector)
        causes.push({
          reason: 'FieldValueRequired',
          field: 'spec.selector',
          message: 'Required value',
        });
      const template = spec.template as
        | { metadata?: { labels?: Record<string, string> } }
        | undefined;
      const labels = template?.metadata?.labels ?? {};
      const matches = Object.entries(selector?.matchLabels ?? {}).every(
        ([k, v]) => labels[k] === v,
      );
      if (selector && !matches) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'spec.template.metadata.labels',
          message: `Invalid value: ${JSON.stringify(
            labels,
          )}: \`selector\` does not match template \`labels\``,
        });
      }
      if (typeof spec.replicas === 'number' && spec.replicas < 0) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'spec.replicas',
          message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0`,
        });
      }
      return causes;
    }
    case 'rolebindings':
    case 'clusterrolebindings':
      return obj.roleRef
        ? []
        : [
            {
              reason: 'FieldValueRequired',
              field: 'roleRef.kind',
              message:
                'Unsupported value: "": supported values: "Role", "ClusterRole"',
            },
          ];
    default:
      return [];
  }
}

/** Fills server-set metadata and per-kind defaults on create. */
export function defaultOnCreate(
  type: ResourceType,
  obj: KubeObject,
  serviceIp: () => string,
): KubeObject {
  const meta = obj.metadata;
  meta.uid = uuid();
  meta.creationTimestamp = rfc3339(new Date());
  if (!NO_GENERATION.has(type.resource)) meta.generation = 1;
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  switch (type.resource) {
    case 'namespaces':
      meta.labels = {
        ...meta.labels,
        'kubernetes.io/metadata.name': meta.name,
      };
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      break;
    case 'services': {
      const ports = (spec.ports as Record<string, unknown>[] | undefined) ?? [];
      obj.spec = {
        type: 'ClusterIP',
        sessionAffinity: 'None',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        ...spec,
        clusterIP: spec.clusterIP ?? serviceIp(),
        ports: ports.map(p => ({ protocol: 'TCP', targetPort: p.port, ...p })),
      };
      obj.spec = {
        ...(obj.spec as Record<string, unknown>),
        clusterIPs: [(obj.spec as Record<string, unknown>).clusterIP],
      };
      obj.status = { loadBalancer: {} };
      break;
    }
    case 'deployments':
      obj.spec = {
        replicas: 1,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
        },
        ...spec,
      };
      obj.status = {};
      break;
    case 'resourcequotas':
      obj.status = {
        hard: (spec.hard as Record<string, string>) ?? {},
        used: {},
      };
      break;
    case 'ingresses':
      obj.status = { loadBalancer: {} };
      break;
    case 'pods':
      // Nothing schedules a pod created directly; it waits, holding quota.
      obj.status = { phase: 'Pending' };
      break;
    default:
  }
  return obj;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * What the API server does to a Secret on every write: `data` values must be
 * base64 (they are bytes on the wire), keys must be config keys,
 * `stringData` is merged into `data` and never stored, `type` defaults to
 * `Opaque` and cannot change afterwards. Other kinds pass unchanged.
 */
export function prepareForWrite(
  type: ResourceType,
  obj: KubeObject,
  before?: KubeObject,
): KubeObject {
  if (type.resource !== 'secrets') return obj;
  const data = (obj.data ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' || !BASE64.test(value)) {
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (data[${key}])`,
      );
    }
  }
  const stringData = (obj.stringData ?? {}) as Record<string, unknown>;
  const merged: Record<string, string> = {
    ...(data as Record<string, string>),
  };
  for (const [key, value] of Object.entries(stringData)) {
    merged[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  const causes: StatusCause[] = Object.keys(merged)
    .filter(key => !CONFIG_KEY.test(key))
    .map(key => ({
      reason: 'FieldValueInvalid',
      field: `data[${key}]`,
      message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    }));
  const secretType =
    typeof obj.type === 'string' && obj.type ? obj.type : 'Opaque';
  if (before && before.type !== secretType) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'type',
      message: `Invalid value: "${secretType}": field is immutable`,
    });
  }
  if (causes.length) throw invalid(type.kind, type, obj.metadata.name, causes);
  const { stringData: _dropped, ...rest } = obj;
  const out: KubeObject = { ...rest, type: secretType } as KubeObject;
  if (Object.keys(merged).length) out.data = merged;
  else delete out.data;
  return out;
}

/** Generation moves when anything but metadata and status changes. */
export function specChanged(before: KubeObject, after: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return JSON.stringify(rest);
  };
  return strip(before) !== strip(after);
}
