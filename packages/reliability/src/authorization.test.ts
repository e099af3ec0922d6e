/*
 * Authorization matrix and audit: every route of the REST API, called as
 * anonymous, another user, the owner, a user the template admits and a
 * platform-team member, against the example app's real policy through the
 * permission backend. Every write must leave exactly one audit event.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { printFigures } from './harness/api';
import { testTemplate } from './harness/entities';
import { AuditRecord, startApiBackend } from './harness/inProcess';
import { lena, marco, orgGroups, priya, storefront } from './harness/org';
import { createTestDriverModule } from '@envkit/plugin-environments-node/testUtils';

/** Not in the example org: no group, only the template admits him. */
const tom = 'user:default/tom';

type Principal = 'anonymous' | 'other' | 'owner' | 'templateUser' | 'platform';
const principals: Record<Principal, string | undefined> = {
  anonymous: undefined,
  other: marco,
  owner: lena,
  templateUser: tom,
  platform: priya,
};

interface Route {
  name: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  path: (id: string) => string;
  body?: object;
  write?: string;
  /** Expected status per principal. */
  expect: Record<Principal, number>;
}

const ownAs = (s: number) => ({
  anonymous: 401,
  other: 403,
  owner: s,
  templateUser: 403,
  platform: s,
});
const anyUser = (s: number) => ({
  anonymous: 401,
  other: s,
  owner: s,
  templateUser: s,
  platform: s,
});

/**
 * A route whose method and path come from its name (`VERB /path …`), so
 * each entry states only what differs: body, audit event, expectations.
 */
function apiRoute(
  name: string,
  expect: Route['expect'],
  extra: Partial<Omit<Route, 'name' | 'expect'>> = {},
): Route {
  const [verb, template] = name.split(' ');
  return {
    name,
    method: verb.toLowerCase() as Route['method'],
    path: id => template.replace('{id}', id),
    expect,
    ...extra,
  };
}

const routes: Route[] = [
  apiRoute('GET /health', { ...anyUser(200), anonymous: 200 }),
  apiRoute('GET /environments', anyUser(200)),
  apiRoute('POST /environments (owner: team-storefront)', ownAs(202), {
    body: { name: 'NAME', templateRef: 'matrix', owner: storefront },
    write: 'environment-create',
  }),
  apiRoute(
    'POST /environments (restricted template)',
    {
      anonymous: 401,
      other: 403,
      owner: 403,
      templateUser: 202,
      platform: 202,
    },
    {
      body: { name: 'NAME', templateRef: 'matrix-restricted' },
      write: 'environment-create',
    },
  ),
  apiRoute('POST /environments/preview', ownAs(200), {
    body: { name: 'NAME', templateRef: 'matrix', owner: storefront },
  }),
  apiRoute('GET /environments/{id}', ownAs(200)),
  apiRoute('GET /environments/{id}/events', ownAs(200)),
  apiRoute('PATCH /environments/{id}', ownAs(202), {
    body: { inputs: { size: 'large' } },
    write: 'environment-update',
  }),
  apiRoute('POST /environments/{id}/extend', ownAs(200), {
    body: { ttl: 'P1D' },
    write: 'environment-extend',
  }),
  // Allowed, but there is no newer version: 409 after the permission check.
  apiRoute('POST /environments/{id}/upgrade', ownAs(409), {
    write: 'environment-upgrade',
  }),
  apiRoute('POST /environments/{id}/redeploy', ownAs(202), {
    write: 'environment-redeploy',
  }),
  // Only the owner side may reach in, not the platform team; the test
  // driver offers no namespace, so the owner's call ends in 409.
  apiRoute(
    'GET /environments/{id}/kubeconfig',
    {
      anonymous: 401,
      other: 403,
      owner: 409,
      templateUser: 403,
      platform: 403,
    },
    { write: 'environment-access' },
  ),
  apiRoute('DELETE /environments/{id}', ownAs(202), {
    write: 'environment-destroy',
  }),
  apiRoute('GET /templates', anyUser(200)),
  apiRoute('GET /templates/{namespace}/{name}', anyUser(200), {
    path: () => '/templates/default/matrix',
  }),
];

jest.setTimeout(120_000);

describe('authorization matrix and audit', () => {
  it('answers every route × principal as the example policy says, and audits every write', async () => {
    const { server, audit } = await startApiBackend({
      entities: [
        testTemplate('matrix'),
        testTemplate('matrix-restricted', {
          allowedUsers: [tom],
          allowedGroups: ['group:default/platform-team'],
        }),
      ],
      groups: orgGroups,
      extraFeatures: [createTestDriverModule()],
    });
    const api = '/api/environments';
    const send = (
      route: Route,
      user: string | undefined,
      id: string,
      n: number,
    ) => {
      let req = request(server)[route.method](`${api}${route.path(id)}`);
      // The test backend treats a request without a header as a default
      // user; the "none" header is what an unauthenticated caller sends.
      req = req.set(
        'Authorization',
        user
          ? mockCredentials.user.header(user)
          : mockCredentials.none.header(),
      );
      if (route.body) {
        req = req.send(
          JSON.parse(JSON.stringify(route.body).replace('NAME', `mx-${n}`)),
        );
      }
      return req;
    };

    const actual: Record<string, Record<string, number>> = {};
    const mismatches: string[] = [];
    const writes: { eventId: string; status: number; user?: string }[] = [];
    let n = 0;
    for (const [principal, user] of Object.entries(principals) as [
      Principal,
      string | undefined,
    ][]) {
      // A fresh environment owned by lena for each principal, so that the
      // destroy at the end of the list does not change the next column.
      const made = await request(server)
        .post(`${api}/environments`)
        .set('Authorization', mockCredentials.user.header(lena))
        .send({
          name: `owned-${principal.toLowerCase()}`.slice(0, 20),
          templateRef: 'matrix',
        });
      if (made.status !== 202) throw new Error(JSON.stringify(made.body));
      writes.push({ eventId: 'environment-create', status: 202, user: lena });
      const id = made.body.id;
      for (const route of routes) {
        n += 1;
        const res = await send(route, user, id, n);
        actual[route.name] = { ...actual[route.name], [principal]: res.status };
        if (res.status !== route.expect[principal]) {
          mismatches.push(
            `${route.name} as ${principal}: ${res.status} (expected ${
              route.expect[principal]
            }) ${JSON.stringify(res.body).slice(0, 160)}`,
          );
        }
        if (res.status >= 500) mismatches.push(`${route.name}: 5xx`);
        if (route.name === 'GET /environments' && user) {
          const visible = res.body.items.some((e: any) => e.id === id);
          const shouldSee = principal === 'owner' || principal === 'platform';
          if (visible !== shouldSee) {
            mismatches.push(
              `list as ${principal}: sees lena's environment = ${visible}`,
            );
          }
        }
        if (route.write)
          writes.push({ eventId: route.write, status: res.status, user });
      }
    }

    // eslint-disable-next-line no-console
    console.log(
      `authorization matrix (status per principal)\n${[
        `  ${'route'.padEnd(44)} ${Object.keys(principals)
          .map(p => p.padEnd(13))
          .join('')}`,
        ...routes.map(
          r =>
            `  ${r.name.padEnd(44)} ${Object.keys(principals)
              .map(p => String(actual[r.name][p]).padEnd(13))
              .join('')}`,
        ),
      ].join('\n')}`,
    );

    // Audit: every authenticated write produced exactly one event with the
    // matching outcome; unauthenticated ones are refused before the route.
    const envAudit = audit.filter(a => a.eventId.startsWith('environment-'));
    const expectedAudited = writes.filter(w => w.user);
    const byKind = (list: { eventId: string }[]) =>
      list.reduce<Record<string, number>>((acc, w) => {
        acc[w.eventId] = (acc[w.eventId] ?? 0) + 1;
        return acc;
      }, {});
    const outcomeMismatch = expectedAudited.filter((w, i) => {
      const record: AuditRecord | undefined = envAudit[i];
      if (!record || record.eventId !== w.eventId) return true;
      const ok = w.status < 400;
      return record.outcome !== (ok ? 'success' : 'fail');
    });
    const tokensInAudit = envAudit.filter(a =>
      /Bearer|eyJ|mock-user-token|token/i.test(JSON.stringify(a.meta ?? {})),
    );

    printFigures('audit of writes', {
      'requests in the matrix': n,
      'write requests (authenticated)': expectedAudited.length,
      'write requests (anonymous, refused with 401)':
        writes.length - expectedAudited.length,
      'audit events recorded': envAudit.length,
      'audit events by id': JSON.stringify(byKind(envAudit)),
      'events with wrong id or outcome': outcomeMismatch.length,
      'audit events with a token in meta': tokensInAudit.length,
      'matrix cells': routes.length * Object.keys(principals).length,
      'matrix mismatches': mismatches.length,
    });

    expect(mismatches).toEqual([]);
    expect(envAudit).toHaveLength(expectedAudited.length);
    expect(outcomeMismatch).toEqual([]);
    expect(tokensInAudit).toEqual([]);
    expect(envAudit.every(a => a.outcome !== 'pending')).toBe(true);
  });
});
