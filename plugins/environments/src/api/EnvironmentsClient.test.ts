import { ResponseError } from '@backstage/errors';
import { EnvironmentsClient } from './EnvironmentsClient';

function setup(response: { status?: number; body?: unknown } = {}) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(response.body ?? {}), {
        status: response.status ?? 200,
        statusText: response.status === 404 ? 'Not Found' : 'OK',
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  const client = new EnvironmentsClient({
    discoveryApi: {
      getBaseUrl: async id => `http://backend/api/${id}`,
    },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

describe('EnvironmentsClient', () => {
  it('lists environments with only the filters given', async () => {
    const { client, fetch } = setup({ body: { items: [], totalCount: 0 } });
    await client.listEnvironments({
      component: 'component:default/checkout',
      phase: 'Ready',
      owner: undefined,
    });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend/api/environments/environments?component=component%3Adefault%2Fcheckout&phase=Ready',
    );
    expect(fetch.mock.calls[0][1]?.method).toBe('GET');
  });

  it('posts the lifetime when extending', async () => {
    const { client, fetch } = setup({ body: { id: 'env 1' } });
    await client.extendEnvironment('env 1', 'PT8H');
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(
      'http://backend/api/environments/environments/env%201/extend',
    );
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ ttl: 'PT8H' });
  });

  it('destroys with DELETE and creates with the idempotency key', async () => {
    const { client, fetch } = setup({ body: {} });
    await client.destroyEnvironment('env-1');
    expect(fetch.mock.calls[0][1]?.method).toBe('DELETE');
    await client.createEnvironment(
      { name: 'a', templateRef: 'ecs', inputs: {} },
      { idempotencyKey: 'k-1' },
    );
    expect(fetch.mock.calls[1][1]?.headers).toMatchObject({
      'Idempotency-Key': 'k-1',
    });
  });

  it('unwraps event and template lists', async () => {
    const { client } = setup({ body: { items: [{ reason: 'Ready' }] } });
    await expect(client.getEnvironmentEvents('env-1')).resolves.toEqual([
      { reason: 'Ready' },
    ]);
    await expect(client.listTemplates()).resolves.toEqual([
      { reason: 'Ready' },
    ]);
  });

  it('throws a ResponseError carrying the backend message', async () => {
    const { client } = setup({
      status: 404,
      body: {
        error: { name: 'NotFoundError', message: 'no environment env-x' },
        response: { statusCode: 404 },
      },
    });
    const error = await client.getEnvironment('env-x').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(404);
    expect(error.body.error.message).toBe('no environment env-x');
  });
});
