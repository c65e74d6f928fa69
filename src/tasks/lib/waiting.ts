// Waiting on the controller for a host (wait_for_connection, reboot): a clock that counts the seconds spent, at
// least the waits asked for (a reader whose wait does not sleep, in tests, still reaches the timeout).
import type { FactReader } from '../contract.js';

export class Waiting {
  private readonly start = Date.now();
  private waited = 0;

  constructor(private readonly facts: FactReader) {}

  /** Seconds since the start. */
  spent(): number {
    return Math.max((Date.now() - this.start) / 1000, this.waited);
  }

  async sleep(seconds: number): Promise<void> {
    if (seconds <= 0) return;
    this.waited += seconds;
    await this.facts.wait(seconds);
  }

  /** Asks `ok` every `every` seconds until it holds; `timedOut` gives the error once `timeout` would pass. */
  async until(ok: () => Promise<boolean>, every: number, timeout: number, timedOut: () => Error): Promise<void> {
    while (!(await ok())) {
      if (this.spent() + every > timeout) throw timedOut();
      await this.sleep(every);
    }
  }
}
