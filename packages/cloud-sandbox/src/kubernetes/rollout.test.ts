import {
  planRollout,
  podTemplateHash,
  rolloutDone,
  rolloutStatus,
  type Rollout,
} from './rollout';

const template = (restartedAt?: string) => ({
  metadata: {
    labels: { app: 'web' },
    ...(restartedAt
      ? { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } }
      : {}),
  },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
});

const deployment = (replicas: number, available?: number) => ({
  metadata: { name: 'web' },
  spec: { replicas, template: template() },
  status: available === undefined ? {} : { availableReplicas: available },
});

/** Every status the rollout goes through, from its first step to done. */
function statuses(rollout: Rollout) {
  const out = [];
  let previous;
  for (let ready = rollout.startReady; ; ready++) {
    previous = rolloutStatus(rollout, ready, 2, previous, 'now');
    out.push(previous);
    if (rolloutDone(rollout, ready)) return out;
  }
}

const available = (s: any) =>
  s.conditions.find((c: any) => c.type === 'Available').status;

describe('Deployment rollouts', () => {
  it('names the ReplicaSet after the pod template, which a restart stamp changes', () => {
    const plain = podTemplateHash(template());
    expect(plain).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    expect(podTemplateHash(template())).toBe(plain);
    expect(podTemplateHash(template('2026-12-01T09:00:00Z'))).not.toBe(plain);
  });

  it('replaces three running replicas one at a time without losing availability', () => {
    const rollout = planRollout(deployment(3, 3), 'newhash', 'oldhash');
    expect(rollout).toMatchObject({
      maxSurge: 1,
      maxUnavailable: 0,
      oldAvailable: 3,
      newReplicaSet: true,
      replicaSet: 'web-newhash',
    });
    const steps = statuses(rollout);
    expect(
      steps.map(s => [s.replicas, s.updatedReplicas, s.availableReplicas]),
    ).toEqual([
      [4, 1, 3],
      [4, 2, 3],
      [4, 3, 3],
      [3, 3, 3],
    ]);
    expect(steps.every(s => available(s) === 'True')).toBe(true);
    expect(steps.map(s => s.conditions[1].reason)).toEqual([
      'NewReplicaSetCreated',
      'ReplicaSetUpdated',
      'ReplicaSetUpdated',
      'NewReplicaSetAvailable',
    ]);
    expect(steps[3].conditions[1].message).toBe(
      'ReplicaSet "web-newhash" has successfully progressed.',
    );
    expect(steps.every(s => s.observedGeneration === 2)).toBe(true);
  });

  it('starts a new Deployment with every replica of the one ReplicaSet', () => {
    const steps = statuses(planRollout(deployment(2), 'h', undefined));
    expect(
      steps.map(s => [s.replicas, s.updatedReplicas, s.availableReplicas]),
    ).toEqual([
      [2, 2, undefined],
      [2, 2, 1],
      [2, 2, 2],
    ]);
    expect(available(steps[0])).toBe('False');
    expect(available(steps[2])).toBe('True');
  });

  it('scales without a new ReplicaSet when only the replica count changed', () => {
    const rollout = planRollout(deployment(3, 2), 'same', 'same');
    expect(rollout).toMatchObject({ newReplicaSet: false, startReady: 2 });
    const steps = statuses(rollout);
    expect(steps.map(s => s.availableReplicas)).toEqual([2, 3]);
    expect(steps.every(s => s.conditions[1].message.includes('web-same'))).toBe(
      true,
    );
  });
});
