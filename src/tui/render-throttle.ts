/**
 * At most one repaint per interval for changes that arrive in bursts (connections streaming in,
 * progress): `request()` schedules one repaint, `painted()` is called by every repaint (also the
 * immediate ones after a key press): it cancels a scheduled one, and the next waits a full interval.
 */
export class RenderThrottle {
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  constructor(
    private readonly paint: () => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  /** A repaint soon (at once when the last one is an interval old), unless one is scheduled. */
  request(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.intervalMs - (this.now() - this.last));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.paint();
    }, wait);
  }

  /** A repaint happened: a scheduled one is this one (a key's own render after a click-path
   * request), and the next request waits a full interval. */
  painted(): void {
    this.last = this.now();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** No repaint after this. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
