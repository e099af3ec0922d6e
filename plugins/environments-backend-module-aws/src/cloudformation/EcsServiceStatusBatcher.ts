import { DescribeServicesCommand, Service } from '@aws-sdk/client-ecs';
import { AwsRateLimiter } from './AwsRateLimiter';
import { AwsTarget } from './AwsClients';

/** ECS DescribeServices accepts at most this many services per call. */
export const DESCRIBE_SERVICES_MAX = 10;

interface Waiter {
  resolve(service: Service | undefined): void;
  reject(error: unknown): void;
}

interface PendingGroup {
  target: AwsTarget;
  cluster: string;
  /** Service ARN or name → everyone waiting for it. */
  services: Map<string, Waiter[]>;
}

function serviceKey(service: string): string {
  // Callers may pass an ARN or a bare name; ECS answers with ARNs.
  return service.split('/').pop() ?? service;
}

/**
 * Collects the ECS service lookups that arrive within a short window, from
 * any number of environments, and answers them with as few DescribeServices
 * calls as ECS allows: one per account, region and cluster for every ten
 * services. The engine may also call {@link EcsServiceStatusBatcher.flush}
 * at the end of a status sweep instead of waiting for the window.
 *
 * @public
 */
export class EcsServiceStatusBatcher {
  private readonly pending = new Map<string, PendingGroup>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      limiter: AwsRateLimiter;
      /** How long to wait for more lookups before calling ECS. */
      windowMs: number;
    },
  ) {}

  /**
   * The service as ECS describes it, or `undefined` when ECS reports it
   * missing. Rejects when the DescribeServices call itself fails.
   */
  describe(
    target: AwsTarget,
    cluster: string,
    service: string,
  ): Promise<Service | undefined> {
    const groupKey = `${target.key}/${cluster}`;
    let group = this.pending.get(groupKey);
    if (!group) {
      group = { target, cluster, services: new Map() };
      this.pending.set(groupKey, group);
    }
    const key = serviceKey(service);
    const waiters = group.services.get(key) ?? [];
    group.services.set(key, waiters);
    const result = new Promise<Service | undefined>((resolve, reject) =>
      waiters.push({ resolve, reject }),
    );
    this.timer ??= setTimeout(() => void this.flush(), this.options.windowMs);
    return result;
  }

  /** Sends every collected lookup now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const groups = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(groups.flatMap(group => this.send(group)));
  }

  private send(group: PendingGroup): Promise<void>[] {
    const names = [...group.services.keys()];
    const calls: Promise<void>[] = [];
    for (let i = 0; i < names.length; i += DESCRIBE_SERVICES_MAX) {
      const chunk = names.slice(i, i + DESCRIBE_SERVICES_MAX);
      calls.push(this.sendChunk(group, chunk));
    }
    return calls;
  }

  private async sendChunk(group: PendingGroup, chunk: string[]) {
    try {
      const response = await this.options.limiter.run(group.target.key, () =>
        group.target.ecs.send(
          new DescribeServicesCommand({
            cluster: group.cluster,
            services: chunk,
          }),
        ),
      );
      const found = new Map(
        (response.services ?? []).map(s => [
          serviceKey(s.serviceName ?? ''),
          s,
        ]),
      );
      for (const name of chunk) {
        for (const waiter of group.services.get(name) ?? []) {
          waiter.resolve(found.get(name));
        }
      }
    } catch (error) {
      // A deleted cluster has no services: every one of them is missing.
      const missing =
        (error as { name?: string }).name === 'ClusterNotFoundException';
      for (const name of chunk) {
        for (const waiter of group.services.get(name) ?? []) {
          if (missing) waiter.resolve(undefined);
          else waiter.reject(error);
        }
      }
    }
  }
}
