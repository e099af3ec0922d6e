import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox';
import { callSandbox, kubectl } from '../__testUtils__/helpers';
import { RESOURCE_TYPES } from './discovery';
import { ListPagination } from './pagination';
import type { KubeObject } from './store';

jest.setTimeout(60_000);

describe('chunked lists (limit and continue)', () => {
  let sandbox: Sandbox;
  const call = (method: string, path: string, body?: unknown) =>
    callSandbox(sandbox, method, path, body);
  const namespace = (name: string, environment?: string) =>
    call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: environment ? { 'envkit.io/environment': environment } : {},
      },
    });
  const quota = (ns: string) =>
    call('POST', `/api/v1/namespaces/${ns}/resourcequotas`, {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: {
        name: 'envkit-quota',
        namespace: ns,
        labels: { 'envkit.io/environment': ns },
      },
      spec: { hard: { pods: '10' } },
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    for (let i = 0; i < 7; i++) {
      await namespace(`env-${i}`, `env-${i}`);
      await quota(`env-${i}`);
    }
    await namespace('unlabelled');
  });
  afterAll(() => sandbox.stop());

  /** Follows continue tokens to the end; every page's metadata is kept. */
  async function allPages(path: string, from?: string) {
    const pages: any[] = [];
    let token: string | undefined = from;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const { status, body } = await call(
        'GET',
        `${path}${token ? `${sep}continue=${encodeURIComponent(token)}` : ''}`,
      );
      expect(status).toBe(200);
      pages.push(body);
      token = body.metadata.continue;
    } while (token);
    return pages;
  }

  it('lists a namespaced kind across every namespace by label, page by page', async () => {
    const pages = await allPages(
      '/api/v1/resourcequotas?labelSelector=envkit.io%2Fenvironment&limit=3',
    );
    expect(pages.map(p => p.items.length)).toEqual([3, 3, 1]);
    expect(
      pages.flatMap(p => p.items.map((q: KubeObject) => q.metadata.namespace)),
    ).toEqual([0, 1, 2, 3, 4, 5, 6].map(i => `env-${i}`));
    // Every page reports the resourceVersion of the first one.
    expect(new Set(pages.map(p => p.metadata.resourceVersion)).size).toBe(1);
    // With a selector the server does not say how many remain.
    expect(pages[0].metadata.remainingItemCount).toBeUndefined();
  });

  it('applies the label selector before the limit, and counts what remains without one', async () => {
    const labelled = await allPages(
      '/api/v1/namespaces?labelSelector=envkit.io%2Fenvironment&limit=4',
    );
    const names = labelled.flatMap(p =>
      p.items.map((n: KubeObject) => n.metadata.name),
    );
    expect(names).not.toContain('unlabelled');
    expect(names.filter(n => n.startsWith('env-'))).toHaveLength(7);

    const first = await call('GET', '/api/v1/namespaces?limit=2');
    const total = (await call('GET', '/api/v1/namespaces')).body.items.length;
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.remainingItemCount).toBe(total - 2);
  });

  it('serves later pages from the state of the first, as etcd does', async () => {
    const first = await call(
      'GET',
      '/api/v1/namespaces?labelSelector=envkit.io%2Fenvironment&limit=2',
    );
    await namespace('env-9', 'env-9');
    const rest = await allPages(
      '/api/v1/namespaces?labelSelector=envkit.io%2Fenvironment&limit=2',
      first.body.metadata.continue,
    );
    const names = rest.flatMap(p =>
      p.items.map((n: KubeObject) => n.metadata.name),
    );
    expect(names).not.toContain('env-9');
    expect(names).toHaveLength(5);
    // A new list sees it.
    const fresh = await allPages(
      '/api/v1/namespaces?labelSelector=envkit.io%2Fenvironment&limit=100',
    );
    expect(fresh[0].items.map((n: KubeObject) => n.metadata.name)).toContain(
      'env-9',
    );
    expect(fresh[0].metadata.continue).toBeUndefined();
  });

  it('answers 400 BadRequest to a continue token it did not issue', async () => {
    const { status, body } = await call(
      'GET',
      '/api/v1/namespaces?limit=2&continue=not-a-token',
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
    });
    expect(body.message).toMatch(/^continue key is not valid/);
  });

  it('answers 410 Gone (Expired) once the state behind a token is forgotten', () => {
    let now = 0;
    const pagination = new ListPagination(() => now);
    const type = RESOURCE_TYPES.find(t => t.resource === 'namespaces')!;
    const objects = ['a', 'b', 'c'].map(
      name => ({ metadata: { name } } as KubeObject),
    );
    const page = (continueToken: string | null) =>
      pagination.page({
        type,
        namespace: undefined,
        limit: 1,
        continueToken,
        selective: false,
        revision: '10',
        all: () => objects,
        matches: () => true,
      });
    const first = page(null);
    expect(page(first.continue!).items[0].metadata.name).toBe('b');
    now += 6 * 60_000;
    let error: any;
    try {
      page(first.continue!);
    } catch (e) {
      error = e;
    }
    expect(error?.status).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('pages for kubectl --chunk-size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envkit-chunks-'));
    const result = await kubectl(
      sandbox,
      [
        'get',
        'resourcequotas',
        '--all-namespaces',
        '-l',
        'envkit.io/environment',
        '--chunk-size=2',
        '-o',
        'name',
      ],
      join(dir, 'cache'),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toHaveLength(7);
  });
});
