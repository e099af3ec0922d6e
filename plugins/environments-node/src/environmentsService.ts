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
import {
  EnvironmentsRestClient,
  type CreateEnvironmentRequest,
  type Environment,
  type EnvironmentEvent,
  type EnvironmentPreview,
  type EnvironmentTemplateSummary,
  type ListEnvironmentsQuery,
  type ListEnvironmentsResponse,
} from '@envkit/plugin-environments-common';
import { parseEntityRef } from '@backstage/catalog-model';

/** Who a call to the environments API is made for. @public */
export interface EnvironmentsRequestOptions {
  /** The credentials of the user or service the call acts on behalf of. */
  credentials: BackstageCredentials;
}

/**
 * The environments REST API for other backend plugins, on the client
 * generated from the backend's openapi.yaml.
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
  /** `GET /templates/:namespace/:name` for a template ref: the entity and its validation state. */
  getTemplate(
    ref: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentTemplateSummary>;
}

/** Rethrows an error answer as the `@backstage/errors` type its status means. */
function typedError(error: unknown): unknown {
  if (!(error instanceof ResponseError)) return error;
  const message = error.body?.error?.message;
  switch (error.statusCode) {
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
      return error;
  }
}

/**
 * The default {@link EnvironmentsService}: the REST client generated from
 * the backend's openapi.yaml, found through discovery, each request with a
 * plugin-to-plugin token issued on behalf of the caller.
 *
 * @public
 */
export class DefaultEnvironmentsService implements EnvironmentsService {
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

  createEnvironment(
    body: CreateEnvironmentRequest,
    options: EnvironmentsRequestOptions & { idempotencyKey?: string },
  ): Promise<Environment> {
    return this.call(options, c =>
      c.createEnvironment(body, { idempotencyKey: options.idempotencyKey }),
    );
  }

  previewEnvironment(
    body: CreateEnvironmentRequest,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentPreview> {
    return this.call(options, c => c.previewEnvironment(body));
  }

  getEnvironment(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.call(options, c => c.getEnvironment(id));
  }

  listEnvironmentEvents(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentEvent[]> {
    return this.call(options, c => c.getEnvironmentEvents(id));
  }

  listEnvironments(
    query: ListEnvironmentsQuery,
    options: EnvironmentsRequestOptions,
  ): Promise<ListEnvironmentsResponse> {
    return this.call(options, c => c.listEnvironments(query));
  }

  deleteEnvironment(
    id: string,
    options: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.call(options, c => c.destroyEnvironment(id));
  }

  getTemplate(
    ref: string,
    options: EnvironmentsRequestOptions,
  ): Promise<EnvironmentTemplateSummary> {
    const { namespace, name } = parseEntityRef(ref, {
      defaultKind: 'EnvironmentTemplate',
      defaultNamespace: 'default',
    });
    return this.call(options, c => c.getTemplate(namespace, name));
  }

  private async call<T>(
    { credentials }: EnvironmentsRequestOptions,
    fn: (client: EnvironmentsRestClient) => Promise<T>,
  ): Promise<T> {
    const client = new EnvironmentsRestClient({
      discoveryApi: this.discovery,
      fetchApi: {
        fetch: async (input, init) => {
          const { token } = await this.auth.getPluginRequestToken({
            onBehalfOf: credentials,
            targetPluginId: 'environments',
          });
          const request = new Request(input, init);
          if (token) request.headers.set('Authorization', `Bearer ${token}`);
          return this.fetchFn(request);
        },
      },
    });
    try {
      return await fn(client);
    } catch (error) {
      throw typedError(error);
    }
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
        new DefaultEnvironmentsService({ discovery, auth }),
    }),
});
