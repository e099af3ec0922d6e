/*
 * "Use your namespace" end to end, in one process: the environments plugin
 * with the kubernetes-namespace driver against the cloud sandbox and the
 * example app's permission policy. The owner downloads a kubeconfig through
 * the API and the real kubectl works with it in the environment's namespace,
 * is Forbidden in any other, and is logged out once the token expires on
 * the sandbox clock. Other people get 403, every call is audited, and the
 * token appears in no log line, event, audit record or catalog entity.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mockCredentials } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { startSandbox, type Sandbox } from '@envkit/cloud-sandbox';
import request from 'supertest';
import yaml from 'yaml';
import { AuditRecord, startApiBackend } from './harness/inProcess';
import { RecordingLogger, recordingRootLogger } from './harness/logs';
import { publishedEntities, repositoryEntity } from './harness/entities';
import { lena, marco, orgGroups, priya, storefront } from './harness/org';

jest.setTimeout(300_000);

/** The real kubectl with only the given kubeconfig, a fresh home and cache. */
async function kubectl(kubeconfig: string, args: string[]) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'envkit-access-home-'));
  try {
    const { stdout, stderr } = await promisify(execFile)(
      '/usr/bin/kubectl',
      [
        '--kubeconfig',
        kubeconfig,
        '--cache-dir',
        path.join(home, 'c'),
        ...args,
      ],
      { env: { PATH: process.env.PATH, HOME: home }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: error.code ?? 1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    };
  }
}

describe('namespace access: kubeconfig through the API, checked with kubectl', () => {
  let sandbox: Sandbox;
  let server: Parameters<typeof request>[0];
  let audit: AuditRecord[];
  const logLines: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envkit-access-'));
  const template = repositoryEntity('examples/templates/dev-namespace.yaml');

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    ({ server, audit } = await startApiBackend({
      entities: [template],
      groups: orgGroups,
      config: {
        environments: {
          engine: { intervalSeconds: 1 },
          kubernetes: {
            clusters: [
              {
                name: 'sandbox',
                url: sandbox.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'access-suite-admin-token',
                skipTLSVerify: true,
                // kubectl sends a token only over TLS.
                access: { server: sandbox.httpsUrl },
              },
            ],
          },
        },
      },
      extraFeatures: [schedulerServiceFactory, recordingRootLogger(logLines)],
    }));
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  const as = (user: string | undefined) =>
    user ? mockCredentials.user.header(user) : mockCredentials.none.header();

  it('gives the owner a working kubeconfig for the namespace only, until it expires, and nobody else', async () => {
    const api = '/api/environments';
    const created = await request(server)
      .post(`${api}/environments`)
      .set('Authorization', as(lena))
      .send({
        name: 'access',
        templateRef: 'dev-namespace',
        owner: storefront,
      });
    expect(created.status).toBe(202);
    const id = created.body.id;

    // Not Ready yet: nothing to hand out.
    let environment = created.body;
    const early = await request(server)
      .get(`${api}/environments/${id}/kubeconfig`)
      .set('Authorization', as(lena));
    // Pending right after the create: the engine has not applied it yet.
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('only while it is Ready');

    for (let i = 0; i < 400 && environment.status.phase !== 'Ready'; i++) {
      await new Promise(resolve => setTimeout(resolve, 250));
      environment = (
        await request(server)
          .get(`${api}/environments/${id}`)
          .set('Authorization', as(lena))
      ).body;
    }
    expect(environment.status.phase).toBe('Ready');
    const namespace = environment.status.outputs.namespace;

    const tooShort = await request(server)
      .get(`${api}/environments/${id}/kubeconfig?expirationSeconds=60`)
      .set('Authorization', as(lena));
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.message).toContain('expirationSeconds');

    const res = await request(server)
      .get(`${api}/environments/${id}/kubeconfig`)
      .set('Authorization', as(lena));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      cluster: 'sandbox',
      namespace,
      server: sandbox.httpsUrl,
      authentication: 'token',
    });
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, res.body.kubeconfig, { mode: 0o600 });
    const token: string = yaml.parse(res.body.kubeconfig).users[0].user.token;
    expect(token.split('.')).toHaveLength(3);

    const own = await kubectl(file, ['get', 'pods', '-n', namespace]);
    expect(own.stderr).toContain(
      `No resources found in ${namespace} namespace.`,
    );
    expect(own.code).toBe(0);
    // The kubeconfig's context is the namespace: no -n needed.
    expect((await kubectl(file, ['get', 'resourcequotas'])).stdout).toContain(
      'envkit-quota',
    );

    const other = await kubectl(file, ['get', 'pods', '-n', 'default']);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(
      `Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:${namespace}:envkit-access" cannot list resource "pods" in API group "" in the namespace "default"`,
    );

    // An hour later on the sandbox clock the token no longer works.
    sandbox.controls.advanceClock(3601);
    const expired = await kubectl(file, ['get', 'pods', '-n', namespace]);
    expect(expired.code).not.toBe(0);
    // With a fresh discovery cache kubectl fails on discovery first and
    // words the 401 its own way; the API answers with the Unauthorized Status.
    expect(expired.stderr).toContain(
      'error: You must be logged in to the server',
    );
    const direct = await fetch(
      `${sandbox.url}/api/v1/namespaces/${namespace}/pods`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(direct.status).toBe(401);
    expect(await direct.json()).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      message: 'Unauthorized',
      code: 401,
    });

    // Someone else, and the platform team, get no kubeconfig.
    for (const user of [marco, priya]) {
      const refused = await request(server)
        .get(`${api}/environments/${id}/kubeconfig`)
        .set('Authorization', as(user));
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain('kubeconfig":');
    }
    const anonymous = await request(server)
      .get(`${api}/environments/${id}/kubeconfig`)
      .set('Authorization', as(undefined));
    expect(anonymous.status).toBe(401);

    // Audit: the owner's call succeeded, the others' failed; who and what,
    // never the credentials.
    const accessEvents = audit.filter(a => a.eventId === 'environment-access');
    expect(
      accessEvents.map(a => [a.outcome, a.meta?.environmentId, a.path]),
    ).toEqual([
      ['fail', id, `${api}/environments/${id}/kubeconfig`],
      ['fail', id, `${api}/environments/${id}/kubeconfig?expirationSeconds=60`],
      ['success', id, `${api}/environments/${id}/kubeconfig`],
      ['fail', id, `${api}/environments/${id}/kubeconfig`],
      ['fail', id, `${api}/environments/${id}/kubeconfig`],
    ]);

    // Must show 5: the token and the kubeconfig are nowhere but in the one
    // response that handed them out.
    const events = await request(server)
      .get(`${api}/environments/${id}/events?limit=1000`)
      .set('Authorization', as(lena));
    expect(
      events.body.items.some((e: any) => e.reason === 'KubeconfigIssued'),
    ).toBe(true);
    const list = await request(server)
      .get(`${api}/environments`)
      .set('Authorization', as(lena));
    const entities = await publishedEntities(
      list.body.items,
      new RecordingLogger(logLines),
    );
    expect(entities.map((e: any) => e.metadata.name)).toContain('access');
    const haystacks: Record<string, string> = {
      'log lines': logLines.join('\n'),
      'audit records': JSON.stringify(audit),
      events: JSON.stringify(events.body),
      'catalog entities': JSON.stringify(entities),
      'environment (API)': JSON.stringify([list.body, environment]),
    };
    const [, payload, signature] = token.split('.');
    const needles = {
      token,
      'token payload': payload,
      'token signature': signature,
      kubeconfig: res.body.kubeconfig,
      'kubeconfig users stanza': 'users:',
    };
    const found = Object.entries(haystacks).flatMap(([where, text]) =>
      Object.entries(needles)
        .filter(([, needle]) => text.includes(needle))
        .map(([what]) => `${what} in ${where}`),
    );
    expect(found).toEqual([]);
    // The search itself finds what is there: the namespace, who got access.
    expect(haystacks['audit records']).toContain(namespace);
    expect(haystacks.events).toContain(lena);
    expect(logLines.length).toBeGreaterThan(5);
  });
});
