/** The search prompt's line editor (src/tui/view-model/search-line.ts). */
import { describe, expect, it } from 'vitest';
import { editSearchLine, MAX_SEARCH_LENGTH, type SearchLine } from '../../src/tui/view-model/search-line.js';

const type = (s: SearchLine, keys: Array<[string, string | undefined]>) => keys.map(([n, ch]) => editSearchLine(s, n, ch));

describe('search line editor', () => {
  it('typing, space, backspace and Ctrl-U apply the text as it is edited', () => {
    const s: SearchLine = { text: '', before: 'old' };
    const edits = type(s, [['a', 'a'], ['space', ' '], ['b', 'b'], ['backspace', undefined]]);
    expect(edits.map((e) => e.apply)).toEqual(['a', 'a ', 'a b', 'a ']);
    expect(editSearchLine(s, 'C-u', undefined)).toEqual({ apply: '', closed: false });
    expect(s.text).toBe('');
  });

  it('Enter keeps the search, Escape goes back to the one before', () => {
    const s: SearchLine = { text: 'x', before: 'old' };
    expect(editSearchLine(s, 'enter', '\r')).toEqual({ apply: null, closed: true });
    expect(editSearchLine(s, 'escape', '\x1b')).toEqual({ apply: 'old', closed: true });
  });

  it('control and non-ASCII characters are ignored; the text is capped', () => {
    const s: SearchLine = { text: '', before: '' };
    expect(editSearchLine(s, 'C-a', '\x01')).toEqual({ apply: null, closed: false });
    expect(editSearchLine(s, 'é', 'é')).toEqual({ apply: null, closed: false });
    for (let i = 0; i < MAX_SEARCH_LENGTH + 5; i++) editSearchLine(s, 'z', 'z');
    expect(s.text.length).toBe(MAX_SEARCH_LENGTH);
  });
});
