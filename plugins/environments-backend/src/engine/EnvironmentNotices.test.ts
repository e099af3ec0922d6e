import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { EnvironmentNotices } from './EnvironmentNotices';
import { Harness, harnessOn } from './__testUtils__/engineHarness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const HOUR = 3_600_000;

/** Two replicas over one database, each with its own notices and engine. */
function replicas(h: Harness) {
  const sent: NotificationSendOptions[] = [];
  const make = (id: string) =>
    h.engine(id, {
      notices: new EnvironmentNotices({
        store: h.store,
        notifications: {
          send: async options => {
            sent.push(options);
          },
        },
        logger: mockServices.logger.mock(),
        clock: () => new Date(h.now),
      }),
    });
  const engines = [make('replica-a'), make('replica-b')];
  return {
    sent,
    /** Both replicas look for due notices at once, `times` times. */
    async sweepNotices(times = 3) {
      for (let i = 0; i < times; i++) {
        await Promise.all(engines.map(e => e.sweepNotices()));
      }
    },
    /** Both replicas reconcile at once, `times` times, a minute apart. */
    async sweep(times: number) {
      for (let i = 0; i < times; i++) {
        await Promise.all(engines.map(e => e.sweep()));
        h.now += 61_000;
      }
    },
  };
}

const titles = (sent: NotificationSendOptions[]) =>
  sent.map(n => n.payload.title).sort();

describe.each(databases.eachSupportedId())('notices on %p', databaseId => {
  it('sends exactly one 24 h and one 1 h notice per environment from two replicas', async () => {
    const h = await harnessOn(databases, databaseId);
    const r = replicas(h);
    const expiresAt = new Date(h.now + 48 * HOUR).toISOString();
    await h.create('alpha', { expiresAt });
    await h.create('beta', { expiresAt, owner: 'group:default/team-a' });

    await r.sweepNotices();
    expect(r.sent).toEqual([]);

    h.now = Date.parse(expiresAt) - 23 * HOUR;
    await r.sweepNotices();
    expect(titles(r.sent)).toEqual([
      'Environment alpha expires in 23 hours',
      'Environment beta expires in 23 hours',
    ]);
    expect(r.sent.find(n => n.payload.title.includes('beta'))).toMatchObject({
      recipients: { type: 'entity', entityRef: ['group:default/team-a'] },
      payload: {
        link: '/catalog/default/resource/beta',
        topic: 'envkit-environments',
        severity: 'normal',
      },
    });

    h.now = Date.parse(expiresAt) - 30 * 60_000;
    await r.sweepNotices();
    h.now += 10 * 60_000;
    await r.sweepNotices();
    expect(titles(r.sent)).toEqual([
      'Environment alpha expires in 23 hours',
      'Environment alpha expires in 30 minutes',
      'Environment beta expires in 23 hours',
      'Environment beta expires in 30 minutes',
    ]);
    expect(r.sent.filter(n => n.payload.severity === 'high')).toHaveLength(2);
  });

  it('starts the thresholds again when an environment is extended, and skips one longer than its lifetime', async () => {
    const h = await harnessOn(databases, databaseId);
    const r = replicas(h);
    // Eight hours from creation: no "expires within a day" at creation.
    await h.create('short', {
      expiresAt: new Date(h.now + 8 * HOUR).toISOString(),
    });
    await r.sweepNotices();
    expect(r.sent).toEqual([]);

    h.now += 7.5 * HOUR;
    await r.sweepNotices();
    expect(titles(r.sent)).toEqual(['Environment short expires in 30 minutes']);

    const extended = new Date(h.now + 2 * HOUR).toISOString();
    await h.store.updateSpec('short', spec => ({
      ...spec,
      expiresAt: extended,
    }));
    h.now += 1.5 * HOUR;
    await r.sweepNotices();
    expect(titles(r.sent)).toEqual([
      'Environment short expires in 30 minutes',
      'Environment short expires in 30 minutes',
    ]);
  });

  it('sends one failure notice per failure, however many sweeps and retries it takes', async () => {
    const h = await harnessOn(databases, databaseId);
    const r = replicas(h);
    h.driver.failing.set(
      'service',
      'CannotPullContainerError: image not found',
    );
    await h.create('bad');

    await r.sweep(12);
    expect((await h.get('bad')).status.phase).toBe('Failed');
    expect(r.sent.map(n => n.payload.title)).toEqual([
      'Environment bad failed',
    ]);
    expect(r.sent[0].payload).toMatchObject({
      description: 'FakeFailure: CannotPullContainerError: image not found',
      severity: 'high',
      link: '/catalog/default/resource/bad',
    });

    // A new spec is provisioned again and fails again: a second failure.
    await h.store.updateSpec('bad', spec => ({
      ...spec,
      inputs: { image: 'nginx:2' },
    }));
    await r.sweep(12);
    expect((await h.get('bad')).status.phase).toBe('Failed');
    expect(r.sent.map(n => n.payload.title)).toEqual([
      'Environment bad failed',
      'Environment bad failed',
    ]);
  });

  it('tells the owner once when expiry destroyed the environment', async () => {
    const h = await harnessOn(databases, databaseId);
    const r = replicas(h);
    await h.createExpired('old');
    await r.sweep(10);
    expect((await h.get('old')).status.phase).toBe('Destroyed');
    expect(r.sent.map(n => n.payload.title)).toEqual([
      'Environment old expired and was destroyed',
    ]);
  });

  it('sends a failure once when two replicas report the same transition', async () => {
    // The engine's lease already keeps two replicas from reconciling one
    // environment at once; this is the case it cannot cover: a replica whose
    // lease lapsed mid-write reports the transition another one reported.
    const h = await harnessOn(databases, databaseId);
    await h.create('twice');
    const before = await h.get('twice');
    const after = {
      ...before.status,
      phase: 'Failed' as const,
      lastError: { reason: 'FakeFailure', message: 'image not found' },
    };
    const events = [
      {
        at: new Date(h.now).toISOString(),
        type: 'Warning' as const,
        reason: 'Failed',
        message: 'image not found',
      },
    ];
    const sent: NotificationSendOptions[] = [];
    const replica = () =>
      new EnvironmentNotices({
        store: h.store,
        notifications: { send: async options => void sent.push(options) },
        logger: mockServices.logger.mock(),
        clock: () => new Date(h.now),
      });
    await Promise.all(
      [replica(), replica()].map(n =>
        n.afterReconcile(before, after as any, events as any),
      ),
    );
    expect(sent.map(n => n.payload.title)).toEqual([
      'Environment twice failed',
    ]);
  });
});
