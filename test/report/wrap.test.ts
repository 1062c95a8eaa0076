/**
 * The text report wraps to the terminal width (100 columns when piped, $COLUMNS when set): prose
 * breaks at spaces with a hanging indent, the header between its fields, ladder rows never.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';
import { wrapText } from '../../src/report/wrap.js';

function text(env: Record<string, string>): string[] {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), '-r', 'captures/all-scenarios.pcap', '--keylog', 'captures/all-scenarios.keys'], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '', COLUMNS: '', ...env },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n');
}

const isLadderRow = (l: string) => /^ {2,}\d+ {2,}[\d.]+ {2}/.test(l);

describe('text wrapping', () => {
  it('piped: every line fits 100 columns (ladder rows are shorter anyway)', () => {
    const lines = text({});
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
    // the long explanations did wrap, under their label
    expect(lines.some((l) => /^ {11}\S/.test(l))).toBe(true);
    // all-scenarios with its key log: 85 ladder rows (handshake, alerts, decrypted HTTP lines)
    expect(lines.filter(isLadderRow).length).toBe(85);
  });

  it('$COLUMNS sets the width; ladder rows keep their shape', () => {
    const lines = text({ COLUMNS: '60' });
    const long = lines.filter((l) => l.length > 60);
    expect(long.length).toBeGreaterThan(0);
    for (const l of long) expect(isLadderRow(l) || /^ +frame +time +client +server$/.test(l) || !l.trim().includes(' ')).toBe(true);
    // all-scenarios with its key log: 85 ladder rows (handshake, alerts, decrypted HTTP lines)
    expect(lines.filter(isLadderRow).length).toBe(85);
  });

  it('unit: hanging indents, colour codes take no width, long words stay whole', () => {
    expect(wrapText('      why: aaa bbb ccc ddd', 22)).toBe('      why: aaa bbb ccc\n           ddd');
    expect(wrapText('  error x: aaa bbb ccc', 14)).toBe('  error x: aaa\n      bbb ccc');
    expect(wrapText('\x1b[33m  warning: aaa bbb\x1b[0m', 16)).toBe('\x1b[33m  warning: aaa\n      bbb\x1b[0m');
    expect(wrapText('  x averyveryverylongword y', 12)).toBe('  x\n      averyveryverylongword\n      y');
    expect(wrapText('#0  a b  c d  e', 9, '  ')).toBe('#0  a b\n    c d\n    e');
    expect(wrapText('short', 100)).toBe('short');
    expect(wrapText('no width at all', undefined)).toBe('no width at all');
  });
});
