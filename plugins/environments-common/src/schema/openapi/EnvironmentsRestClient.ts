/* eslint-disable new-cap -- openapi-fetch names its methods after the HTTP verbs (GET, POST, …) */
import { ResponseError } from '@backstage/errors';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated';
import type { CreateEnvironmentRequest } from '../../createRequest';
import type {
  Environment,
  EnvironmentEvent,
  EnvironmentKubeconfig,
  EnvironmentNameAvailability,
  EnvironmentPreview,
  EnvironmentsHealth,
  EnvironmentSummary,
  EnvironmentTemplateSummary,
  ListEnvironmentsQuery,
  ListEnvironmentsResponse,
} from '../../environment';

/**
 * Every operation of the environments REST API (`/api/environments`), one
 * method each, typed by the code generated from `openapi.yaml`. List
 * operations whose answer is only `{ items }` resolve to the items.
 *
 * @public
 */
export interface EnvironmentsRestApi {
  getHealth(): Promise<EnvironmentsHealth>;
  listEnvironments(
    query?: ListEnvironmentsQuery,
  ): Promise<ListEnvironmentsResponse>;
  getEnvironment(id: string): Promise<Environment>;
  createEnvironment(
    request: CreateEnvironmentRequest,
    options?: { idempotencyKey?: string },
  ): Promise<Environment>;
  previewEnvironment(
    request: CreateEnvironmentRequest,
  ): Promise<EnvironmentPreview>;
  /** Whether a new environment could take `name` now, and why not. */
  checkEnvironmentName(name: string): Promise<EnvironmentNameAvailability>;
  updateEnvironmentInputs(
    id: string,
    inputs: Record<string, unknown>,
  ): Promise<Environment>;
  getEnvironmentEvents(id: string): Promise<EnvironmentEvent[]>;
  /** Sets the expiry to `ttl` (an ISO-8601 duration) from now. */
  extendEnvironment(id: string, ttl: string): Promise<Environment>;
  upgradeEnvironment(id: string): Promise<Environment>;
  redeployEnvironment(id: string): Promise<Environment>;
  /** Applies a Failed or Degraded environment's spec again. */
  retryEnvironment(id: string): Promise<Environment>;
  /**
   * Wake now: awake until the schedule's next change; with `tonight`, Keep
   * awake tonight (through the next sleep).
   */
  wakeEnvironment(
    id: string,
    options?: { tonight?: boolean },
  ): Promise<Environment>;
  destroyEnvironment(id: string): Promise<Environment>;
  /** Approves a request waiting in AwaitingApproval. */
  approveEnvironment(id: string, reason?: string): Promise<Environment>;
  /** Rejects a request waiting in AwaitingApproval; `reason` is required. */
  rejectEnvironment(id: string, reason: string): Promise<Environment>;
  /** The requests waiting for the caller's decision, oldest first. */
  listApprovals(): Promise<EnvironmentSummary[]>;
  /** A kubeconfig for a namespace environment (`environment.access`). */
  getEnvironmentKubeconfig(
    id: string,
    options?: { expirationSeconds?: number },
  ): Promise<EnvironmentKubeconfig>;
  listTemplates(): Promise<EnvironmentTemplateSummary[]>;
  getTemplate(
    namespace: string,
    name: string,
  ): Promise<EnvironmentTemplateSummary>;
}

/**
 * Where the client finds the backend and how it sends requests: the shapes
 * of Backstage's `DiscoveryApi`/`FetchApi` (frontend) and of a backend's
 * `DiscoveryService` with a fetch that adds a token.
 *
 * @public
 */
export interface EnvironmentsRestClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
}

const LIST_QUERY_KEYS = [
  'owner',
  'template',
  'component',
  'phase',
  'cursor',
  'limit',
] as const satisfies ReadonlyArray<keyof ListEnvironmentsQuery>;

/** The actions at `POST /environments/{id}/<action>`. */
type EnvironmentAction =
  | 'extend'
  | 'upgrade'
  | 'redeploy'
  | 'retry'
  | 'wake'
  | 'approve'
  | 'reject';

/**
 * {@link EnvironmentsRestApi} over the client generated from `openapi.yaml`
 * (openapi-fetch). Rejects with a `ResponseError` when the backend answers
 * with an error status.
 *
 * @public
 */
export class EnvironmentsRestClient implements EnvironmentsRestApi {
  private readonly discoveryApi: EnvironmentsRestClientOptions['discoveryApi'];
  private readonly fetchFn: typeof fetch;

  constructor(options: EnvironmentsRestClientOptions) {
    this.discoveryApi = options.discoveryApi;
    const fetchApi = options.fetchApi;
    // Late-bound so tests and polyfills that replace the global still apply.
    this.fetchFn = fetchApi
      ? (input, init) => fetchApi.fetch(input, init)
      : (input, init) => fetch(input, init);
  }

  async getHealth(): Promise<EnvironmentsHealth> {
    const client = await this.client();
    return unwrap(await client.GET('/health'));
  }

  async listEnvironments(
    query: ListEnvironmentsQuery = {},
  ): Promise<ListEnvironmentsResponse> {
    const client = await this.client();
    // Empty strings are unset filters, not filters on the empty value; a
    // fixed order keeps equal queries one URL (and one cache entry).
    const given = Object.fromEntries(
      LIST_QUERY_KEYS.flatMap(key =>
        query[key] === undefined || query[key] === ''
          ? []
          : [[key, query[key]]],
      ),
    ) as ListEnvironmentsQuery;
    return unwrap(
      await client.GET('/environments', { params: { query: given } }),
    );
  }

  async getEnvironment(id: string): Promise<Environment> {
    const client = await this.client();
    return unwrap(
      await client.GET('/environments/{id}', { params: { path: { id } } }),
    );
  }

  async createEnvironment(
    request: CreateEnvironmentRequest,
    options: { idempotencyKey?: string } = {},
  ): Promise<Environment> {
    const client = await this.client();
    const header = options.idempotencyKey
      ? { 'Idempotency-Key': options.idempotencyKey }
      : {};
    return unwrap(
      await client.POST('/environments', {
        params: { header },
        body: request,
      }),
    );
  }

  async previewEnvironment(
    request: CreateEnvironmentRequest,
  ): Promise<EnvironmentPreview> {
    const client = await this.client();
    return unwrap(
      await client.POST('/environments/preview', { body: request }),
    );
  }

  async checkEnvironmentName(
    name: string,
  ): Promise<EnvironmentNameAvailability> {
    const client = await this.client();
    return unwrap(
      await client.GET('/environment-names/{name}', {
        params: { path: { name } },
      }),
    );
  }

  async updateEnvironmentInputs(
    id: string,
    inputs: Record<string, unknown>,
  ): Promise<Environment> {
    const client = await this.client();
    return unwrap(
      await client.PATCH('/environments/{id}', {
        params: { path: { id } },
        body: { inputs },
      }),
    );
  }

  async getEnvironmentEvents(id: string): Promise<EnvironmentEvent[]> {
    const client = await this.client();
    const page = unwrap<{ items: EnvironmentEvent[] }>(
      await client.GET('/environments/{id}/events', {
        params: { path: { id } },
      }),
    );
    return page.items ?? [];
  }

  extendEnvironment(id: string, ttl: string): Promise<Environment> {
    return this.act('extend', id, { ttl });
  }

  upgradeEnvironment(id: string): Promise<Environment> {
    return this.act('upgrade', id);
  }

  redeployEnvironment(id: string): Promise<Environment> {
    return this.act('redeploy', id);
  }

  retryEnvironment(id: string): Promise<Environment> {
    return this.act('retry', id);
  }

  wakeEnvironment(
    id: string,
    options: { tonight?: boolean } = {},
  ): Promise<Environment> {
    return this.act('wake', id, { tonight: options.tonight ?? false });
  }

  async destroyEnvironment(id: string): Promise<Environment> {
    const client = await this.client();
    return unwrap(
      await client.DELETE('/environments/{id}', { params: { path: { id } } }),
    );
  }

  approveEnvironment(id: string, reason?: string): Promise<Environment> {
    return this.act('approve', id, reason ? { reason } : {});
  }

  async getEnvironmentKubeconfig(
    id: string,
    options: { expirationSeconds?: number } = {},
  ): Promise<EnvironmentKubeconfig> {
    const client = await this.client();
    const query =
      options.expirationSeconds === undefined
        ? {}
        : { expirationSeconds: options.expirationSeconds };
    return unwrap(
      await client.GET('/environments/{id}/kubeconfig', {
        params: { path: { id }, query },
      }),
    );
  }

  rejectEnvironment(id: string, reason: string): Promise<Environment> {
    return this.act('reject', id, { reason });
  }

  async listApprovals(): Promise<EnvironmentSummary[]> {
    const client = await this.client();
    const page = unwrap<{ items: EnvironmentSummary[] }>(
      await client.GET('/approvals'),
    );
    return page.items ?? [];
  }

  async listTemplates(): Promise<EnvironmentTemplateSummary[]> {
    const client = await this.client();
    const page = unwrap<{ items: EnvironmentTemplateSummary[] }>(
      await client.GET('/templates'),
    );
    return page.items ?? [];
  }

  async getTemplate(
    namespace: string,
    name: string,
  ): Promise<EnvironmentTemplateSummary> {
    const client = await this.client();
    return unwrap(
      await client.GET('/templates/{namespace}/{name}', {
        params: { path: { namespace, name } },
      }),
    );
  }

  /**
   * `POST /environments/{id}/<action>`, answered with the environment; the
   * public methods type each action's body.
   */
  private async act(
    action: EnvironmentAction,
    id: string,
    body?: Record<string, unknown>,
  ): Promise<Environment> {
    const client = await this.client();
    return unwrap(
      await client.POST(`/environments/{id}/${action}`, {
        params: { path: { id } },
        ...(body && { body }),
      }),
    );
  }

  /** A generated client on the current base URL, which discovery may move. */
  private async client(): Promise<Client<paths>> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environments');
    const client = createClient<paths>({
      baseUrl,
      // Handed on as URL and init rather than as the Request itself: the
      // app's fetch middleware builds a Request of its own from what it is
      // given, and a Request whose body another one has taken can't be
      // built from again ("already been used") — every call with a body
      // failed in the browser.
      fetch: async request =>
        this.fetchFn(request.url, {
          method: request.method,
          headers: request.headers,
          body:
            request.method === 'GET' || request.method === 'HEAD'
              ? undefined
              : await request.text(),
          signal: request.signal,
        }),
    });
    // Before openapi-fetch reads the body, so ResponseError gets it whole.
    client.use({
      async onResponse({ response }) {
        if (!response.ok) throw await ResponseError.fromResponse(response);
        return undefined;
      },
    });
    return client;
  }
}

/**
 * The body of a 2xx answer (error statuses were thrown by the middleware).
 * The caller's type is the generated one, narrowed where the document leaves
 * a field open (the template snapshot and entity; see environment.ts).
 */
function unwrap<T>(result: { data?: unknown }): T {
  return result.data as T;
}
