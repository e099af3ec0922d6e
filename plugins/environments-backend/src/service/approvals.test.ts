import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createTestDriverModule,
  waitFor,
} from '@envkit/plugin-environments-node/testUtils';
import { webTemplate, withGuardrails } from '../__fixtures__/templates';
import { environmentsPlugin } from '../plugin';
import { environmentsApi, userInfoOf } from './__testUtils__/users';

jest.setTimeout(30_000);

const lena = 'user:default/lena';
const priya = 'user:default/priya';
const sam = 'user:default/sam';
const marco = 'user:default/marco';
const platformTeam = 'group:default/platform-team';
const groups: Record<string, string[]> = {
  [lena]: [lena, 'group:default/team-storefront'],
  // Sam is in the platform team and asks for an environment himself.
  [sam]: [sam, platformTeam],
  [priya]: [priya, platformTeam],
  [marco]: [marco, 'group:default/team-payments'],
};

/** `web`, but every environment waits for the platform team's approval. */
const gatedTemplate = withGuardrails(webTemplate, 'gated', {
  ttl: { default: 'PT8H', max: 'P7D' },
  approval: { required: 'always', approvers: 'group:platform-team' },
});

/** Like `gated`, with requests that expire two seconds after they are made. */
const hastyTemplate = withGuardrails(gatedTemplate, 'hasty', {
  approval: {
    required: 'always',
    approvers: platformTeam,
    expiresAfter: 'PT2S',
  },
});

/** Like `gated`, but only environments projected above $100 a month wait. */
const costlyTemplate = withGuardrails(gatedTemplate, 'costly', {
  approval: {
    required: 'aboveMonthlyCost',
    aboveMonthlyCost: 100,
    approvers: platformTeam,
  },
});

async function startBackend() {
  const applied: string[] = [];
  const audited: Array<{ eventId: string; meta: unknown; ok?: boolean }> = [];
  const notices: NotificationSendOptions[] = [];
  // The engine's sweeps, run by the test rather than on a timer.
  const tasks = new Map<string, () => Promise<void>>();
  const driverModule = createTestDriverModule({
    moduleId: 'recording-driver',
    driver: {
      id: 'test',
      apply: async (resource, ctx) => {
        applied.push(`${ctx.environment.name}/${resource.name}`);
        return {
          status: 'Ready',
          outputs: { VpcId: 'vpc-1', Endpoint: 'x.example.com' },
        };
      },
      observe: async () => ({ status: 'Ready' }),
      destroy: async () => ({ status: 'Destroyed' }),
      // The service costs a dollar a month per port number: a price
      // the test sets through the containerPort input.
      estimate: async resource => {
        const port = Number(
          (resource.parameters.Parameters as { Port?: unknown })?.Port,
        );
        return {
          currency: 'USD',
          priceList: {
            name: 'test',
            region: 'test-1',
            date: '2026-11-01',
            sources: [],
          },
          lines:
            resource.name === 'service'
              ? [
                  {
                    item: 'Service',
                    quantity: port,
                    unit: 'port-month',
                    unitPrice: 1,
                    monthly: port,
                    whileRunning: true,
                  },
                ]
              : [],
        };
      },
    },
  });
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      driverModule,
      catalogServiceMock.factory({
        entities: [
          gatedTemplate as any,
          hastyTemplate as any,
          costlyTemplate as any,
        ],
      }),
      mockServices.scheduler.mock({
        async scheduleTask(task) {
          tasks.set(task.id, () =>
            Promise.resolve(task.fn(new AbortController().signal)),
          );
        },
      }).factory,
      mockServices.permissions.mock({
        async authorize(requests) {
          return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
        },
        async authorizeConditional(requests) {
          return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
        },
      }).factory,
      mockServices.auditor.mock({
        async createEvent(options) {
          const entry = { eventId: options.eventId, meta: options.meta } as {
            eventId: string;
            meta: unknown;
            ok?: boolean;
          };
          audited.push(entry);
          return {
            success: async () => {
              entry.ok = true;
            },
            fail: async () => {
              entry.ok = false;
            },
          };
        },
      }).factory,
      userInfoOf(groups),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (options: NotificationSendOptions) => {
            notices.push(options);
          },
        }),
      }),
    ],
  });
  // Actions are posted with an empty body unless the test gives one.
  const api = (user: string) => ({
    get: (path: string) => environmentsApi(server, user).get(path),
    post: (path: string, body: object = {}) =>
      environmentsApi(server, user).post(path, body),
  });
  const create = async (user: string, name: string, templateRef = 'gated') => {
    const res = await api(user)
      .post('/environments', {
        name,
        templateRef,
        inputs: {
          imageLocation: 'nginx:1.27',
          containerPort: '80',
          dbPassword: 'pw-never-shown',
        },
      })
      .expect(202);
    return res.body;
  };
  const phaseOf = async (id: string) =>
    (await api(priya).get(`/environments/${id}`)).body.status.phase;
  const timeline = async (id: string) =>
    (await api(priya).get(`/environments/${id}/events`)).body.items
      .map(
        (e: { reason: string; message: string }) => `${e.reason}: ${e.message}`,
      )
      .reverse();
  /** Sweeps until `check` holds, as the engine's schedule would. */
  const settle = (what: string, check: () => boolean | Promise<boolean>) =>
    waitFor(
      what,
      async () => {
        await tasks.get('environments-reconcile')!();
        return check();
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  const sweep = async (times: number) => {
    for (let i = 0; i < times; i++) {
      await tasks.get('environments-reconcile')!();
    }
  };
  return {
    api,
    create,
    phaseOf,
    timeline,
    settle,
    sweep,
    applied,
    audited,
    notices,
  };
}

describe('approval of environments', () => {
  it('waits in AwaitingApproval without a cloud call until a platform-team member approves', async () => {
    const t = await startBackend();
    const env = await t.create(lena, 'gated-one');
    expect(env.status.phase).toBe('AwaitingApproval');
    expect(env.spec.approval).toMatchObject({
      approvers: platformTeam,
      requestedBy: lena,
    });
    // Its lifetime starts when it is approved.
    expect(env.spec.expiresAt).toBeUndefined();

    // The engine sweeps several times, and notifies the approvers once.
    await t.sweep(5);
    expect(t.applied).toEqual([]);
    expect(await t.phaseOf(env.id)).toBe('AwaitingApproval');
    expect(t.notices).toHaveLength(1);
    expect(t.notices[0].recipients).toEqual({
      type: 'entity',
      entityRef: [platformTeam],
    });
    expect(t.notices[0].payload).toMatchObject({
      title: 'Approval requested: environment gated-one',
      topic: 'envkit-environments',
      link: '/environments?tab=approvals',
    });

    // The approver sees it among their pending requests; the requester not.
    const pending = await t.api(priya).get('/approvals').expect(200);
    expect(pending.body.items.map((e: { id: string }) => e.id)).toEqual([
      env.id,
    ]);
    const own = await t.api(lena).get('/approvals').expect(200);
    expect(own.body.items).toEqual([]);

    const approved = await t.api(priya).post(`/environments/${env.id}/approve`);
    expect(approved.status).toBe(202);
    expect(approved.body.spec.approval.decision).toMatchObject({
      outcome: 'Approved',
      by: priya,
    });
    expect(
      Date.parse(approved.body.spec.expiresAt) - Date.now(),
    ).toBeGreaterThan(7.9 * 3_600_000);

    await t.settle('Ready', async () => (await t.phaseOf(env.id)) === 'Ready');
    expect(t.applied.sort()).toEqual([
      'gated-one/network',
      'gated-one/service',
    ]);
    expect(await t.timeline(env.id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ApprovalRequested: Waiting for approval by a member of group:default\/platform-team/,
        ),
        `Approved: Approved by ${priya}`,
        'Provisioning: Provisioning started',
      ]),
    );
    expect(JSON.stringify([t.notices, t.audited])).not.toContain(
      'pw-never-shown',
    );
    expect(t.audited).toContainEqual({
      eventId: 'environment-approve',
      meta: { environmentId: env.id, reason: '' },
      ok: true,
    });

    // Decided once: a second decision is a conflict.
    const again = await t.api(priya).post(`/environments/${env.id}/reject`, {
      reason: 'too late',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already approved by/);
  });

  it('refuses the requester (even in the approver group) and non-members with 403', async () => {
    const t = await startBackend();
    const env = await t.create(sam, 'own-request');

    const self = await t.api(sam).post(`/environments/${env.id}/approve`);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/You requested environment/);

    const outsider = await t.api(marco).post(`/environments/${env.id}/approve`);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toMatch(
      /Only members of group:default\/platform-team may approve/,
    );
    expect(await t.phaseOf(env.id)).toBe('AwaitingApproval');
    expect(t.audited.filter(a => a.eventId === 'environment-approve')).toEqual([
      expect.objectContaining({ ok: false }),
      expect.objectContaining({ ok: false }),
    ]);
  });

  it('rejects with a reason: the environment ends Rejected and nothing is made', async () => {
    const t = await startBackend();
    const env = await t.create(lena, 'rejected-one');

    const noReason = await t.api(priya).post(`/environments/${env.id}/reject`);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toBe(
      'reason: required to reject a request',
    );

    await t
      .api(priya)
      .post(`/environments/${env.id}/reject`, { reason: 'use the shared one' })
      .expect(202);
    await t.settle(
      'Rejected',
      async () => (await t.phaseOf(env.id)) === 'Rejected',
    );
    const rejected = (await t.api(lena).get(`/environments/${env.id}`)).body;
    expect(rejected.status.lastError).toEqual({
      reason: 'Rejected',
      message: `Rejected by ${priya}: use the shared one`,
    });
    expect(t.applied).toEqual([]);
    expect(await t.timeline(env.id)).toEqual(
      expect.arrayContaining([
        `Rejected: Rejected by ${priya}: use the shared one`,
      ]),
    );
    expect(t.audited).toContainEqual({
      eventId: 'environment-reject',
      meta: { environmentId: env.id, reason: 'use the shared one' },
      ok: true,
    });
    // The owner hears of it.
    await t.settle('the rejection notice', () =>
      t.notices.some(
        n => n.payload.title === 'Environment rejected-one was not approved',
      ),
    );
    // The name is free again.
    await t.create(lena, 'rejected-one');
  });

  it('rejects a request nobody decided before it expired', async () => {
    const t = await startBackend();
    const env = await t.create(lena, 'slow-one', 'hasty');
    await t.sweep(2);
    expect(await t.phaseOf(env.id)).toBe('AwaitingApproval');
    await new Promise(resolve => setTimeout(resolve, 2_100));
    await t.sweep(1);
    expect(await t.phaseOf(env.id)).toBe('Rejected');
    const rejected = (await t.api(lena).get(`/environments/${env.id}`)).body;
    expect(rejected.status.lastError.reason).toBe('ApprovalExpired');
    expect(rejected.status.lastError.message).toMatch(/^Rejected by expiry/);
    expect(t.applied).toEqual([]);
    const late = await t.api(priya).post(`/environments/${env.id}/approve`);
    expect(late.status).toBe(409);
  });

  it('lets a cheap environment through and holds a costly one when the rule is a monthly cost', async () => {
    const t = await startBackend();
    const createWithPort = async (name: string, containerPort: string) =>
      (
        await t
          .api(lena)
          .post('/environments', {
            name,
            templateRef: 'costly',
            inputs: {
              imageLocation: 'nginx:1.27',
              containerPort,
              dbPassword: 'pw-never-shown',
            },
          })
          .expect(202)
      ).body;

    const cheap = await createWithPort('cheap-one', '80');
    expect(cheap.status.phase).toBe('Pending');
    expect(cheap.spec.approval).toBeUndefined();

    const costly = await createWithPort('costly-one', '8080');
    expect(costly.status.phase).toBe('AwaitingApproval');
    expect(costly.spec.approval).toMatchObject({
      approvers: platformTeam,
      monthlyCost: 8080,
      why: 'Projected $8,080.00 a month, above the $100.00 the template allows without approval',
    });
    await t.settle('the cheap one to be made', () =>
      t.applied.includes('cheap-one/service'),
    );
    expect(t.applied.some(a => a.startsWith('costly-one/'))).toBe(false);
    expect(t.notices.map(n => n.recipients)).toEqual([
      { type: 'entity', entityRef: [platformTeam] },
    ]);
  });
});
