import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import type {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentEvent,
  EnvironmentPreview,
  EnvironmentTemplateEntity,
  ListEnvironmentsQuery,
  ListEnvironmentsResponse,
} from '@envkit/plugin-environments-common';
import { parseEntityRef } from '@backstage/catalog-model';

/** Who a call to the environments API is made for. @public */
export interface EnvironmentsRequestOptions {
  /** The credentials of the user or service the call acts on behalf of. */
  credentials: BackstageCredentials;
}

/**
 * A typed client of the environments REST API for other backend plugins.
 * Every call carries a token issued on behalf of `credentials`, so the
 * environments backend authorizes the original caller, not the plugin.
 *
 * Error answers are thrown as the `@backstage/errors` type their status
 * means (`InputError`, `NotAllowedError`, `NotFoundError`, `ConflictError`)
 * with the backend's message, or as a `ResponseError` otherwise.
 *
 * @public
 */
export interface EnvironmentsService {
  /**
   * `POST /environments`; resolves to the new (Pending) environment. With an
   * `idempotencyKey`, a retry by the same caller returns the first one.
   */
  createEnvironment(
    body: CreateEnvironmentRequest,
    options: EnvironmentsRequestOptions & { idempotencyKey?: string },
  ): Promise<Environment>;
  /** `POST /environments/preview`: every create check, nothing recorded. */
  previewEnvironment(
    body: CreateEnvironmentRequest,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentPreview>;
  /** `GET /environments/:id`. */
  getEnvironment(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<Environment>;
  /** `GET /environments/:id/events`, newest first. */
  listEnvironmentEvents(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentEvent[]>;
  /** `GET /environments` with filters; one page (see `nextCursor`). */
  listEnvironments(
    query: ListEnvironmentsQuery,
    options: EnvironmentsRequestOptions,
  ): Promise<ListEnvironmentsResponse>;
  /** `DELETE /environments/:id`; resolves to the environment, now Destroying. */
  deleteEnvironment(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<Environment>;
  /** `GET /templates/:namespace/:name` for a template ref. */
  getTemplate(
    ref: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentTemplateEntity>;
}

/** Turns an error answer into the `@backstage/errors` type its status means. */
async function toError(response: Response): Promise<Error> {
  let message: string | undefined;
  try {
    const body = await response.clone().json();
    if (typeof body?.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON: the generic ResponseError below keeps what there is.
  }
  if (message !== undefined) {
    switch (response.status) {
      case 400:
        return new InputError(message);
      case 401:
      case 403:
        return new NotAllowedError(message);
      case 404:
        return new NotFoundError(message);
      case 409:
        return new ConflictError(message);
      default:
    }
  }
  return ResponseError.fromResponse(response);
}

/**
 * The default {@link EnvironmentsService}: HTTP through discovery and
 * plugin-to-plugin tokens.
 *
 * @public
 */
export class EnvironmentsClient implements EnvironmentsService {
  private readonly discovery: DiscoveryService;
  private readonly auth: AuthService;
  private readonly fetchFn: typeof fetch;

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    fetch?: typeof fetch;
  }) {
    this.discovery = options.discovery;
    this.auth = options.auth;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
  }

  async createEnvironment(
    body: CreateEnvironmentRequest,
    options: EnvironmentsRequestOptions & { idempotencyKey?: string },
  ): Promise<Environment> {
    return this.request(
      'POST',
      '/environments',
      options,
      body,
      options.idempotencyKey
        ? { 'Idempotency-Key': options.idempotencyKey }
        : {},
    );
  }

  async previewEnvironment(
    body: CreateEnvironmentRequest,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentPreview> {
    return this.request('POST', '/environments/preview', options, body);
  }

  async getEnvironment(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.request(
      'GET',
      `/environments/${encodeURIComponent(id)}`,
      options,
    );
  }

  async listEnvironmentEvents(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentEvent[]> {
    const body = await this.request<{ items: EnvironmentEvent[] }>(
      'GET',
      `/environments/${encodeURIComponent(id)}/events`,
      options,
    );
    return body.items ?? [];
  }

  async listEnvironments(
    query: ListEnvironmentsQuery,
    options: EnvironmentsRequestOptions,
  ): Promise<ListEnvironmentsResponse> {
    const params = new URLSearchParams();
    for (const key of [
      'owner',
      'template',
      'component',
      'phase',
      'cursor',
    ] as const) {
      const value = query[key];
      if (value) params.set(key, value);
    }
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const search = params.toString();
    return this.request(
      'GET',
      `/environments${search ? `?${search}` : ''}`,
      options,
    );
  }

  async deleteEnvironment(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.request(
      'DELETE',
      `/environments/${encodeURIComponent(id)}`,
      options,
    );
  }

  async getTemplate(
    ref: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentTemplateEntity> {
    const { namespace, name } = parseEntityRef(ref, {
      defaultKind: 'EnvironmentTemplate',
      defaultNamespace: 'default',
    });
    return this.request(
      'GET',
      `/templates/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
      options,
    );
  }

  private async request<T>(
    method: string,
    path: string,
    options: EnvironmentsRequestOptions,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const [baseUrl, { token }] = await Promise.all([
      this.discovery.getBaseUrl('environments'),
      this.auth.getPluginRequestToken({
        onBehalfOf: options.credentials,
        targetPluginId: 'environments',
      }),
    ]);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...extraHeaders,
    };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetchFn(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await toError(response);
    }
    return (await response.json()) as T;
  }
}

/**
 * The environments API client for other backend plugins, e.g. the
 * scaffolder module creating environments for the user running a template.
 *
 * @public
 */
export const environmentsServiceRef = createServiceRef<EnvironmentsService>({
  id: 'environments.client',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: ({ discovery, auth }) =>
        new EnvironmentsClient({ discovery, auth }),
    }),
});
