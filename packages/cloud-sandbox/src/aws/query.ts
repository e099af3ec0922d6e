/**
 * Helpers for the AWS query protocol: form-encoded requests with flattened
 * lists (`Parameters.member.1.ParameterKey=…`) and XML responses whose
 * lists are `<member>` elements.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { requestId } from '../util/ids';

export type QueryParams = Map<string, string>;

export function parseForm(body: string): QueryParams {
  const params = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
  return params;
}

/** `Capabilities.member.1=…` → `['…']` */
export function readList(params: QueryParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) {
    out.push(params.get(`${name}.member.${i}`) as string);
  }
  return out;
}

/** `Tags.member.1.Key=a&Tags.member.1.Value=b` → `[{ Key: 'a', Value: 'b' }]` */
export function readStructList(
  params: QueryParams,
  name: string,
): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  const prefix = `${name}.member.`;
  for (const [key, value] of params) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const index = Number(rest.slice(0, dot));
    const field = rest.slice(dot + 1);
    const entry = byIndex.get(index) ?? {};
    entry[field] = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
}

export type XmlValue =
  | string
  | number
  | boolean
  | undefined
  | null
  | XmlValue[]
  | { [key: string]: XmlValue };

type XmlTree = string | XmlTree[] | { [key: string]: XmlTree };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  suppressEmptyNode: false,
});

/** Escapes text for XML (and HTML) element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * The query protocol's shape of a value for the XML builder: lists become
 * `<member>` elements, missing values are left out, scalars become text.
 */
function toTree(value: XmlValue): XmlTree | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const members = value.map(toTree).filter(v => v !== undefined);
    return members.length ? { member: members } : '';
  }
  if (typeof value === 'object') {
    const out: { [key: string]: XmlTree } = {};
    for (const [key, child] of Object.entries(value)) {
      const tree = toTree(child);
      if (tree !== undefined) out[key] = tree;
    }
    return out;
  }
  return String(value);
}

function xmlDocument(root: string, namespace: string, body: XmlTree): string {
  const tree = typeof body === 'object' ? body : { '#text': body };
  return builder.build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    [root]: { '@xmlns': namespace, ...tree },
  });
}

export const CLOUDFORMATION_NS =
  'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export function xmlResponse(
  action: string,
  result: Record<string, XmlValue> | undefined,
  namespace: string,
  id: string = requestId(),
): string {
  const body = result ? { [`${action}Result`]: toTree(result)! } : {};
  return xmlDocument(`${action}Response`, namespace, {
    ...body,
    ResponseMetadata: { RequestId: id },
  });
}

/**
 * A query-protocol response whose result is given as the element tree
 * itself: repeated elements are arrays under their own name, for the
 * services whose lists are not `<member>`s (RDS's `<DBInstance>`, SQS's
 * flattened `<Attribute>`s).
 */
export function xmlElementsResponse(
  action: string,
  result: Record<string, unknown>,
  namespace: string,
  id: string = requestId(),
): string {
  return xmlDocument(`${action}Response`, namespace, {
    [`${action}Result`]: result as XmlTree,
    ResponseMetadata: { RequestId: id },
  });
}

export function xmlError(
  code: string,
  message: string,
  namespace: string,
  type: 'Sender' | 'Receiver' = 'Sender',
  id: string = requestId(),
): string {
  return xmlDocument('ErrorResponse', namespace, {
    Error: { Type: type, Code: code, Message: message },
    RequestId: id,
  });
}

/** An error a handler throws to answer with an AWS error document. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}
