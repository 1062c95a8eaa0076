/** Wrapping and truncating huge wire strings (a 600,000-character certificate CN) stay linear. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clipDisplay, displayWidth, truncate, wrap } from '../../src/tui/view-model/text.js';

describe('wrap / truncate / clipDisplay on untrusted lengths', () => {
  it('wrap: every line fits, and the words come back in order (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '例', 'é', 'x') , maxLength: 300 }), fc.integer({ min: 3, max: 40 }), fc.constantFrom('', '  ', '    '), (s, width, indent) => {
        const lines = wrap(s, width, indent);
        for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
        const text = lines.map((l, i) => (i > 0 && l.startsWith(indent) ? l.slice(indent.length) : l)).join('');
        expect(text.replace(/ /g, '')).toBe(s.replace(/ /g, ''));
      }),
    );
  });

  it('wrap of a 600,000-character word gives every chunk exactly once', () => {
    const word = 'W'.repeat(600_000);
    const lines = wrap(`CN=${word} tail`, 100, '  ');
    expect(lines[0]).toBe(`CN=${'W'.repeat(97)}`);
    expect(lines.every((l) => displayWidth(l) <= 100)).toBe(true);
    const joined = lines.map((l, i) => (i > 0 ? l.slice(2) : l)).join('');
    // compared by length and ends: a failing toBe on 600 KB strings prints 600 KB
    expect(joined.length).toBe(600_003 + ' tail'.length);
    expect(joined.endsWith('W tail')).toBe(true);
    expect(lines.length).toBe(1 + Math.ceil((600_003 - 100) / 98));
  });

  it('truncate looks only at what fits', () => {
    const huge = 'é'.repeat(1_000_000);
    expect(truncate(huge, 10)).toBe(`${'é'.repeat(9)}…`);
    expect(truncate('short', 10)).toBe('short');
  });

  it('clipDisplay cuts beyond the limit and says how much is left out', () => {
    expect(clipDisplay('abc', 5)).toBe('abc');
    expect(clipDisplay('x'.repeat(10), 4)).toBe('xxxx…(6 more)');
  });
});
