import { clearCollections } from './util/collections';

/** The services the sandbox emulates, as named in call counters and faults. */
export type ServiceName =
  | 'cloudformation'
  | 'ecs'
  | 'elasticloadbalancing'
  | 'kubernetes'
  | 'sts'
  | 's3'
  | 'sqs'
  | 'rds'
  | 'elasticache'
  | 'secretsmanager';

export interface ThrottleRule {
  service: ServiceName;
  /** Only calls to this action (e.g. `DescribeStacks`, `list namespaces`). */
  action?: string;
  /** Throttle the next N matching calls. */
  count?: number;
  /** Or throttle this percentage of matching calls (0–100). */
  percent?: number;
}

interface ActiveThrottle extends ThrottleRule {
  remaining?: number;
}

export interface NamespaceHang {
  finalizer: string;
}

/**
 * Fault injection state. Kept separate from the emulated services so a
 * reset of faults leaves resources alone and vice versa.
 */
export class Faults {
  private throttles: ActiveThrottle[] = [];
  readonly latencyMs = new Map<ServiceName, number>();
  /** CloudFormation resource type → failure reason. */
  readonly failingResourceTypes = new Map<string, string>();
  /** ECS service name → reason its tasks stop with. */
  readonly failingServiceTasks = new Map<string, string>();
  /** Container image → reason every task running it stops with. */
  readonly failingImages = new Map<string, string>();
  /** ECS services whose new tasks stay PROVISIONING until released. */
  readonly heldServiceTasks = new Set<string>();
  /** Namespace name → the finalizer that keeps it Terminating. */
  readonly hungNamespaces = new Map<string, NamespaceHang>();

  constructor(private readonly random: () => number = Math.random) {}

  throttle(rule: ThrottleRule): void {
    if (rule.count === undefined && rule.percent === undefined) {
      throw new Error('a throttle rule needs count or percent');
    }
    this.throttles.push({ ...rule, remaining: rule.count });
  }

  /** Decides whether this call is throttled, consuming a count if so. */
  shouldThrottle(service: ServiceName, action: string): boolean {
    for (const rule of this.throttles) {
      if (rule.service !== service) continue;
      if (rule.action && rule.action !== action) continue;
      if (rule.remaining !== undefined) {
        if (rule.remaining > 0) {
          rule.remaining -= 1;
          return true;
        }
        continue;
      }
      if (rule.percent !== undefined && this.random() * 100 < rule.percent) {
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.throttles = [];
    clearCollections(this);
  }

  describe() {
    return {
      throttles: this.throttles.map(t => ({ ...t })),
      latencyMs: Object.fromEntries(this.latencyMs),
      failingResourceTypes: Object.fromEntries(this.failingResourceTypes),
      failingServiceTasks: Object.fromEntries(this.failingServiceTasks),
      failingImages: Object.fromEntries(this.failingImages),
      heldServiceTasks: [...this.heldServiceTasks],
      hungNamespaces: Object.fromEntries(this.hungNamespaces),
    };
  }
}

/** Counts calls per service and action, including throttled ones. */
export class CallCounter {
  private readonly counts = new Map<string, number>();

  record(service: ServiceName, action: string): void {
    const key = `${service}:${action}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  get(service: ServiceName, action: string): number {
    return this.counts.get(`${service}:${action}`) ?? 0;
  }

  /** `{ cloudformation: { DescribeStacks: 3 }, … }` */
  snapshot(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [key, count] of this.counts) {
      const index = key.indexOf(':');
      const service = key.slice(0, index);
      const action = key.slice(index + 1);
      out[service] = out[service] ?? {};
      out[service][action] = count;
    }
    return out;
  }

  reset(): void {
    this.counts.clear();
  }
}
