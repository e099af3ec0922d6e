import { TestDatabases } from '@backstage/backend-test-utils';
import {
  EnvironmentSpec,
  EnvironmentStatus,
  pendingEnvironmentStatus,
} from '@envkit/plugin-environments-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { EnvironmentFilter } from '../permissions/rules';
import { databaseStore } from './__testUtils__/databaseStore';
import { NewEnvironment } from './EnvironmentStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

function newEnvironment(
  id: string,
  overrides: Partial<EnvironmentSpec> = {},
): NewEnvironment {
  const spec: EnvironmentSpec = {
    name: `env-${id}`,
    templateRef: 'environmenttemplate:default/ecs-service',
    templateVersion: '1.0.0',
    templateSnapshot: {} as EnvironmentSpec['templateSnapshot'],
    inputs: { containerPort: 8080 },
    owner: 'group:default/team-storefront',
    generation: 1,
    ...overrides,
  };
  return {
    id,
    spec,
    status: pendingEnvironmentStatus(),
    createdBy: 'user:default/lena',
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseEnvironmentStore on %p',
  databaseId => {
    const createStore = () => databaseStore(databases, databaseId);

    it('keeps what the API wrote and reads it back', async () => {
      const { store } = await createStore();
      const { environment: created } = await store.createEnvironment(
        newEnvironment('a1'),
      );

      expect(created.spec.name).toBe('env-a1');
      expect(created.spec.inputs).toEqual({ containerPort: 8080 });
      expect(created.status.phase).toBe('Pending');
      expect(Date.parse(created.createdAt)).not.toBeNaN();
      await expect(store.getEnvironment('a1')).resolves.toEqual(created);
      await expect(store.getEnvironment('missing')).resolves.toBeUndefined();
    });

    it('refuses a second live environment with the same name, and frees the name once destroyed', async () => {
      const { store } = await createStore();
      await store.createEnvironment(newEnvironment('b1', { name: 'demo' }));

      await expect(
        store.createEnvironment(newEnvironment('b2', { name: 'demo' })),
      ).rejects.toThrow(/environment named 'demo' already exists/);

      const [leased] = await store.leaseEnvironmentsDue({
        leaseOwner: 'replica-1',
        leaseDurationMs: 60_000,
        limit: 10,
      });
      const destroyed: EnvironmentStatus = {
        ...leased.environment.status,
        phase: 'Destroyed',
        observedGeneration: 1,
      };
      await store.updateStatus('b1', destroyed, { leaseOwner: 'replica-1' });

      await expect(
        store.createEnvironment(newEnvironment('b3', { name: 'demo' })),
      ).resolves.toMatchObject({ environment: { id: 'b3' }, created: true });
    });

    it('filters by owner, template and phase, leaving destroyed ones out', async () => {
      const { store } = await createStore();
      await store.createEnvironment(newEnvironment('c1'));
      await store.createEnvironment(
        newEnvironment('c2', { owner: 'group:default/team-payments' }),
      );
      await store.createEnvironment(
        newEnvironment('c3', {
          templateRef: 'environmenttemplate:default/namespace',
        }),
      );

      const byOwner = await store.listEnvironments({
        owner: 'group:default/team-payments',
      });
      expect(byOwner.items.map(e => e.id)).toEqual(['c2']);
      expect(byOwner.totalCount).toBe(1);

      const byTemplate = await store.listEnvironments({
        template: 'environmenttemplate:default/namespace',
      });
      expect(byTemplate.items.map(e => e.id)).toEqual(['c3']);

      const page = await store.listEnvironments({ limit: 2 });
      expect(page.items).toHaveLength(2);
      expect(page.totalCount).toBe(3);

      await expect(
        store.countActiveEnvironments({
          owner: 'group:default/team-storefront',
        }),
      ).resolves.toBe(2);
    });

    it('lists what an owner rule allows: owned or created by a claim, newest first, each once, page after page', async () => {
      const { store } = await createStore();
      const make = (id: string, owner: string, createdBy: string) =>
        store.createEnvironment({
          ...newEnvironment(id, { owner: `group:default/${owner}` }),
          createdBy: `user:default/${createdBy}`,
        });
      await make('o1', 'team-a', 'lena');
      await make('o2', 'team-b', 'omar');
      await make('o3', 'team-a', 'omar');
      await make('o4', 'team-c', 'lena');
      await make('o5', 'team-d', 'lena');
      await make('o6', 'team-c', 'ines');
      const claims = [
        'user:default/omar',
        'group:default/team-a',
        'group:default/team-d',
      ];
      const filter: PermissionCriteria<EnvironmentFilter> = {
        anyOf: [
          { key: 'owner', values: claims },
          { key: 'createdBy', values: claims },
        ],
      };
      const everything = await store.listEnvironments({ limit: 100 });
      const expected = everything.items
        .map(e => e.id)
        .filter(id => ['o1', 'o2', 'o3', 'o5'].includes(id));

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listEnvironments({ limit: 2, filter, cursor });
        expect(page.totalCount).toBe(4);
        expect(page.totalCountExact).toBe(true);
        seen.push(...page.items.map(e => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    });

    it('returns the first environment when a create is retried with the same key', async () => {
      const { store } = await createStore();
      const first = await store.createEnvironment({
        ...newEnvironment('k1', { name: 'retry' }),
        idempotencyKey: 'abc',
      });
      const retry = await store.createEnvironment({
        ...newEnvironment('k2', { name: 'retry' }),
        idempotencyKey: 'abc',
      });
      expect(first.created).toBe(true);
      expect(retry).toEqual({ environment: first.environment, created: false });

      // The same key from someone else is a different request.
      await expect(
        store.createEnvironment({
          ...newEnvironment('k3', { name: 'other' }),
          createdBy: 'user:default/marco',
          idempotencyKey: 'abc',
        }),
      ).resolves.toMatchObject({ created: true });
    });

    it('bumps the generation on every spec change', async () => {
      const { store } = await createStore();
      await store.createEnvironment(newEnvironment('d1'));

      const updated = await store.updateSpec('d1', spec => ({
        ...spec,
        expiresAt: '2030-01-01T00:00:00.000Z',
      }));

      expect(updated.spec.generation).toBe(2);
      expect(updated.spec.expiresAt).toBe('2030-01-01T00:00:00.000Z');
      await expect(store.updateSpec('nope', s => s)).rejects.toThrow(
        /No environment with id 'nope'/,
      );
    });

    it('leases each due environment to one replica only, and takes back expired leases', async () => {
      const { store } = await createStore();
      for (const id of ['e1', 'e2', 'e3']) {
        await store.createEnvironment(newEnvironment(id));
      }

      const [first, second] = await Promise.all([
        store.leaseEnvironmentsDue({
          leaseOwner: 'replica-1',
          leaseDurationMs: 60_000,
          limit: 10,
        }),
        store.leaseEnvironmentsDue({
          leaseOwner: 'replica-2',
          leaseDurationMs: 60_000,
          limit: 10,
        }),
      ]);
      const ids = [...first, ...second].map(l => l.environment.id).sort();
      expect(ids).toEqual(['e1', 'e2', 'e3']);

      // The replica that lost nothing can't write status for what it doesn't hold.
      const holder = first.length ? 'replica-1' : 'replica-2';
      const other = holder === 'replica-1' ? 'replica-2' : 'replica-1';
      const heldId = (first.length ? first : second)[0].environment.id;
      const status = (await store.getEnvironment(heldId))!.status;
      for (const [leaseOwner, written] of [
        [other, false],
        [holder, true],
      ] as const) {
        await expect(
          store.updateStatus(
            heldId,
            { ...status, phase: 'Provisioning' },
            { leaseOwner },
          ),
        ).resolves.toBe(written);
      }

      // A crashed replica's leases are picked up once they run out.
      const later = new Date(Date.now() + 120_000);
      const takenOver = await store.leaseEnvironmentsDue({
        leaseOwner: 'replica-3',
        leaseDurationMs: 60_000,
        limit: 10,
        now: later,
      });
      expect(takenOver.map(l => l.environment.id).sort()).toEqual([
        'e1',
        'e2',
        'e3',
      ]);
    });

    it('does not hand out a settled environment until it is due again', async () => {
      const { store } = await createStore();
      await store.createEnvironment(newEnvironment('f1'));
      const [leased] = await store.leaseEnvironmentsDue({
        leaseOwner: 'r',
        leaseDurationMs: 60_000,
        limit: 1,
      });
      await store.updateStatus(
        'f1',
        { ...leased.environment.status, phase: 'Ready', observedGeneration: 1 },
        { leaseOwner: 'r' },
      );
      const inAMinute = new Date(Date.now() + 60_000);
      await store.releaseLease('f1', {
        leaseOwner: 'r',
        nextReconcileAt: inAMinute,
        generation: leased.environment.spec.generation,
      });

      await expect(
        store.leaseEnvironmentsDue({
          leaseOwner: 'r',
          leaseDurationMs: 1,
          limit: 1,
        }),
      ).resolves.toEqual([]);

      // A spec change makes it due at once.
      await store.updateSpec('f1', spec => ({ ...spec }));
      const again = await store.leaseEnvironmentsDue({
        leaseOwner: 'r',
        leaseDurationMs: 1,
        limit: 1,
      });
      expect(again.map(l => l.environment.id)).toEqual(['f1']);
    });

    it('keeps an environment due when its spec changed while it was leased', async () => {
      const { store } = await createStore();
      await store.createEnvironment(newEnvironment('h1'));
      const [leased] = await store.leaseEnvironmentsDue({
        leaseOwner: 'r',
        leaseDurationMs: 60_000,
        limit: 1,
      });
      // A destroy lands while the holder is still applying what it read.
      await store.updateSpec('h1', spec => ({
        ...spec,
        deletionRequestedAt: new Date().toISOString(),
      }));
      // The holder finishes with its own, settled schedule.
      await store.releaseLease('h1', {
        leaseOwner: 'r',
        nextReconcileAt: new Date(Date.now() + 10 * 60_000),
        generation: leased.environment.spec.generation,
      });

      const again = await store.leaseEnvironmentsDue({
        leaseOwner: 'r',
        leaseDurationMs: 1,
        limit: 1,
      });
      expect(again.map(l => l.environment.spec.deletionRequestedAt)).toEqual([
        expect.any(String),
      ]);
    });

    it('keeps the events timeline newest first', async () => {
      const { store } = await createStore();
      await store.createEnvironment(newEnvironment('g1'));
      await store.appendEvents('g1', [
        {
          at: '2026-01-01T00:00:00.000Z',
          type: 'Normal',
          reason: 'Created',
          message: 'Environment requested',
        },
        {
          at: '2026-01-01T00:01:00.000Z',
          type: 'Warning',
          reason: 'StackFailed',
          message: 'Subnet creation failed',
          resource: 'network',
        },
      ]);

      const events = await store.listEvents('g1');
      expect(events.map(e => e.reason)).toEqual(['StackFailed', 'Created']);
      expect(events[0]).toMatchObject({
        type: 'Warning',
        resource: 'network',
        at: '2026-01-01T00:01:00.000Z',
      });
    });
  },
);
