/**
 * TokenRequest and RBAC in the sandbox: an issued ServiceAccount token works
 * where a RoleBinding grants it, is refused elsewhere with the API server's
 * Forbidden Status, and stops working at its expiry on the sandbox clock.
 */
import { startSandbox, type Sandbox } from '../sandbox';
import { SANDBOX_TOKEN } from '../kubeconfig';
import { callSandbox } from '../__testUtils__/helpers';
import { expectRefusal, expectStatus } from '../__testUtils__/expectations';

describe('ServiceAccount tokens and RBAC', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.controls.reset());

  const call = (
    method: string,
    path: string,
    body?: unknown,
    token = SANDBOX_TOKEN,
  ) => callSandbox(sandbox, method, path, body, { token });

  async function namespaceWithAccount(ns: string) {
    await call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    await call('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'access' },
    });
    await call(
      'POST',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'access-admin' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'admin',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'access', namespace: ns }],
      },
    );
  }

  const podsIn = (ns: string, token?: string) =>
    call('GET', `/api/v1/namespaces/${ns}/pods`, undefined, token);

  const requestToken = (ns: string, expirationSeconds?: number) =>
    call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/access/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: expirationSeconds ? { expirationSeconds } : {},
    });

  it('issues a token bound to its namespace by the RoleBindings there', async () => {
    await namespaceWithAccount('team-a');
    await namespaceWithAccount('team-b');
    const issued = await requestToken('team-a', 1200);
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      spec: { expirationSeconds: 1200 },
    });
    const token = issued.body.status.token;
    const expiresAt = Date.parse(issued.body.status.expirationTimestamp);
    expect(Math.abs(expiresAt - (Date.now() + 1_200_000))).toBeLessThan(5000);

    const own = await podsIn('team-a', token);
    expect(own.status).toBe(200);
    expect(own.body.kind).toBe('PodList');

    expectStatus(await podsIn('team-b', token), 403, 'Forbidden', {
      message:
        'pods is forbidden: User "system:serviceaccount:team-a:access" cannot list resource "pods" in API group "" in the namespace "team-b"',
    });
    expectRefusal(
      await call('GET', '/api/v1/namespaces', undefined, token),
      403,
      'at the cluster scope',
    );

    // The driver's own credential is not an issued token: full access as before.
    expect((await podsIn('team-b')).status).toBe(200);

    sandbox.controls.advanceClock(1201);
    expectStatus(await podsIn('team-a', token), 401, 'Unauthorized');
  });

  it('refuses forged tokens and tokens of a deleted ServiceAccount', async () => {
    await namespaceWithAccount('team-a');
    const { token } = (await requestToken('team-a')).body.status;
    const [head, payload, signature] = token.split('.');
    const forged = `${head}.${payload}.${signature.slice(0, -2)}AA`;
    expect((await podsIn('team-a', forged)).status).toBe(401);
    await call('DELETE', '/api/v1/namespaces/team-a/serviceaccounts/access');
    expect((await podsIn('team-a', token)).status).toBe(401);
  });

  it('answers TokenRequest errors as the API server does', async () => {
    await namespaceWithAccount('team-a');
    expectRefusal(
      await requestToken('team-a', 60),
      422,
      'spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
    const missing = await call(
      'POST',
      '/api/v1/namespaces/team-a/serviceaccounts/nobody/token',
      { spec: {} },
    );
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('serviceaccounts "nobody" not found');
  });
});
