import { useState } from 'react';

/**
 * Runs a request on the user's behalf and keeps why it failed: `attempt`
 * marks the section busy while `request` runs and, when it throws, keeps
 * `${failing}: ${message}` as the failure to show until the next attempt.
 */
export function useAttempt() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const attempt = async (failing: string, request: () => Promise<void>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await request();
    } catch (e) {
      setFailure(`${failing}: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, attempt };
}
