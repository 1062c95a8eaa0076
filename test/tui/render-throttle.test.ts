/** src/tui/render-throttle.ts: bursts of changes give one repaint per interval. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RenderThrottle } from '../../src/tui/render-throttle.js';

describe('RenderThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a burst of requests paints once, a full interval after the last paint', () => {
    let paints = 0;
    const t = new RenderThrottle(() => {
      paints++;
      t.painted();
    }, 100, () => Date.now());
    t.painted(); // a key press just repainted
    for (let i = 0; i < 50; i++) t.request();
    vi.advanceTimersByTime(99);
    expect(paints).toBe(0);
    vi.advanceTimersByTime(1);
    expect(paints).toBe(1);
    vi.advanceTimersByTime(500);
    expect(paints).toBe(1); // nothing asked since
    t.request();
    vi.advanceTimersByTime(0);
    expect(paints).toBe(2); // the last paint is long ago: at once
  });

  it('cancel drops the scheduled paint', () => {
    let paints = 0;
    const t = new RenderThrottle(() => paints++, 100);
    t.request();
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(paints).toBe(0);
  });
});
