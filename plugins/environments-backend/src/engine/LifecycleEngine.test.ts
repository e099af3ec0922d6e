// Longer than most files: each engine behaviour runs on SQLite and
// PostgreSQL through one shared harness.
import { DriverFailure } from '@envkit/plugin-environments-node';
import { describeEngine, template } from './__testUtils__/engineHarness';

jest.setTimeout(120_000);

describeEngine('LifecycleEngine', harness => {
  it('provisions resources in dependency order, wires outputs and publishes the endpoint', async () => {
    const h = await harness();
    const env = await h.createReady('web');

    expect(env.status.outputs).toEqual({
      endpoint: 'http://service.example.test',
    });
    expect(env.status.observedGeneration).toBe(1);
    expect(env.status.resources.map(r => [r.name, r.phase])).toEqual([
      ['network', 'Ready'],
      ['service', 'Ready'],
    ]);
    const service = h.driver.resources.get('web/service')!;
    expect(service.parameters).toEqual({
      image: 'nginx:1',
      network: 'web/network',
    });
    const firstServiceCall = h.driver.calls.findIndex(
      c => c.key === 'web/service',
    );
    const lastNetworkApply = h.driver.calls
      .map((c, i) => (c.key === 'web/network' && c.verb === 'apply' ? i : -1))
      .reduce((a, b) => Math.max(a, b));
    expect(firstServiceCall).toBeGreaterThan(lastNetworkApply);

    expect(await h.eventReasons('web')).toEqual([
      'Provisioning',
      'ResourceReady',
      'ResourceReady',
      'Ready',
    ]);
  });

  it('announces each phase change once, so the catalog entity can follow at once', async () => {
    const h = await harness();
    await h.createReady('web');
    // Settled sweeps that change nothing the entity shows announce nothing.
    for (let i = 0; i < 3; i++) {
      h.now += 61_000;
      await h.engine().sweep();
    }
    await h.store.updateSpec('web', spec => ({
      ...spec,
      deletionRequestedAt: new Date(h.now).toISOString(),
    }));
    await h.runUntil('web', 'Destroyed');

    expect(
      h.published.map(p => [p.topic, (p.eventPayload as any).phase]),
    ).toEqual([
      ['envkit.environment-changed', 'Provisioning'],
      ['envkit.environment-changed', 'Ready'],
      ['envkit.environment-changed', 'Destroying'],
      ['envkit.environment-changed', 'Destroyed'],
    ]);
    expect(h.published[0].eventPayload).toEqual({
      environmentId: 'web',
      phase: 'Provisioning',
    });
  });

  it('reaches the same end state with no repeated side effect when restarted between any two steps', async () => {
    const h = await harness();
    // Every sweep runs on a fresh engine: nothing survives but the database.
    const env = await h.createReady('crashy', { restart: true });
    expect(env.status.outputs.endpoint).toBe('http://service.example.test');
    expect(h.driver.creates).toBe(2);

    // A replica that dies after its driver calls but before it records
    // anything: its lease runs out and the next one carries on.
    const h2 = await harness();
    await h2.create('lost');
    const dying = h2.engine('dying');
    const realUpdate = h2.store.updateStatus.bind(h2.store);
    let crashes = 0;
    h2.store.updateStatus = async (...args) => {
      if (crashes < 3) {
        crashes++;
        throw new Error('process killed');
      }
      return realUpdate(...args);
    };
    for (let i = 0; i < 3; i++) {
      await dying.sweep();
      h2.now += 61_000;
    }
    const recovered = await h2.runUntil('lost', 'Ready', { restart: true });
    expect(recovered.status.phase).toBe('Ready');
    expect(h2.driver.creates).toBe(2);
  });

  it('applies independent resources in parallel', async () => {
    const h = await harness();
    h.driver.callDelayMs = 20;
    h.driver.stepsToReady = 1;
    await h.create('fan', {
      templateSnapshot: template({
        resources: [
          { name: 'a', driver: 'fake' },
          { name: 'b', driver: 'fake' },
          { name: 'c', driver: 'fake' },
          { name: 'app', driver: 'fake', dependsOn: ['a', 'b', 'c'] },
        ],
        outputs: { endpoint: '${{ resources.app.outputs.url }}' },
      }),
    });

    await h.engine().sweep();

    // One sweep: a, b and c together, then app once they are Ready.
    expect(h.driver.maxInFlightPerEnvironment).toBe(3);
    expect((await h.get('fan')).status.phase).toBe('Ready');
    expect(h.driver.calls.map(c => c.key.split('/')[1])).toEqual([
      'a',
      'b',
      'c',
      'app',
    ]);
  });

  it('applies a spec change as a new generation and settles on it', async () => {
    const h = await harness();
    await h.createReady('upd');

    await h.store.updateSpec('upd', spec => ({
      ...spec,
      inputs: { image: 'nginx:2' },
    }));
    const updated = await h.runUntil('upd', 'Ready');

    expect(updated.status.observedGeneration).toBe(2);
    expect(h.driver.resources.get('upd/service')!.parameters).toMatchObject({
      image: 'nginx:2',
    });
    expect(await h.eventReasons('upd')).toContain('Updating');
    expect(h.driver.creates).toBe(2);
  });

  it('destroys in reverse order, frees the name, and is idempotent', async () => {
    const h = await harness();
    await h.createReady('bye');
    await h.store.updateSpec('bye', spec => ({
      ...spec,
      deletionRequestedAt: new Date(h.now).toISOString(),
    }));

    const gone = await h.runUntil('bye', 'Destroyed');

    expect(gone.status.outputs).toEqual({});
    expect(h.driver.resources.size).toBe(0);
    const destroys = h.driver.calls.filter(c => c.verb === 'destroy');
    expect(destroys[0].key).toBe('bye/service');
    expect(destroys[destroys.length - 1].key).toBe('bye/network');
    expect(h.driver.deletes).toBe(2);
    // Destroy gets the same resolved parameters apply did (region, names…).
    expect(h.driver.destroyParameters.get('bye/service')).toEqual({
      image: 'nginx:1',
      network: 'bye/network',
    });
    // Nothing more happens to a destroyed environment.
    const calls = h.driver.calls.length;
    await h.engine().sweep();
    expect(h.driver.calls.length).toBe(calls);
    await expect(
      h.create('bye-again', { name: 'bye' }),
    ).resolves.toBeUndefined();
  });

  it('destroys an environment whose TTL ran out', async () => {
    const h = await harness();
    await h.createExpired('ttl');

    const gone = await h.runUntil('ttl', 'Destroyed');
    expect(gone.status.phase).toBe('Destroyed');
    expect(await h.eventReasons('ttl')).toContain('Expired');
  });

  it('finishes a destroy that expiry started even when the spec changes meanwhile', async () => {
    const h = await harness();
    await h.createExpired('lapse');
    // The network's delete fails once, so the environment stays Destroying.
    h.driver.throwing.set('network', 1);
    await h.engine().sweep();
    expect((await h.get('lapse')).status.phase).toBe('Destroying');
    // A later expiry and a new generation reach the store (an extend that
    // raced the sweep): the destroy goes on, nothing is applied again.
    await h.store.updateSpec('lapse', spec => ({
      ...spec,
      generation: spec.generation + 1,
      expiresAt: new Date(h.now + 86_400_000).toISOString(),
    }));
    const applies = h.driver.calls.filter(c => c.verb === 'apply').length;
    h.now += 61_000;

    const gone = await h.runUntil('lapse', 'Destroyed');
    expect(gone.status.phase).toBe('Destroyed');
    expect(h.driver.resources.size).toBe(0);
    expect(h.driver.calls.filter(c => c.verb === 'apply').length).toBe(applies);
  });

  it('fails with the driver reason and rolls back what was made, by default', async () => {
    const h = await harness();
    h.driver.failing.set(
      'service',
      'CannotPullContainerError: image not found',
    );
    await h.create('bad');

    const failed = await h.runUntil('bad', 'Failed');
    expect(failed.status.lastError).toEqual({
      reason: 'FakeFailure',
      message: 'CannotPullContainerError: image not found',
      resource: 'service',
    });
    for (let i = 0; i < 6; i++) {
      await h.engine().sweep();
      h.now += 61_000;
    }
    const after = await h.get('bad');
    expect(after.status.phase).toBe('Failed');
    expect(h.driver.resources.size).toBe(0);
    expect(
      after.status.conditions.find(c => c.type === 'RolledBack')?.status,
    ).toBe('True');
  });

  it('keeps a failed environment for inspection when the template says so', async () => {
    const h = await harness();
    h.driver.failing.set('service', 'boom');
    await h.create('keep', {
      templateSnapshot: template({ failurePolicy: 'keep' }),
    });

    await h.runUntil('keep', 'Failed');
    for (let i = 0; i < 4; i++) {
      await h.engine().sweep();
      h.now += 61_000;
    }
    expect(h.driver.resources.has('keep/network')).toBe(true);
    expect(h.driver.calls.filter(c => c.verb === 'destroy')).toEqual([]);
  });

  it('retries driver errors with backoff, and fails once they persist', async () => {
    const h = await harness();
    h.driver.throwing.set('network', 2);
    await h.create('flaky');
    // After a failed call the environment waits out its backoff: sweeping
    // again at once makes no call.
    await h.engine().sweep();
    const callsAfterError = h.driver.calls.length;
    await h.engine().sweep();
    expect(h.driver.calls.length).toBe(callsAfterError);
    h.now += 61_000;
    const ready = await h.runUntil('flaky', 'Ready');
    expect(ready.status.lastError).toBeUndefined();

    h.driver.throwing.set('network', 100);
    await h.create('down');
    const failed = await h.runUntil('down', 'Failed');
    expect(failed.status.lastError).toMatchObject({
      reason: 'DriverUnavailable',
      resource: 'network',
    });
    expect(failed.status.lastError!.message).toMatch(/Rate exceeded/);
  });

  it('does not call a driver again before the earliest retry time it named', async () => {
    const h = await harness();
    const retryAt = h.now + 10 * 60_000;
    h.driver.failures.set(
      'network',
      DriverFailure.retryable({
        reason: 'Throttled',
        message: 'slow down',
        retryAt: new Date(retryAt),
      }),
    );
    await h.create('later');
    const engine = h.engine();
    const networkCalls = () =>
      h.driver.calls.filter(c => c.key === 'later/network').length;

    await engine.sweep();
    expect(networkCalls()).toBe(1);
    h.driver.failures.delete('network');

    // Well past the engine's own backoff, but before the named time:
    // neither a sweep nor a direct reconcile calls the driver.
    h.now = retryAt - 60_000;
    await engine.sweep();
    await engine.reconcile(await h.get('later'));
    expect(networkCalls()).toBe(1);

    h.now = retryAt + 1_000;
    await engine.sweep();
    expect(networkCalls()).toBe(2);
    expect((await h.get('later')).status.phase).toBe('Provisioning');
  });

  it('keeps an environment that needs a person where it is, and says why', async () => {
    const h = await harness();
    h.driver.failures.set(
      'network',
      DriverFailure.needsAttention({
        reason: 'ForeignNamespace',
        message: 'the name is taken by someone else',
      }),
    );
    await h.create('blocked');
    const engine = h.engine();
    for (let i = 0; i < 12; i++) {
      await engine.sweep();
      h.now += 61_000;
    }
    const blocked = await h.get('blocked');
    expect(blocked.status.phase).toBe('Provisioning');
    expect(blocked.status.lastError).toEqual({
      reason: 'ForeignNamespace',
      message: 'the name is taken by someone else',
      resource: 'network',
    });
    expect(h.driver.calls.filter(c => c.verb === 'destroy')).toEqual([]);
    const warnings = (await h.store.listEvents('blocked')).filter(
      e => e.reason === 'ForeignNamespace',
    );
    expect(warnings).toHaveLength(1);

    h.driver.failures.delete('network');
    const ready = await h.runUntil('blocked', 'Ready');
    expect(ready.status.lastError).toBeUndefined();
  });

  it('keeps what the driver observed for the owner to read', async () => {
    const h = await harness();
    await h.createReady('seen');
    // A settled environment is observed on the next due sweep.
    await h.runUntil('seen', 'Ready');
    h.now += 3_600_000;
    await h.engine().sweep();

    const seen = await h.get('seen');
    expect(seen.status.resources.map(r => r.details)).toEqual([
      { observedBy: 'fake' },
      { observedBy: 'fake' },
    ]);
  });

  it('restores drift it observes on a settled environment', async () => {
    const h = await harness();
    await h.createReady('drift');
    h.driver.resources.get('drift/network')!.drifted = true;

    await h.engine().sweep(); // observes the drift
    h.now += 61_000;
    await h.runUntil('drift', 'Ready');

    expect(h.driver.resources.get('drift/network')!.drifted).toBe(false);
    const reasons = await h.eventReasons('drift');
    expect(reasons).toContain('Drift');
    expect(reasons).toContain('Restored');
  });

  it('never lets two replicas work on one environment at the same time', async () => {
    const h = await harness();
    h.driver.callDelayMs = 5;
    for (let i = 0; i < 6; i++) await h.create(`par-${i}`);
    const a = h.engine('a');
    const b = h.engine('b');
    for (let round = 0; round < 12; round++) {
      await Promise.all([a.sweep(), b.sweep(), a.sweep()]);
      h.now += 61_000;
    }
    for (let i = 0; i < 6; i++) {
      expect((await h.get(`par-${i}`)).status.phase).toBe('Ready');
    }
    expect(h.driver.maxInFlightPerResource).toBe(1);
    expect(h.driver.creates).toBe(12);
  });
});
