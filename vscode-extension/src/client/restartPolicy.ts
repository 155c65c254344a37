/** When the server process dies: restart it, unless it died too often lately. */

export const MAX_RESTARTS = 4;
export const WINDOW_MS = 3 * 60 * 1000;

export class RestartPolicy {
  private readonly closes: number[] = [];

  constructor(
    private readonly maxRestarts = MAX_RESTARTS,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** Called for each unexpected close; true when the server should be started again. */
  shouldRestart(now: number): boolean {
    this.closes.push(now);
    while (this.closes.length > 0 && now - this.closes[0] > this.windowMs) this.closes.shift();
    return this.closes.length <= this.maxRestarts;
  }
}
