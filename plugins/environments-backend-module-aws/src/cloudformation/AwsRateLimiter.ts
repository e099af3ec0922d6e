/** Error names AWS uses when a caller exceeds an API's request rate. */
const THROTTLING_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** Network failures worth one more try: the request may never have arrived. */
const TRANSIENT_NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'TimeoutError',
]);

type AwsLikeError = {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
};

/** Whether `error` is AWS telling the caller to slow down. */
export function isThrottlingError(error: unknown): boolean {
  const e = error as AwsLikeError | undefined;
  if (!e || typeof e !== 'object') return false;
  return (
    THROTTLING_ERRORS.has(e.name ?? '') ||
    THROTTLING_ERRORS.has(e.Code ?? '') ||
    e.$retryable?.throttling === true ||
    e.$metadata?.httpStatusCode === 429
  );
}

function isTransientError(error: unknown): boolean {
  const e = error as AwsLikeError | undefined;
  if (!e || typeof e !== 'object') return false;
  const status = e.$metadata?.httpStatusCode;
  return (
    TRANSIENT_NETWORK_ERRORS.has(e.code ?? '') ||
    TRANSIENT_NETWORK_ERRORS.has(e.name ?? '') ||
    (status !== undefined && status >= 500)
  );
}

/** Options of {@link AwsRateLimiter}. */
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
  /** Throttling responses seen, for logs and tests. */
  throttled = 0;

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
        const throttling = isThrottlingError(error);
        if (throttling) this.throttled += 1;
        const retryable = throttling || isTransientError(error);
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
