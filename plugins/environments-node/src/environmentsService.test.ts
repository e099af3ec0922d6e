import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import {
  DefaultEnvironmentsService,
  environmentsServiceRef,
} from './environmentsService';

type Recorded = {
  method?: string;
  url?: string;
  authorization?: string;
  idempotencyKey?: string;
  contentType?: string;
  body: string;
};

/** A loopback stand-in for the environments backend. */
async function startFakeApi(
  respond: (req: Recorded) => { status: number; body: unknown },
) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        contentType: req.headers['content-type'],
        body,
      };
      requests.push(recorded);
      const { status, body: out } = respond(recorded);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    baseUrl: `http://127.0.0.1:${port}/api/environments`,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

const environment = {
  id: 'env-1',
  spec: { name: 'dev' },
  status: { phase: 'Pending' },
};
const user = mockCredentials.user('user:default/jane');

describe('DefaultEnvironmentsService', () => {
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  let client: DefaultEnvironmentsService;

  beforeEach(async () => {
    api = await startFakeApi(req => {
      if (req.url === '/api/environments/environments/missing') {
        return {
          status: 404,
          body: {
            error: { name: 'NotFoundError', message: 'No environment missing' },
            request: {
              method: 'GET',
              url: '/api/environments/environments/missing',
            },
            response: { statusCode: 404 },
          },
        };
      }
      if (req.url?.endsWith('/events')) {
        return { status: 200, body: { items: [{ reason: 'Ready' }] } };
      }
      if (req.url?.endsWith('/preview')) {
        return { status: 200, body: { environment, resources: [] } };
      }
      if (req.method === 'POST') return { status: 202, body: environment };
      if (req.method === 'DELETE') return { status: 202, body: environment };
      if (
        req.url?.startsWith('/api/environments/environments?') ||
        req.url === '/api/environments/environments'
      ) {
        return {
          status: 200,
          body: { items: [environment], totalCount: 1 },
        };
      }
      if (req.url?.startsWith('/api/environments/templates/')) {
        return { status: 200, body: { kind: 'EnvironmentTemplate' } };
      }
      return { status: 200, body: environment };
    });
    client = new DefaultEnvironmentsService({
      discovery: {
        getBaseUrl: async () => api.baseUrl,
        getExternalBaseUrl: async () => api.baseUrl,
      },
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
    });
  });

  afterEach(() => api.close());

  it('creates an environment with a token on behalf of the caller', async () => {
    const body = { name: 'dev', templateRef: 'ecs', inputs: { port: 80 } };
    await expect(
      client.createEnvironment(body, { credentials: user }),
    ).resolves.toEqual(environment);
    const [req] = api.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/environments/environments');
    expect(req.contentType).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual(body);
    expect(req.authorization).toBe(
      `Bearer ${mockCredentials.service.token({
        onBehalfOf: user,
        targetPluginId: 'environments',
      })}`,
    );
    // The token names the original user, not the calling plugin.
    expect(req.authorization).toContain('user:default/jane');
    expect(req.idempotencyKey).toBeUndefined();
  });

  it('sends an Idempotency-Key, previews and reads events', async () => {
    const body = { name: 'dev', templateRef: 'ecs', inputs: {} };
    await client.createEnvironment(body, {
      credentials: user,
      idempotencyKey: 'task-1:env',
    });
    await expect(
      client.previewEnvironment(body, { credentials: user }),
    ).resolves.toEqual({ environment, resources: [] });
    await expect(
      client.listEnvironmentEvents('env-1', { credentials: user }),
    ).resolves.toEqual([{ reason: 'Ready' }]);
    expect(api.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'POST /api/environments/environments',
      'POST /api/environments/environments/preview',
      'GET /api/environments/environments/env-1/events',
    ]);
    expect(api.requests[0].idempotencyKey).toBe('task-1:env');
  });

  it('gets, lists and deletes', async () => {
    await client.getEnvironment('env/1', { credentials: user });
    await expect(
      client.listEnvironments(
        { owner: 'user:default/jane', phase: 'Ready' },
        { credentials: user },
      ),
    ).resolves.toEqual({ items: [environment], totalCount: 1 });
    await client.listEnvironments({}, { credentials: user });
    await client.listEnvironments(
      { component: 'component:default/web', limit: 1000, cursor: 'abc' },
      { credentials: user },
    );
    await client.deleteEnvironment('env-1', { credentials: user });
    await client.getTemplate('environmenttemplate:team-a/ecs', {
      credentials: user,
    });
    await client.getTemplate('ecs', { credentials: user });
    expect(api.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/environments/environments/env%2F1',
      'GET /api/environments/environments?owner=user%3Adefault%2Fjane&phase=Ready',
      'GET /api/environments/environments',
      'GET /api/environments/environments?component=component%3Adefault%2Fweb&cursor=abc&limit=1000',
      'DELETE /api/environments/environments/env-1',
      'GET /api/environments/templates/team-a/ecs',
      'GET /api/environments/templates/default/ecs',
    ]);
    expect(
      api.requests.every(r => r.authorization?.startsWith('Bearer ')),
    ).toBe(true);
  });

  it('throws the error type the status means, with the backend message', async () => {
    const error = await client
      .getEnvironment('missing', { credentials: user })
      .catch(e => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('No environment missing');
  });

  it('refuses to act for anonymous callers', async () => {
    await expect(
      client.getEnvironment('env-1', { credentials: mockCredentials.none() }),
    ).rejects.toThrow(/Refused to issue service token/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('environmentsServiceRef', () => {
  it('is available to other plugins through its default factory', async () => {
    const api = await startFakeApi(() => ({ status: 200, body: environment }));
    try {
      let result: unknown;
      const consumer = createBackendPlugin({
        pluginId: 'consumer',
        register(env) {
          env.registerInit({
            deps: { environments: environmentsServiceRef },
            async init({ environments }) {
              result = await environments.getEnvironment('env-1', {
                credentials: user,
              });
            },
          });
        },
      });
      const discovery = createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () => ({
          getBaseUrl: async (pluginId: string) =>
            pluginId === 'environments' ? api.baseUrl : 'http://unused',
          getExternalBaseUrl: async () => 'http://unused',
        }),
      });
      await startTestBackend({ features: [consumer, discovery] });
      expect(result).toEqual(environment);
      expect(api.requests[0].authorization).toContain(
        '"target":"environments"',
      );
    } finally {
      await api.close();
    }
  });
});
