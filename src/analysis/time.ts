/** Capture timestamps (seconds + nanoseconds) as RFC 3339 strings and relative seconds. */

/** e.g. 2026-11-23T22:33:59.123456Z (3, 6 or 9 fraction digits: as many as the value needs). */
let lastSec = NaN;
let lastBase = '';

export function isoTime(sec: number, nsec: number): string {
  if (sec !== lastSec) {
    // consecutive events mostly share their second: format the date part once
    const d = new Date(sec * 1000);
    if (Number.isNaN(d.getTime())) return '1970-01-01T00:00:00Z';
    lastSec = sec;
    lastBase = d.toISOString().slice(0, 19);
  }
  const base = lastBase;
  if (nsec <= 0) return `${base}Z`;
  let frac = String(nsec).padStart(9, '0');
  if (frac.endsWith('000000')) frac = frac.slice(0, 3);
  else if (frac.endsWith('000')) frac = frac.slice(0, 6);
  return `${base}.${frac}Z`;
}

/** Seconds from (s0, n0) to (s, n), rounded to microseconds. */
export function relSeconds(s: number, n: number, s0: number, n0: number): number {
  return Math.round(((s - s0) * 1e9 + (n - n0)) / 1e3) / 1e6;
}
