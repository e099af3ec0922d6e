/**
 * All simulated progress goes through this scheduler so that a profile's
 * durations can be compressed by a clock multiplier (benchmarks run the
 * realistic profile faster) and so that stop()/reset() can cancel every
 * pending step at once.
 */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private multiplier = 1;
  /** How far the sandbox clock runs ahead of the machine's. */
  private offsetMs = 0;

  /** The sandbox's wall clock: the machine's, plus whatever tests advanced. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /**
   * Moves the wall clock forward (e.g. past a token's expiry). Scheduled
   * steps keep their own timers; only `now()` readers see the jump.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error('the clock only moves forward');
    this.offsetMs += ms;
  }

  resetClock(): void {
    this.offsetMs = 0;
  }

  setMultiplier(multiplier: number): void {
    if (!(multiplier > 0)) {
      throw new Error('clockMultiplier must be a positive number');
    }
    this.multiplier = multiplier;
  }

  getMultiplier(): number {
    return this.multiplier;
  }

  /** Runs fn after `ms` of simulated time. */
  after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        fn();
      } catch (error) {
        // A failing step must not take the whole server down; surface it.
        process.stderr.write(
          `cloud-sandbox: scheduled step failed: ${error}\n`,
        );
      }
    }, Math.max(0, Math.round(ms / this.multiplier)));
    this.timers.add(timer);
  }

  /** Real-time milliseconds for a simulated duration (for Retry-After etc). */
  real(ms: number): number {
    return ms / this.multiplier;
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  pending(): number {
    return this.timers.size;
  }
}
