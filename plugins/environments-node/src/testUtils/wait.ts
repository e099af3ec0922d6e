/** Resolves after `ms` milliseconds. @public */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Options of {@link waitFor}. @public */
export interface WaitForOptions {
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
  /** Pause between two checks. Default 50 ms. */
  intervalMs?: number;
}

/**
 * Checks `check` until it returns something other than `undefined` or
 * `false`, and resolves with that value; rejects naming `what` once
 * `timeoutMs` has passed.
 *
 * @public
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Calls a driver step (`apply`, `destroy`, …) the way the engine does, until
 * it stops answering `InProgress`; resolves with the last result and how
 * many calls it took.
 *
 * @public
 */
export async function untilSettled<T extends { status: string }>(
  step: () => Promise<T>,
  options: WaitForOptions = {},
): Promise<{ last: T; calls: number }> {
  const { timeoutMs = 10_000, intervalMs = 20 } = options;
  const deadline = Date.now() + timeoutMs;
  for (let calls = 1; ; calls++) {
    // A step that throws ends the wait with its error.
    const last = await step();
    if (last.status !== 'InProgress') return { last, calls };
    if (Date.now() > deadline) {
      throw new Error(
        `still InProgress after ${timeoutMs} ms: ${JSON.stringify(last)}`,
      );
    }
    await sleep(intervalMs);
  }
}

/**
 * Waits until the environment `get` returns is in `phase`, and resolves
 * with it.
 *
 * @public
 */
export function waitForPhase<E extends { status: { phase: string } }>(
  get: () => Promise<E | undefined>,
  phase: string,
  options: WaitForOptions = {},
): Promise<E> {
  let seen: string | undefined;
  return waitFor(
    `phase ${phase}`,
    async () => {
      const environment = await get();
      seen = environment?.status.phase;
      return seen === phase ? environment : undefined;
    },
    options,
  ).catch(error => {
    throw new Error(`${error.message} (last seen: ${seen ?? 'nothing'})`);
  });
}
