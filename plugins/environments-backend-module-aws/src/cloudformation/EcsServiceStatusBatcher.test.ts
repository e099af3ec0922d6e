import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { AwsTarget } from './AwsClients';
import { AwsRateLimiter } from './AwsRateLimiter';
import { EcsServiceStatusBatcher } from './EcsServiceStatusBatcher';

const WINDOW_MS = 50;

/** An account whose ECS answers every DescribeServices and records it. */
function recordingTarget() {
  const calls: string[][] = [];
  const ecs = {
    send: async (command: DescribeServicesCommand) => {
      const services = command.input.services ?? [];
      calls.push(services);
      return {
        services: services.map(name => ({
          serviceName: name,
          status: 'ACTIVE',
        })),
      };
    },
  };
  const target = { key: '123456789012/us-east-1', ecs } as unknown as AwsTarget;
  return { target, calls };
}

describe('EcsServiceStatusBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const batcher = () =>
    new EcsServiceStatusBatcher({
      limiter: new AwsRateLimiter({ requestsPerSecond: 1000, burst: 1000 }),
      windowMs: WINDOW_MS,
    });

  it("fills a cluster's last call with the lookups of the next window", async () => {
    const { target, calls } = recordingTarget();
    const subject = batcher();
    const lookups = Array.from({ length: 12 }, (_, i) =>
      subject.describe(target, 'shared', `svc-${i}`),
    );
    await jest.advanceTimersByTimeAsync(WINDOW_MS + 5);
    // The first ten went at once; two wait for company.
    expect(calls.map(c => c.length)).toEqual([10]);
    for (let i = 12; i < 20; i++) {
      lookups.push(subject.describe(target, 'shared', `svc-${i}`));
    }
    await jest.advanceTimersByTimeAsync(WINDOW_MS);
    expect(calls.map(c => c.length)).toEqual([10, 10]);
    const services = await Promise.all(lookups);
    expect(services.map(s => s?.serviceName)).toEqual(
      Array.from({ length: 20 }, (_, i) => `svc-${i}`),
    );
  });

  it('answers a lookup that finds no company within two windows', async () => {
    const { target, calls } = recordingTarget();
    const subject = batcher();
    let answered = false;
    const lookup = subject
      .describe(target, 'own-cluster', 'lonely')
      .then(service => {
        answered = true;
        return service;
      });
    await jest.advanceTimersByTimeAsync(WINDOW_MS + 5);
    expect(answered).toBe(false);
    await jest.advanceTimersByTimeAsync(WINDOW_MS);
    expect(answered).toBe(true);
    expect((await lookup)?.serviceName).toBe('lonely');
    expect(calls).toEqual([['lonely']]);
  });

  it('sends everything on flush, partial calls included', async () => {
    const { target, calls } = recordingTarget();
    const subject = batcher();
    const lookups = ['a', 'b', 'c'].map(name =>
      subject.describe(target, 'shared', name),
    );
    await subject.flush();
    expect(calls).toEqual([['a', 'b', 'c']]);
    expect((await Promise.all(lookups)).map(s => s?.serviceName)).toEqual([
      'a',
      'b',
      'c',
    ]);
    await jest.advanceTimersByTimeAsync(3 * WINDOW_MS);
    expect(calls).toHaveLength(1);
  });
});
