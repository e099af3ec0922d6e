import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';

/**
 * Runs `provider.refresh` on `taskRunner` (when there is one) under a task id
 * per provider. A failed refresh is logged, never thrown: the next run tries
 * again and the catalog keeps the last good set meanwhile.
 */
export async function scheduleRefresh(
  provider: { getProviderName(): string; refresh(): Promise<void> },
  options: { taskRunner?: SchedulerServiceTaskRunner; logger: LoggerService },
  what: string,
): Promise<void> {
  await options.taskRunner?.run({
    id: `${provider.getProviderName()}:refresh`,
    fn: async () => {
      try {
        await provider.refresh();
      } catch (error) {
        options.logger.warn(
          `Could not refresh ${what}: ${(error as Error).message}`,
        );
      }
    },
  });
}
