import { startSandbox, type Sandbox } from '../sandbox';
import { callSandbox } from '../__testUtils__/helpers';

jest.setTimeout(30_000);

describe('PATCH with JSON patch and merge patch', () => {
  let sandbox: Sandbox;
  const path = '/api/v1/namespaces/default/configmaps/patched';

  const patch = (contentType: string, body: unknown) =>
    callSandbox(sandbox, 'PATCH', path, body, { contentType });
  const jsonPatch = (ops: unknown) => patch('application/json-patch+json', ops);
  const mergePatch = (doc: unknown) =>
    patch('application/merge-patch+json', doc);

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    await callSandbox(
      sandbox,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'patched', namespace: 'default' },
        data: { a: '1', b: '2' },
      },
    );
  });

  afterAll(() => sandbox.stop());

  it('applies add, replace, remove and a passing test in order', async () => {
    const res = await jsonPatch([
      { op: 'test', path: '/data/a', value: '1' },
      { op: 'replace', path: '/data/a', value: 'one' },
      { op: 'add', path: '/data/c~1d', value: '3' },
      { op: 'remove', path: '/data/b' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ a: 'one', 'c/d': '3' });
  });

  it('answers a failed test with 422 Invalid and changes nothing', async () => {
    const res = await jsonPatch([
      { op: 'replace', path: '/data/a', value: 'changed' },
      { op: 'test', path: '/data/a', value: 'never' },
    ]);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    const { body } = await mergePatch({});
    expect(body.data.a).toBe('one');
  });

  it('answers an operation on a missing path or an unknown op with 400', async () => {
    const missing = await jsonPatch([{ op: 'remove', path: '/data/nope' }]);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe(
      'jsonpatch remove operation does not apply: doc is missing path: /data/nope',
    );
    const unknown = await jsonPatch([{ op: 'frob', path: '/data/a' }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('Unexpected kind: frob');
    const notAList = await jsonPatch({ op: 'remove', path: '/data/a' });
    expect(notAList.status).toBe(400);
  });

  it('merges maps and deletes keys set to null', async () => {
    const res = await mergePatch({
      metadata: { labels: { team: 'a' } },
      data: { 'c/d': null, e: '5' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ a: 'one', e: '5' });
    expect(res.body.metadata.labels).toEqual({ team: 'a' });
  });
});
