/**
 * Chunked lists (`limit` and `continue`), served the way the API server
 * serves them from etcd: every page of one list comes from the state at the
 * resourceVersion of the first page, the continue token is opaque to the
 * client (here, as on a real server, base64 JSON of that resourceVersion and
 * the key to start after), and a token whose state is gone answers
 * 410 Gone with reason `Expired`.
 */
import type { ResourceType } from './discovery';
import { badRequest, KubeError } from './status';
import type { KubeObject } from './store';

/** How long the state behind a continue token is kept (etcd's default compaction interval). */
const KEPT_MS = 5 * 60_000;
/** At most this many listed states are kept at once; the oldest goes first. */
const MAX_KEPT = 64;

interface Token {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

const keyOf = (o: KubeObject) =>
  `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** The real server starts the next page at the last key plus a NUL byte. */
const NUL = String.fromCharCode(0);

function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function encode(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decode(text: string): Token {
  let token: Partial<Token>;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch (e) {
    throw badRequest(`continue key is not valid: ${(e as Error).message}`);
  }
  if (token?.v !== 'meta.k8s.io/v1') {
    throw badRequest(
      'continue key is not valid: server does not recognize this encoded key',
    );
  }
  if (typeof token.rv !== 'number' || token.rv <= 0) {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (typeof token.start !== 'string' || !token.start) {
    throw badRequest(
      'continue key is not valid: encoded start key cannot be empty',
    );
  }
  return token as Token;
}

function expired(): KubeError {
  return new KubeError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    reason: 'Expired',
    code: 410,
  });
}

/** Parses `limit` as the API server does: anything but a positive integer means no limit. */
export function listLimit(raw: string | null): number | undefined {
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  const limit = Number(raw);
  return limit > 0 ? limit : undefined;
}

export class ListPagination {
  /** `${rv}|${resource}|${namespace}` → the sorted objects at that revision. */
  private readonly kept = new Map<
    string,
    { items: KubeObject[]; until: number }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * One page of a list. `all` gives every object of the type (in key order)
   * as it is now, `revision` the store's current resourceVersion; `matches`
   * applies the request's selectors.
   */
  page(options: {
    type: ResourceType;
    namespace: string | undefined;
    limit: number | undefined;
    continueToken: string | null;
    selective: boolean;
    revision: string;
    all: () => KubeObject[];
    matches: (o: KubeObject) => boolean;
  }): ListPage {
    this.forgetOld();
    const scope = `${options.type.group}/${options.type.resource}|${
      options.namespace ?? ''
    }`;
    let rv = Number(options.revision);
    let items: KubeObject[];
    let start = '';
    if (options.continueToken) {
      const token = decode(options.continueToken);
      const kept = this.kept.get(`${token.rv}|${scope}`);
      if (!kept) throw expired();
      rv = token.rv;
      items = kept.items;
      start = token.start;
    } else {
      // etcd keeps keys in byte order; pages follow it.
      items = options
        .all()
        .map(o => ({ o, k: keyOf(o) }))
        .sort((a, b) => compareKeys(a.k, b.k))
        .map(({ o }) => o);
    }
    const from = start.endsWith(NUL) ? start.slice(0, -1) : start;
    const after = start ? items.filter(o => keyOf(o) > from) : items;
    const matching = after.filter(options.matches);
    const { limit } = options;
    if (limit === undefined || matching.length <= limit) {
      return { items: matching, resourceVersion: String(rv) };
    }
    const page = matching.slice(0, limit);
    const last = keyOf(page[page.length - 1]);
    if (!options.continueToken) this.keep(`${rv}|${scope}`, items);
    const remaining = after.filter(o => keyOf(o) > last).length;
    return {
      items: page,
      resourceVersion: String(rv),
      continue: encode({ v: 'meta.k8s.io/v1', rv, start: `${last}${NUL}` }),
      // The server leaves the count out when selectors filter the list.
      ...(options.selective ? {} : { remainingItemCount: remaining }),
    };
  }

  private keep(key: string, items: KubeObject[]) {
    this.kept.set(key, { items, until: this.now() + KEPT_MS });
    while (this.kept.size > MAX_KEPT) {
      this.kept.delete(this.kept.keys().next().value!);
    }
  }

  private forgetOld() {
    const now = this.now();
    for (const [key, { until }] of this.kept) {
      if (until <= now) this.kept.delete(key);
    }
  }
}
