import { ResponseError } from '@backstage/errors';
import { EnvironmentsRestClient } from './EnvironmentsRestClient';

function setup(response: { status?: number; body?: unknown } = {}) {
  const requests: Request[] = [];
  const fetch = jest.fn(
    async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return new Response(JSON.stringify(response.body ?? {}), {
        status: response.status ?? 200,
        statusText: response.status === 404 ? 'Not Found' : 'OK',
        headers: { 'Content-Type': 'application/json' },
      });
    },
  );
  const client = new EnvironmentsRestClient({
    discoveryApi: {
      getBaseUrl: async id => `http://backend/api/${id}`,
    },
    fetchApi: { fetch: fetch as any },
  });
  return { client, requests };
}

describe('EnvironmentsRestClient', () => {
  it('lists environments with only the filters given', async () => {
    const { client, requests } = setup({
      body: { items: [], totalCount: 0 },
    });
    await client.listEnvironments({
      component: 'component:default/checkout',
      phase: 'Ready',
      owner: undefined,
      template: '',
    });
    expect(requests[0].url).toBe(
      'http://backend/api/environments/environments?component=component%3Adefault%2Fcheckout&phase=Ready',
    );
    expect(requests[0].method).toBe('GET');
  });

  it('posts the lifetime when extending', async () => {
    const { client, requests } = setup({ body: { id: 'env 1' } });
    await client.extendEnvironment('env 1', 'PT8H');
    const [sent] = requests;
    expect(sent.url).toBe(
      'http://backend/api/environments/environments/env%201/extend',
    );
    expect(sent.method).toBe('POST');
    expect(await sent.json()).toEqual({ ttl: 'PT8H' });
  });

  it.each<
    [string, (client: EnvironmentsRestClient) => Promise<unknown>, unknown]
  >([
    ['upgrade', c => c.upgradeEnvironment('env-1'), undefined],
    ['redeploy', c => c.redeployEnvironment('env-1'), undefined],
    ['retry', c => c.retryEnvironment('env-1'), undefined],
    ['wake', c => c.wakeEnvironment('env-1'), { tonight: false }],
    [
      'wake',
      c => c.wakeEnvironment('env-1', { tonight: true }),
      { tonight: true },
    ],
    ['approve', c => c.approveEnvironment('env-1'), {}],
    ['approve', c => c.approveEnvironment('env-1', 'ok'), { reason: 'ok' }],
    ['reject', c => c.rejectEnvironment('env-1', 'no'), { reason: 'no' }],
  ])('posts %s to the action with its body', async (action, call, body) => {
    const { client, requests } = setup({ body: { id: 'env-1' } });
    await call(client);
    const [sent] = requests;
    expect(sent.url).toBe(
      `http://backend/api/environments/environments/env-1/${action}`,
    );
    expect(sent.method).toBe('POST');
    const text = await sent.text();
    expect(text ? JSON.parse(text) : undefined).toEqual(body);
  });

  it("survives fetch middleware that builds its own Request from what it is given, as the app's does", async () => {
    const bodies: unknown[] = [];
    // Like Backstage's FetchApi: each middleware makes a Request of its own
    // from the input and init it was handed.
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const first = new Request(input, init);
      const second = new Request(input, init);
      bodies.push(await second.json());
      void first;
      return new Response(JSON.stringify({ environment: {}, resources: [] }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    };
    const client = new EnvironmentsRestClient({
      discoveryApi: { getBaseUrl: async id => `http://backend/api/${id}` },
      fetchApi: { fetch: fetch as any },
    });
    await client.previewEnvironment({ name: 'a', templateRef: 'ecs' });
    await client.extendEnvironment('env-1', 'PT8H');
    expect(bodies).toEqual([
      { name: 'a', templateRef: 'ecs' },
      { ttl: 'PT8H' },
    ]);
  });

  it('destroys with DELETE and creates with the idempotency key', async () => {
    const { client, requests } = setup({ body: {} });
    await client.destroyEnvironment('env-1');
    expect(requests[0].method).toBe('DELETE');
    await client.createEnvironment(
      { name: 'a', templateRef: 'ecs', inputs: {} },
      { idempotencyKey: 'k-1' },
    );
    expect(requests[1].headers.get('Idempotency-Key')).toBe('k-1');
    await client.createEnvironment({ name: 'b', templateRef: 'ecs' });
    expect(requests[2].headers.has('Idempotency-Key')).toBe(false);
  });

  it('asks for a kubeconfig, with a lifetime only when one is given', async () => {
    const { client, requests } = setup({
      body: { namespace: 'ns-1', kubeconfig: 'apiVersion: v1' },
    });
    await expect(client.getEnvironmentKubeconfig('env-1')).resolves.toEqual({
      namespace: 'ns-1',
      kubeconfig: 'apiVersion: v1',
    });
    await client.getEnvironmentKubeconfig('env-1', {
      expirationSeconds: 1800,
    });
    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET http://backend/api/environments/environments/env-1/kubeconfig',
      'GET http://backend/api/environments/environments/env-1/kubeconfig?expirationSeconds=1800',
    ]);
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
