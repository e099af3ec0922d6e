import { isThrottling, isTransient } from './awsFailures';

/** Options of {@link AwsRateLimiter}. @public */
export interface AwsRateLimiterOptions {
  /** Sustained calls per second per account and region. Default 8. */
  requestsPerSecond?: number;
  /** Calls allowed at once after a quiet period. Default 16. */
  burst?: number;
  /** Tries per call, the first included, while AWS throttles. Default 10. */
  maxAttempts?: number;
  /** First backoff after throttling, doubled per retry. Default 200 ms. */
  baseDelayMs?: number;
  /** Longest single backoff. Default 10 s. */
  maxDelayMs?: number;
  /** Replaceable in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One token bucket per AWS account and region (API rate limits are
 * per account and region), shared by every environment the backend works
 * on, plus retries with exponential backoff and jitter when AWS throttles
 * anyway. Errors other than throttling and transient network failures are
 * thrown at once.
 *
 * @public
 */
export class AwsRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(options: AwsRateLimiterOptions = {}) {
    this.rate = options.requestsPerSecond ?? 8;
    this.burst = options.burst ?? 16;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    if (!(this.rate > 0) || !(this.burst >= 1)) {
      throw new RangeError(
        'requestsPerSecond must be positive and burst at least 1',
      );
    }
  }

  /**
   * Waits for a token of `key` (`<account>/<region>`). Tokens may go
   * negative: each caller reserves its slot, so waiting callers are served
   * in arrival order at the configured rate.
   */
  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? {
      tokens: this.burst,
      refilledAt: now,
    };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.refilledAt) / 1000) * this.rate,
    );
    bucket.refilledAt = now;
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 0) {
      await this.sleep((-bucket.tokens / this.rate) * 1000, signal);
    }
  }

  /** Runs `call` under the limit of `key`, retrying throttling with backoff. */
  async run<T>(
    key: string,
    call: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.acquire(key, signal);
      try {
        return await call();
      } catch (error) {
        const throttling = isThrottling(error);
        const retryable = throttling || isTransient(error);
        // Transient network failures get fewer tries than throttling.
        const limit = throttling
          ? this.maxAttempts
          : Math.min(3, this.maxAttempts);
        if (!retryable || attempt >= limit) throw error;
        const ceiling = Math.min(
          this.maxDelayMs,
          this.baseDelayMs * 2 ** (attempt - 1),
        );
        // "Equal jitter": at least half the ceiling, so retries spread out.
        await this.sleep(ceiling / 2 + (this.random() * ceiling) / 2, signal);
      }
    }
  }
}
