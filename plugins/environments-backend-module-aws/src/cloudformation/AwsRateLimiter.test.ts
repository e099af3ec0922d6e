import { AwsRateLimiter } from './AwsRateLimiter';

function awsError(name: string, status = 400) {
  return Object.assign(new Error(name), {
    name,
    $metadata: { httpStatusCode: status },
  });
}

describe('AwsRateLimiter', () => {
  it('retries throttled calls with growing backoff until they succeed', async () => {
    const sleeps: number[] = [];
    const limiter = new AwsRateLimiter({
      baseDelayMs: 100,
      random: () => 1,
      sleep: async ms => {
        sleeps.push(ms);
      },
    });
    let calls = 0;
    const result = await limiter.run('000000000000/us-east-1', async () => {
      calls += 1;
      if (calls < 4) throw awsError('Throttling');
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('gives up after maxAttempts and passes other errors straight through', async () => {
    const limiter = new AwsRateLimiter({
      maxAttempts: 3,
      sleep: async () => {},
    });
    // Throttling is retried up to the limit; anything else is not retried.
    for (const [code, expectedCalls] of [
      ['ThrottlingException', 3],
      ['ValidationError', 1],
    ] as const) {
      let calls = 0;
      await expect(
        limiter.run('k', async () => {
          calls += 1;
          throw awsError(code);
        }),
      ).rejects.toThrow(code);
      expect(calls).toBe(expectedCalls);
    }
  });

  it('spaces calls of one account and region at the configured rate, others unaffected', async () => {
    const waits = new Map<string, number>();
    const limiter = new AwsRateLimiter({
      requestsPerSecond: 10,
      burst: 2,
      sleep: async ms => {
        waits.set('last', ms);
      },
    });
    const waited: number[] = [];
    for (let i = 0; i < 4; i++) {
      waits.delete('last');
      await limiter.acquire('a/us-east-1');
      waited.push(Math.round(waits.get('last') ?? 0));
    }
    // Two from the burst, then one every 100 ms (reserved in order).
    expect(waited[0]).toBe(0);
    expect(waited[1]).toBe(0);
    expect(waited[2]).toBeGreaterThanOrEqual(90);
    expect(waited[3]).toBeGreaterThanOrEqual(190);
    waits.delete('last');
    await limiter.acquire('b/us-east-1');
    expect(waits.get('last')).toBeUndefined();
  });
});
