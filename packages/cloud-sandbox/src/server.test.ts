import {
  CloudFormationClient,
  CreateStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { startSandbox, type Sandbox } from './sandbox';
import { getWithHost } from './__testUtils__/helpers';
import { sdkConfig } from './__testUtils__/sdk';
import { WEB_STACK_TEMPLATE } from './__testUtils__/templates';
import { SANDBOX_TOKEN } from './kubeconfig';

jest.setTimeout(30_000);

describe('sandbox server', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });

  afterAll(() => sandbox.stop());

  it('binds loopback on a random port and writes a kubeconfig for it', () => {
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
    const config = parseYaml(readFileSync(sandbox.kubeconfigPath, 'utf8'));
    expect(config.clusters[0].cluster).toEqual({
      server: sandbox.url,
      'insecure-skip-tls-verify': true,
    });
    expect(config.users[0].user).toEqual({ token: SANDBOX_TOKEN });
    expect(config['current-context']).toBe('envkit-sandbox');
  });

  it.each([
    '/version',
    '/api/v1/namespaces/nope',
    '/_sandbox/health',
    '/_sandbox/endpoints/unknown.example',
  ])('marks the response to %s as coming from the sandbox', async path => {
    const res = await fetch(`${sandbox.url}${path}`);
    expect(res.headers.get('x-envkit-sandbox')).toBe('true');
  });

  it('routes AWS calls by the service in the SigV4 scope', async () => {
    const sign = (service: string) =>
      `AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
    const sts = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        authorization: sign('sts'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(await sts.text()).toContain('<Account>000000000000</Account>');
    const unknown = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        authorization: sign('cloudformation'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'Action=FlyToTheMoon&Version=2010-05-15',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>');
    const k8s = await fetch(`${sandbox.url}/version`, {
      headers: { authorization: `Bearer ${SANDBOX_TOKEN}` },
    });
    expect((await k8s.json()).gitVersion).toMatch(/^v1\.\d+\.\d+/);
  });

  it('serves a page for a stack-published ALB, by path and by Host header', async () => {
    const cfn = new CloudFormationClient(sdkConfig(sandbox));
    await cfn.send(
      new CreateStackCommand({
        StackName: 'page',
        TemplateBody: WEB_STACK_TEMPLATE,
        Parameters: [
          { ParameterKey: 'Image', ParameterValue: 'ghcr.io/envkit/hello:2' },
        ],
      }),
    );
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
      { StackName: 'page' },
    );
    cfn.destroy();
    const endpoint = sandbox.controls.inventory()[0].outputs.endpoint;
    const dnsName = endpoint.replace('http://', '');
    const byPath = await fetch(sandbox.controls.endpointUrlFor(dnsName));
    expect(byPath.status).toBe(200);
    const html = await byPath.text();
    expect(html).toContain('Cloud sandbox');
    expect(html).toContain(
      'stands for\nimage <code>ghcr.io/envkit/hello:2</code> on port <code>8080</code> (service <code>web</code>)',
    );

    const byHost = await getWithHost(`${sandbox.url}/`, dnsName);
    expect(byHost.status).toBe(200);
    expect(byHost.body).toContain('ghcr.io/envkit/hello:2');
    const unknown = await fetch(
      sandbox.controls.endpointUrlFor('nothing.example'),
    );
    expect(unknown.status).toBe(404);
  });

  it('publishes load balancer names a browser resolves to the sandbox when given a local domain', async () => {
    const local = await startSandbox({ port: 0 });
    const port = new URL(local.url).port;
    await local.stop();
    // Same port again, now with the demo's domain: *.localhost is loopback.
    const demo = await startSandbox({
      port: Number(port),
      loadBalancerDomain: `elb.localhost:${port}`,
    });
    try {
      const cfn = new CloudFormationClient(sdkConfig(demo));
      await cfn.send(
        new CreateStackCommand({
          StackName: 'demo',
          TemplateBody: WEB_STACK_TEMPLATE,
          Parameters: [{ ParameterKey: 'Image', ParameterValue: 'nginx:1.27' }],
        }),
      );
      await waitUntilStackCreateComplete(
        { client: cfn, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
        { StackName: 'demo' },
      );
      cfn.destroy();
      const endpoint = demo.controls.inventory()[0].outputs.endpoint;
      expect(endpoint).toMatch(
        new RegExp(`^http://[A-Za-z0-9-]+\\.elb\\.localhost:${port}$`),
      );
      const page = await getWithHost(
        `${demo.url}/`,
        endpoint.replace('http://', ''),
      );
      expect(page.status).toBe(200);
      expect(page.body).toContain('nginx:1.27');
    } finally {
      await demo.stop();
    }
  });

  it('serves a page for an ingress host', async () => {
    const apply = (path: string, body: unknown) =>
      fetch(`${sandbox.url}${path}?fieldManager=test`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/apply-patch+yaml' },
        body: JSON.stringify(body),
      });
    await apply('/apis/apps/v1/namespaces/default/deployments/shop', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'shop' } },
        template: {
          metadata: { labels: { app: 'shop' } },
          spec: { containers: [{ name: 'shop', image: 'shop:3' }] },
        },
      },
    });
    await apply('/api/v1/namespaces/default/services/shop', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop' },
      spec: {
        selector: { app: 'shop' },
        ports: [{ port: 80, targetPort: 8080 }],
      },
    });
    const ingress = await apply(
      '/apis/networking.k8s.io/v1/namespaces/default/ingresses/shop',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'shop' },
        spec: {
          rules: [
            {
              host: 'shop.envkit.test',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: {
                      service: { name: 'shop', port: { number: 80 } },
                    },
                  },
                ],
              },
            },
          ],
        },
      },
    );
    expect(ingress.status).toBe(201);
    const page = await getWithHost(`${sandbox.url}/`, 'shop.envkit.test');
    expect(page.body).toContain(
      'image <code>shop:3</code> on port <code>80</code> (service <code>shop</code>)',
    );
  });
});
