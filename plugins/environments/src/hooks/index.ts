export { usePageVisible } from './usePageVisible';
export { usePolledAsync, POLL_INTERVAL_MS } from './usePolledAsync';
export type { PolledAsyncState } from './usePolledAsync';
