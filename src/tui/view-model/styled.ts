/**
 * Lines as styled segments: the view-model says *what* a piece of text is (an alert, the client
 * certificate, a selected row ...), the theme turns that into blessed tags. Segment text is plain,
 * terminal-safe text (already width-fitted); it is tag-escaped only when rendered (theme.ts).
 */

export type Style =
  | 'plain'
  | 'bold'
  | 'dim'
  | 'header'
  | 'alert'
  | 'client-cert'
  | 'decrypted'
  | 'inferred'
  | 'encrypted'
  | 'ok'
  | 'mtls-ok'
  | 'failed'
  | 'warning'
  | 'incomplete'
  | 'not-tls'
  | 'error'
  | 'info'
  | 'key'
  | 'highlight'
  | 'highlight-header'
  | 'record-header';

export interface Segment {
  text: string;
  style?: Style;
}

export type StyledLine = Segment[];

export function seg(text: string, style?: Style): Segment {
  return style ? { text, style } : { text };
}

export function plainLine(text: string, style?: Style): StyledLine {
  return [seg(text, style)];
}

/** The text of a line without styles (tests, width checks). */
export function lineText(l: StyledLine): string {
  let s = '';
  for (const p of l) s += p.text;
  return s;
}
