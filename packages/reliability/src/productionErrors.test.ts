/*
 * Issue #21, must show 3: no stack trace or file path in an API error body
 * when the backend runs as it does with app-config.production.yaml.
 *
 * Backstage's error handler (MiddlewareFactory.error(), which the root HTTP
 * router installs after every plugin) reads no config for this: it puts an
 * error's stack into the body only when NODE_ENV is "development" at the
 * time the router is made, as under `yarn start`. The production image runs
 * with NODE_ENV=production. So the suite starts the environments backend
 * with NODE_ENV=production and reads the bodies of a 400, 404, 409 and 500
 * from the environments API; as a control, the same 500 under "development"
 * must carry a stack, so the check can tell one when it sees it.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDriverModule } from '@envkit/plugin-environments-node/testUtils';
import request from 'supertest';
import { REPO_ROOT } from './harness/backendProcess';
import { testTemplate } from './harness/entities';
import { startApiBackend } from './harness/inProcess';

jest.setTimeout(120_000);

const lena = 'user:default/lena';
/** A user whose groups cannot be looked up: every request fails inside. */
const broken = 'user:default/broken';

/** Lena's groups; looking up `broken` throws an Error, stack and all. */
const groups = new Proxy<Record<string, string[]>>(
  { [lena]: [lena, 'group:default/team-storefront'] },
  {
    get(target, key) {
      if (key === broken) throw new Error('the user directory is unreachable');
      return target[key as string];
    },
  },
);

/** Stack frames, source files or this checkout's directory in `text`. */
function leaks(text: string): string[] {
  const found = [
    /\bat [\w$.<>[\] ]+ \(/, // a stack frame: "at fn (file:line:col)"
    /\bat (?:\/|file:)[^\s)]+:\d+/, // an anonymous frame: "at /a/b.js:1:2"
    /(?:\/[\w.@+-]+)+\.(?:[cm]?[jt]sx?|json)\b/, // an absolute file path
    /node_modules/,
  ]
    .map(pattern => pattern.exec(text)?.[0])
    .filter((match): match is string => Boolean(match));
  if (text.includes(REPO_ROOT)) found.push(REPO_ROOT);
  return found;
}

async function startWith(nodeEnv: string) {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    return await startApiBackend({
      entities: [testTemplate('errors')],
      groups,
      extraFeatures: [createTestDriverModule()],
    });
  } finally {
    process.env.NODE_ENV = before;
  }
}

const api = '/api/environments';

describe('API error bodies in production', () => {
  it('carry no stack and no file path for a 400, 404, 409 and 500', async () => {
    const { server } = await startWith('production');
    const as = (user: string) => mockCredentials.user.header(user);

    const made = await request(server)
      .post(`${api}/environments`)
      .set('Authorization', as(lena))
      .send({ name: 'taken', templateRef: 'errors' });
    expect(made.status).toBe(202);

    const answers = {
      400: await request(server)
        .post(`${api}/environments`)
        .set('Authorization', as(lena))
        .send({ name: 'Not A Name', templateRef: 'errors' }),
      404: await request(server)
        .get(`${api}/environments/00000000-0000-4000-8000-000000000000`)
        .set('Authorization', as(lena)),
      409: await request(server)
        .post(`${api}/environments`)
        .set('Authorization', as(lena))
        .send({ name: 'taken', templateRef: 'errors' }),
      500: await request(server)
        .get(`${api}/environments`)
        .set('Authorization', as(broken)),
    };

    for (const [status, res] of Object.entries(answers)) {
      expect({ status: res.status, error: res.body.error?.name }).toEqual({
        status: Number(status),
        error: expect.any(String),
      });
      expect(res.body.error).not.toHaveProperty('stack');
      expect({ status, leaks: leaks(res.text) }).toEqual({
        status,
        leaks: [],
      });
    }
  });

  it('would show: under "development" the same 500 carries a stack with file paths', async () => {
    const { server } = await startWith('development');
    const res = await request(server)
      .get(`${api}/environments`)
      .set('Authorization', mockCredentials.user.header(broken));
    expect(res.status).toBe(500);
    expect(res.body.error.stack).toEqual(expect.any(String));
    expect(leaks(res.text).length).toBeGreaterThan(0);
  });
});
