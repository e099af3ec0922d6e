import {
  DependencyList,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import { usePageVisible } from './usePageVisible';

/** How often live views ask the backend again. */
export const POLL_INTERVAL_MS = 3000;

/** The state of {@link usePolledAsync}. */
export interface PolledAsyncState<T> {
  value?: T;
  error?: Error;
  /** True only until the first answer; polls do not flip it back. */
  loading: boolean;
  /** Loads again now. */
  refresh: () => Promise<void>;
}

/**
 * Loads `fn` when `deps` change and then every `intervalMs` while the tab is
 * visible, so status changes show without a reload. Polling stops while the
 * tab is hidden and resumes, with an immediate load, when it is shown again.
 * A failed poll keeps the last value so a blip does not blank the view.
 */
export function usePolledAsync<T>(
  fn: () => Promise<T>,
  deps: DependencyList,
  options: { intervalMs?: number; enabled?: boolean } = {},
): PolledAsyncState<T> {
  const { intervalMs = POLL_INTERVAL_MS, enabled = true } = options;
  const [state, setState] = useState<{
    value?: T;
    error?: Error;
    loading: boolean;
  }>({ loading: true });
  const fnRef = useRef(fn);
  fnRef.current = fn;
  // Answers to calls made before `deps` changed are dropped.
  const generation = useRef(0);
  const inFlight = useRef(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const load = useCallback(async () => {
    const current = generation.current;
    inFlight.current = true;
    try {
      const value = await fnRef.current();
      if (mounted.current && current === generation.current) {
        setState({ value, loading: false });
      }
    } catch (e) {
      if (mounted.current && current === generation.current) {
        setState(s => ({ value: s.value, error: e as Error, loading: false }));
      }
    } finally {
      if (current === generation.current) inFlight.current = false;
    }
  }, []);

  useEffect(() => {
    generation.current += 1;
    inFlight.current = false;
    setState({ loading: true });
    load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const visible = usePageVisible();
  const wasVisible = useRef(visible);
  useEffect(() => {
    const becameVisible = visible && !wasVisible.current;
    wasVisible.current = visible;
    if (!visible || !enabled) return undefined;
    if (becameVisible && !inFlight.current) load();
    const handle = setInterval(() => {
      if (!inFlight.current) load();
    }, intervalMs);
    return () => clearInterval(handle);
  }, [visible, enabled, intervalMs, load]);

  return { ...state, refresh: load };
}
