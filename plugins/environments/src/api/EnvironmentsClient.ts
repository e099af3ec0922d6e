import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentEvent,
} from '@envkit/plugin-environments-common';
import {
  EnvironmentPreview,
  EnvironmentsApi,
  EnvironmentsHealth,
  EnvironmentsListRequest,
  EnvironmentsListResponse,
  EnvironmentTemplateSummary,
} from './EnvironmentsApi';

/** Talks to `/api/environments` through the app's discovery and fetch APIs. @public */
export class EnvironmentsClient implements EnvironmentsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getHealth(): Promise<EnvironmentsHealth> {
    return this.request('GET', '/health');
  }

  listEnvironments(
    request: EnvironmentsListRequest = {},
  ): Promise<EnvironmentsListResponse> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request)) {
      if (value !== undefined && value !== '') query.set(key, String(value));
    }
    const search = query.toString();
    return this.request('GET', `/environments${search ? `?${search}` : ''}`);
  }

  getEnvironment(id: string): Promise<Environment> {
    return this.request('GET', `/environments/${encodeURIComponent(id)}`);
  }

  createEnvironment(
    request: CreateEnvironmentRequest,
    options?: { idempotencyKey?: string },
  ): Promise<Environment> {
    return this.request(
      'POST',
      '/environments',
      request,
      options?.idempotencyKey
        ? { 'Idempotency-Key': options.idempotencyKey }
        : undefined,
    );
  }

  previewEnvironment(
    request: CreateEnvironmentRequest,
  ): Promise<EnvironmentPreview> {
    return this.request('POST', '/environments/preview', request);
  }

  updateEnvironmentInputs(
    id: string,
    inputs: Record<string, unknown>,
  ): Promise<Environment> {
    return this.request('PATCH', `/environments/${encodeURIComponent(id)}`, {
      inputs,
    });
  }

  async getEnvironmentEvents(id: string): Promise<EnvironmentEvent[]> {
    const body = await this.request<{ items: EnvironmentEvent[] }>(
      'GET',
      `/environments/${encodeURIComponent(id)}/events`,
    );
    return body.items ?? [];
  }

  extendEnvironment(id: string, ttl: string): Promise<Environment> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(id)}/extend`,
      { ttl },
    );
  }

  upgradeEnvironment(id: string): Promise<Environment> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(id)}/upgrade`,
    );
  }

  redeployEnvironment(id: string): Promise<Environment> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(id)}/redeploy`,
    );
  }

  destroyEnvironment(id: string): Promise<Environment> {
    return this.request('DELETE', `/environments/${encodeURIComponent(id)}`);
  }

  async listTemplates(): Promise<EnvironmentTemplateSummary[]> {
    const body = await this.request<{ items: EnvironmentTemplateSummary[] }>(
      'GET',
      '/templates',
    );
    return body.items ?? [];
  }

  getTemplate(
    namespace: string,
    name: string,
  ): Promise<EnvironmentTemplateSummary> {
    return this.request(
      'GET',
      `/templates/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
    );
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environments');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
