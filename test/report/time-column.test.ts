/**
 * The ladder's time column follows tshark's -t: r (default) = frame.time_relative, a / ad = local
 * time of day / date and time, d = since the previous line, c = since the connection's first
 * packet. Expected values were read with tshark 4.0.17 (`tshark -r captures/all-scenarios.pcap
 * -T fields -e frame.number -e frame.time_relative`, and `TZ=UTC tshark -t ad`).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';
import { parseIsoInstant, timeCells } from '../../src/report/time-column.js';
import type { EventModel } from '../../src/analysis/model.js';

function ladder(t?: string): string[][] {
  const args = [join(REPO, 'bin', 'tls-inspect'), '-r', 'captures/all-scenarios.pcap', '-Y', 'id == 4'];
  if (t) args.push('-t', t);
  const r = spawnSync(process.execPath, args, { cwd: REPO, env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '', TZ: 'UTC' }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  // ladder rows: frame, then the time cell (which may contain a space with -t ad)
  return r.stdout
    .split('\n')
    .filter((l) => /^ {2,}\d+ {2}/.test(l))
    .map((l) => {
      const m = /^ +(\d+) {2}( *\S+(?: \S+:\S+)?) {2}/.exec(l)!;
      return [m[1], m[2].trim()];
    });
}

describe('time column', () => {
  it('defaults to tshark frame.time_relative', () => {
    const rows = ladder();
    const at = (f: string) => rows.find((r) => r[0] === f)?.[1];
    expect(at('66')).toBe('4.991659');
    expect(at('68')).toBe('4.992268');
    expect(at('70')).toBe('4.993870');
    expect(at('71')).toBe('4.994388');
    expect(ladder('r')).toEqual(rows);
  });

  it('-t ad and -t a: date and time of day (local time, as tshark)', () => {
    expect(ladder('ad')[0]).toEqual(['66', '2026-11-23 22:41:42.674983']);
    expect(ladder('a')[0]).toEqual(['66', '22:41:42.674983']);
  });

  it('-t d: since the previous line; -t c: since the connection began', () => {
    const d = ladder('d');
    expect(d[0]).toEqual(['66', '0.000000']);
    expect(d[1]).toEqual(['68', '0.000609']);
    expect(d[2]).toEqual(['68', '0.000000']);
    const c = ladder('c');
    expect(c[0]).toEqual(['66', '0.000340']);
    expect(c.at(-1)).toEqual(['71', '0.003069']);
  });

  it('unit: cells share one width; r without a capture start falls back to c', () => {
    const ev = (time: string, relTime: number) => ({ time, relTime }) as EventModel;
    const events = [ev('2026-01-01T00:00:10.5Z', 0), ev('2026-01-01T00:01:50.000001Z', 99.500001)];
    expect(timeCells(events, 'r', { sec: Date.UTC(2026, 0, 1) / 1000, nsec: 0 })).toEqual([' 10.500000', '110.000001']);
    expect(timeCells(events, 'r')).toEqual([' 0.000000', '99.500001'].map((s) => s.padStart(9)));
    expect(timeCells(events, 'd')).toEqual([' 0.000000', '99.500001'].map((s) => s.padStart(9)));
    expect(parseIsoInstant('2026-11-23T22:41:42.674983Z')).toEqual({ sec: 1795473702, nsec: 674983000 });
    expect(parseIsoInstant('2026-11-23T22:41:42Z')).toEqual({ sec: 1795473702, nsec: 0 });
    expect(parseIsoInstant('garbage')).toBeUndefined();
  });
});
