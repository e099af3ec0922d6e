import { ConflictError } from '@backstage/errors';
import { untilSettled } from '@envkit/plugin-environments-node/testUtils';
import { loadYaml } from '@kubernetes/client-node';
import type { KubernetesClusterOptions } from './config';
import { namespaceResource } from './__testUtils__/fixtures';
import { sandboxScenario, useSandboxSuite } from './__testUtils__/sandboxSuite';

jest.setTimeout(60_000);

type Json = Record<string, any>;

describe('KubernetesNamespaceDriver.access', () => {
  const suite = useSandboxSuite();

  /** A Ready namespace of environment `name` on the sandbox `cluster`. */
  async function readyNamespace(
    name: string,
    cluster: Partial<KubernetesClusterOptions> = {},
  ) {
    const { driver, environment, ctx } = sandboxScenario(
      suite.sandbox,
      { name },
      cluster,
    );
    const { last: result } = await untilSettled(() =>
      driver.apply(namespaceResource(), ctx),
    );
    const request = {
      environment,
      resource: {
        name: 'namespace',
        driver: driver.id,
        outputs: result.outputs ?? {},
      },
    };
    return { driver, ctx, request };
  }

  it('hands out a token of the namespace ServiceAccount, an hour by default and capped by config', async () => {
    const { driver, ctx, request } = await readyNamespace('tokens', {
      access: { maxTokenSeconds: 7200 },
    });
    const started = Date.now();
    const grant = await driver.access(request, ctx);
    expect(grant).toMatchObject({
      cluster: 'sandbox',
      namespace: request.resource.outputs.namespace,
      server: suite.sandbox.url,
      authentication: 'token',
    });
    const lifetime = (Date.parse(grant.expiresAt!) - started) / 1000;
    expect(lifetime).toBeGreaterThan(3590);
    expect(lifetime).toBeLessThan(3610);
    const config = loadYaml<Json>(grant.kubeconfig);
    expect(config['current-context']).toBeTruthy();
    expect(config.contexts[0].context.namespace).toBe(
      request.resource.outputs.namespace,
    );
    const token: string = config.users[0].user.token;
    const claims = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
    );
    expect(claims.sub).toBe(
      `system:serviceaccount:${request.resource.outputs.namespace}:envkit-access`,
    );
    // The driver's own credential never goes out.
    expect(grant.kubeconfig).not.toContain('envkit-sandbox-token');

    const capped = await driver.access(
      { ...request, expirationSeconds: 604_800 },
      ctx,
    );
    const cappedLifetime = (Date.parse(capped.expiresAt!) - started) / 1000;
    expect(cappedLifetime).toBeGreaterThan(7190);
    expect(cappedLifetime).toBeLessThan(7210);
  });

  it('gives an exec stanza and no token on OIDC clusters', async () => {
    const { driver, ctx, request } = await readyNamespace('oidc', {
      access: {
        server: 'https://dev.k8s.example.com',
        oidc: {
          issuerUrl: 'https://login.example.com',
          clientId: 'kubernetes',
          extraScopes: ['groups'],
        },
      },
    });
    const grant = await driver.access(request, ctx);
    expect(grant.authentication).toBe('exec');
    expect(grant.expiresAt).toBeUndefined();
    expect(grant.server).toBe('https://dev.k8s.example.com');
    const user = loadYaml<Json>(grant.kubeconfig).users[0].user;
    expect(user.token).toBeUndefined();
    expect(user.exec.args).toEqual([
      'oidc-login',
      'get-token',
      '--oidc-issuer-url=https://login.example.com',
      '--oidc-client-id=kubernetes',
      '--oidc-extra-scope=groups',
    ]);
  });

  it('refuses with a conflict when the access ServiceAccount is gone', async () => {
    const { driver, ctx, request } = await readyNamespace('gone');
    await suite.admin.delete(
      `/api/v1/namespaces/${request.resource.outputs.namespace}/serviceaccounts/envkit-access`,
    );
    await expect(driver.access(request, ctx)).rejects.toThrow(ConflictError);
    const observed = await driver.observe(namespaceResource(), ctx);
    expect(observed.details?.objects).toEqual(
      expect.arrayContaining([
        { kind: 'ServiceAccount', name: 'envkit-access', state: 'Missing' },
        { kind: 'RoleBinding', name: 'envkit-access', state: 'Ready' },
        { kind: 'RoleBinding', name: 'envkit-admins', state: 'Ready' },
      ]),
    );
    // The next reconcile puts it back.
    await untilSettled(() => driver.apply(namespaceResource(), ctx));
    await expect(driver.access(request, ctx)).resolves.toMatchObject({
      authentication: 'token',
    });
    expect(
      (await driver.observe(namespaceResource(), ctx)).details?.objects,
    ).toContainEqual({
      kind: 'ServiceAccount',
      name: 'envkit-access',
      state: 'Ready',
    });
  });
});
