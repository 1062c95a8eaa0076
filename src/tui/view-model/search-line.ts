/**
 * The one-line editor of the TUI's search prompt (`/`): printable ASCII, Backspace, Ctrl-U,
 * Enter keeps the text, Escape restores what was searched before. Pure: the app applies the
 * returned text to the connection table.
 */

/** Longest search text kept. */
export const MAX_SEARCH_LENGTH = 200;

export interface SearchLine {
  text: string;
  /** The search in force when the prompt opened (Escape returns to it). */
  before: string;
}

export interface SearchEdit {
  /** The search to apply now (null: unchanged). */
  apply: string | null;
  /** The prompt closes. */
  closed: boolean;
}

/** Applies one key (its name as keyName gives it, and the character typed) to the line. */
export function editSearchLine(s: SearchLine, name: string, ch: string | undefined): SearchEdit {
  if (name === 'enter') return { apply: null, closed: true };
  if (name === 'escape') return { apply: s.before, closed: true };
  if (name === 'backspace') {
    s.text = s.text.slice(0, -1);
    return { apply: s.text, closed: false };
  }
  if (name === 'C-u') {
    s.text = '';
    return { apply: '', closed: false };
  }
  if ((ch && ch.length === 1 && ch >= ' ' && ch <= '~') || name === 'space') {
    if (s.text.length < MAX_SEARCH_LENGTH) s.text += name === 'space' ? ' ' : ch;
    return { apply: s.text, closed: false };
  }
  return { apply: null, closed: false };
}
