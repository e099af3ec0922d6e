import { DriverFailure } from '@envkit/plugin-environments-node';
import { describeEngine, template } from './__testUtils__/engineHarness';

// Day-2 behaviour of a Ready environment: redeploys, upgrades, failures
// after the first creation, secret inputs.

jest.setTimeout(120_000);

/** v1 of a template with three resources; v2 drops `cache`. */
const threeResources = template({
  resources: [
    ...template().resources,
    {
      name: 'cache',
      driver: 'fake',
      dependsOn: ['network'],
      parameters: { network: '${{ resources.network.outputs.id }}' },
    },
  ],
});

describeEngine('LifecycleEngine day 2', harness => {
  it('rolls a redeploy out to every resource while the environment stays Ready', async () => {
    const h = await harness();
    await h.createReady('roll');
    const redeployAt = new Date(h.now).toISOString();
    await h.store.updateSpec('roll', spec => ({
      ...spec,
      redeployRequestedAt: redeployAt,
      redeployGeneration: spec.generation + 1,
    }));

    const phases: string[] = [];
    for (let i = 0; i < 6; i++) {
      await h.engine().sweep();
      h.now += 61_000;
      phases.push((await h.get('roll')).status.phase);
    }

    expect(new Set(phases)).toEqual(new Set(['Ready']));
    expect(h.driver.rollouts).toBe(2);
    const after = await h.get('roll');
    expect(after.status.observedGeneration).toBe(2);
    expect(after.status.outputs.endpoint).toBe('http://service.example.test');
    const reasons = await h.eventReasons('roll');
    expect(reasons).toContain('RolloutStarted');
    expect(reasons).toContain('RolledOut');
    expect(reasons).not.toContain('Updating');
    // Settled again: no further rollouts on later sweeps.
    h.now += 3_600_000;
    await h.engine().sweep();
    expect(h.driver.rollouts).toBe(2);
  });

  it('applies a change made while the environment is still being provisioned', async () => {
    const h = await harness();
    await h.create('early');
    await h.engine().sweep();
    expect((await h.get('early')).status.phase).toBe('Provisioning');
    await h.store.updateSpec('early', spec => ({
      ...spec,
      inputs: { image: 'nginx:2' },
      redeployRequestedAt: new Date(h.now).toISOString(),
      redeployGeneration: spec.generation + 1,
    }));

    const ready = await h.runUntil('early', 'Ready');
    expect(ready.status.observedGeneration).toBe(2);
    expect(h.driver.resources.get('early/service')!.parameters).toMatchObject({
      image: 'nginx:2',
    });
  });

  it('removes the resources an upgrade dropped, after the new version is Ready', async () => {
    const h = await harness();
    await h.create('upg', { templateSnapshot: threeResources });
    await h.runUntil('upg', 'Ready');
    expect(h.driver.resources.has('upg/cache')).toBe(true);

    await h.store.updateSpec('upg', spec => ({
      ...spec,
      templateVersion: '2.0.0',
      templateSnapshot: template({ version: '2.0.0' }),
      retiredResources: [threeResources.resources[2]],
    }));
    const upgraded = await h.runUntil('upg', 'Ready');

    expect([...h.driver.resources.keys()].sort()).toEqual([
      'upg/network',
      'upg/service',
    ]);
    expect(upgraded.status.resources.find(r => r.name === 'cache')?.phase).toBe(
      'Destroyed',
    );
    // The dropped resource went only once the new version was applied.
    const calls = h.driver.calls;
    const cacheDestroy = calls.findIndex(
      c => c.verb === 'destroy' && c.key === 'upg/cache',
    );
    const lastServiceApply = calls
      .map((c, i) => (c.verb === 'apply' && c.key === 'upg/service' ? i : -1))
      .reduce((a, b) => Math.max(a, b));
    expect(cacheDestroy).toBeGreaterThan(lastServiceApply);

    // Destroying the environment later does not touch the retired one again.
    await h.store.updateSpec('upg', spec => ({
      ...spec,
      deletionRequestedAt: new Date(h.now).toISOString(),
    }));
    await h.runUntil('upg', 'Destroyed');
    expect(h.driver.resources.size).toBe(0);
  });

  it('destroys a dropped resource that was never retired when the environment is destroyed mid-upgrade', async () => {
    const h = await harness();
    await h.create('mid', { templateSnapshot: threeResources });
    await h.runUntil('mid', 'Ready');
    await h.store.updateSpec('mid', spec => ({
      ...spec,
      templateVersion: '2.0.0',
      templateSnapshot: template({ version: '2.0.0' }),
      retiredResources: [threeResources.resources[2]],
      deletionRequestedAt: new Date(h.now).toISOString(),
    }));
    await h.runUntil('mid', 'Destroyed');
    expect(h.driver.resources.size).toBe(0);
  });

  it('keeps a Ready environment running when a change fails: Degraded, outputs kept, nothing destroyed', async () => {
    const h = await harness();
    await h.createReady('deg');
    h.driver.failing.set('service', 'tasks never became healthy');
    await h.store.updateSpec('deg', spec => ({
      ...spec,
      inputs: { image: 'broken:1' },
    }));

    const degraded = await h.runUntil('deg', 'Degraded');
    expect(degraded.status.lastError).toMatchObject({
      reason: 'FakeFailure',
      message: 'tasks never became healthy',
      resource: 'service',
    });
    expect(degraded.status.outputs.endpoint).toBe(
      'http://service.example.test',
    );
    expect(degraded.status.lastReadyGeneration).toBe(1);
    for (let i = 0; i < 5; i++) {
      await h.engine().sweep();
      h.now += 61_000;
    }
    expect(h.driver.calls.filter(c => c.verb === 'destroy')).toEqual([]);
    expect(h.driver.resources.size).toBe(2);
    expect((await h.get('deg')).status.phase).toBe('Degraded');

    // Fixed and retried (a new generation): Ready on the new spec.
    h.driver.failing.delete('service');
    await h.store.updateSpec('deg', spec => ({
      ...spec,
      retryRequestedAt: new Date(h.now).toISOString(),
    }));
    const ready = await h.runUntil('deg', 'Ready');
    expect(ready.status.lastError).toBeUndefined();
    expect(ready.status.lastReadyGeneration).toBe(3);
  });

  it('never destroys anything when a check of a Ready environment fails, and recovers when it passes', async () => {
    const h = await harness();
    await h.createReady('chk');
    h.driver.failures.set(
      'service',
      DriverFailure.permanent({
        reason: 'DeploymentFailed',
        message: 'ECS deployment circuit breaker: tasks failed to start',
      }),
    );
    h.now += 3_600_000;
    const degraded = await h.runUntil('chk', 'Degraded');
    expect(degraded.status.lastError?.reason).toBe('DeploymentFailed');
    expect(degraded.status.outputs.endpoint).toBe(
      'http://service.example.test',
    );
    expect(h.driver.calls.filter(c => c.verb === 'destroy')).toEqual([]);

    h.driver.failures.delete('service');
    h.now += 3_600_000;
    const recovered = await h.runUntil('chk', 'Ready');
    expect(recovered.status.lastError).toBeUndefined();
    expect(h.driver.resources.size).toBe(2);
  });

  it('gives drivers secret inputs and the paths holding them, never storing them in the spec or status', async () => {
    const h = await harness();
    const secretTemplate = template({
      parameters: {
        properties: {
          image: { type: 'string' },
          dbPassword: { type: 'string', secret: true },
        },
      },
      resources: [
        {
          name: 'network',
          driver: 'fake',
          parameters: { cidr: '10.0.0.0/16' },
        },
        {
          name: 'service',
          driver: 'fake',
          dependsOn: ['network'],
          parameters: {
            image: '${{ inputs.image }}',
            DbPassword: '${{ inputs.dbPassword }}',
          },
        },
      ],
      outputs: { endpoint: '${{ resources.service.outputs.url }}' },
    });
    await h.create(
      'sec',
      { templateSnapshot: secretTemplate, secretInputs: ['dbPassword'] },
      { dbPassword: 'hunter2-unique-7f3a' },
    );
    const ready = await h.runUntil('sec', 'Ready');

    const applied = h.driver.applied.get('sec/service')!;
    expect(applied.parameters.DbPassword).toBe('hunter2-unique-7f3a');
    expect(applied.secretParameters).toEqual(['DbPassword']);
    expect(h.driver.applied.get('sec/network')!.secretParameters).toBe(
      undefined,
    );
    // The fake echoes its parameters into an output no template
    // publishes; spec, events and published outputs never hold the value.
    const events = await h.store.listEvents('sec');
    expect(
      JSON.stringify([ready.spec, ready.status.outputs, events]),
    ).not.toContain('hunter2-unique-7f3a');
  });
});
