import { LoggerService } from '@backstage/backend-plugin-api';
import { DriverFailure } from '@envkit/plugin-environments-node';

/** What the driver writes instead of a secret value. */
export const REDACTED = '****';

/**
 * Keeps the values of a resource's secret inputs out of everything the
 * driver hands back (results, failures, log lines): a last line of defence
 * for text the driver does not write itself, such as a message AWS
 * answered with or a stack output that happens to repeat a secret.
 */
export class SecretRedactor {
  private readonly secrets: string[];

  constructor(values: Iterable<string>) {
    // Longest first, so a secret that contains another is hidden whole.
    this.secrets = [...new Set(values)]
      .filter(value => value.length > 0)
      .sort((a, b) => b.length - a.length);
  }

  get active(): boolean {
    return this.secrets.length > 0;
  }

  text(text: string): string {
    return this.secrets.reduce(
      (out, secret) => out.split(secret).join(REDACTED),
      text,
    );
  }

  /** Every string inside `value` (objects and arrays walked) redacted. */
  value<T>(value: T): T {
    if (!this.active) return value;
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map(v => this.value(v)) as T;
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, this.value(v)]),
      ) as T;
    }
    return value;
  }

  /** `failure` again, unless it mentions a secret: then a redacted copy. */
  failure(failure: DriverFailure): DriverFailure {
    if (!this.active) return failure;
    const message = this.text(failure.message);
    const cause = failure.cause;
    const causeLeaks =
      cause !== undefined && this.text(String(cause)) !== String(cause);
    if (message === failure.message && !causeLeaks) return failure;
    const details = {
      message,
      reason: failure.reason,
      resource: failure.resource,
      // The original error repeats the secret; it stays behind.
      cause: causeLeaks ? undefined : cause,
    };
    switch (failure.kind) {
      case 'permanent':
        return DriverFailure.permanent(details);
      case 'needsAttention':
        return DriverFailure.needsAttention(details);
      default:
        return DriverFailure.retryable({
          ...details,
          retryAt: failure.retryAt,
        });
    }
  }

  logger(logger: LoggerService): LoggerService {
    if (!this.active) return logger;
    type Meta = Parameters<LoggerService['info']>[1];
    const meta = (value: Meta): Meta => {
      if (!(value instanceof Error)) return this.value(value);
      const text = `${value.message}\n${value.stack ?? ''}`;
      if (this.text(text) === text) return value;
      const redacted = new Error(this.text(value.message));
      redacted.name = value.name;
      return redacted;
    };
    const wrap = (target: LoggerService): LoggerService => ({
      error: (message, m) => target.error(this.text(message), meta(m)),
      warn: (message, m) => target.warn(this.text(message), meta(m)),
      info: (message, m) => target.info(this.text(message), meta(m)),
      debug: (message, m) => target.debug(this.text(message), meta(m)),
      child: m => wrap(target.child(this.value(m))),
    });
    return wrap(logger);
  }
}
