import { describe, expect, it } from 'vitest';
import { displayWidth, fit, fitMiddle, thousands, truncate, wrap } from '../../src/tui/view-model/text.js';
import { Theme, colorWanted } from '../../src/tui/theme.js';
import { connectionRow, layoutColumns, renderRow } from '../../src/tui/view-model/rows.js';
import { progressFraction, progressText } from '../../src/tui/view-model/progress.js';
import { variant } from './fixtures.js';

describe('cell arithmetic', () => {
  it('wide characters count two cells, combining marks none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(fit('日本語', 5)).toBe('日本…');
    expect(displayWidth(fit('日本語', 5))).toBe(5);
  });

  it('fit pads or cuts with an ellipsis; fitMiddle keeps both ends', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abc', 5, true)).toBe('  abc');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 0)).toBe('');
    expect(fitMiddle('2001:db8:1:2:3:4:5:6]:443', 13)).toBe('2001:d…6]:443');
    expect(displayWidth(fitMiddle('2001:db8:1:2:3:4:5:6]:443', 13))).toBe(13);
    expect(fitMiddle('2001:db8:1:2:3:4:5:6]:443', 13).endsWith(':443')).toBe(true);
  });

  it('wrap breaks at spaces, splits over-long words, indents continuation lines', () => {
    expect(wrap('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
    expect(wrap('abcdefghijklmnop', 5)).toEqual(['abcde', 'fghij', 'klmno', 'p']);
    expect(wrap('one two three four', 9, '  ')).toEqual(['one two', '  three', '  four']);
    expect(wrap('', 10)).toEqual(['']);
    for (const l of wrap('x'.repeat(100) + ' y z', 7, '   ')) expect(l.length).toBeLessThanOrEqual(7);
  });

  it('thousands separators and progress', () => {
    expect(thousands(1234567)).toBe('1,234,567');
    expect(progressFraction({ packets: 0, bytes: 0 })).toBeUndefined();
    expect(progressFraction({ packets: 10, bytes: 816, fileSize: 2000 })).toBe(0.5);
    expect(progressFraction({ packets: 10, bytes: 5000, fileSize: 2000 })).toBe(0.99);
    expect(progressText({ packets: 10, bytes: 816, fileSize: 2000 }, 10)).toBe('[#####-----]  50%  10 packets');
    expect(progressText({ packets: 1500, bytes: 0, done: true }, 10)).toBe('done, 1,500 packets');
    expect(progressText({ packets: 3, bytes: 0 }, 10, 1)).toBe('/ reading, 3 packets');
  });
});

describe('theme: wire strings never open blessed tags nor reach the terminal raw', () => {
  const evil = variant(1, { serverName: '{red-fg}x{/}\x1b[2J\x1b]0;owned\x07' });

  it('an SNI of {red-fg}x{/} or with ESC sequences renders literally', () => {
    const theme = new Theme(true);
    const tagged = theme.line(renderRow(connectionRow(evil), layoutColumns(200)));
    expect(tagged).toContain('{open}red-fg{close}x{open}/{close}\\x1b[2J\\x1b]0;owned\\x07');
    expect(tagged).not.toContain('\x1b');
    expect(tagged).not.toContain('\x07');
    // the only tags are the theme's own
    const tags = tagged.match(/\{[^}]*\}/g) ?? [];
    for (const t of tags) expect(t).toMatch(/^\{(\/?)(open|close|red-fg|green-fg|bold|cyan-fg|yellow-fg|gray-fg|inverse|underline|blue-fg)\}$/);
  });

  it('without colour only bold / underline / inverse remain', () => {
    const theme = new Theme(false);
    expect(theme.segment({ text: 'unknown_ca', style: 'alert' })).toBe('{bold}unknown_ca{/bold}');
    expect(theme.segment({ text: 'x', style: 'decrypted' })).toBe('x');
    expect(theme.line([{ text: 'row' }], true)).toBe('{inverse}row{/inverse}');
    expect(colorWanted({ NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ TERM: 'xterm-256color' })).toBe(true);
    expect(colorWanted({ TERM: 'dumb' })).toBe(false);
  });
});
