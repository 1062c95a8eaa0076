/**
 * Strings from the wire (SNI, ALPN, certificate subjects, CA names ...) are untrusted: before they
 * reach a terminal, a blessed tag parser, Markdown or HTML they are neutralised here.
 *
 * Terminal rule: C0 controls (incl. ESC, so no CSI/OSC sequence survives), DEL, C1 controls
 * (U+0080..U+009F, incl. the 8-bit CSI U+009B) and the bidirectional formatting characters
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and the line/paragraph separators
 * U+2028/U+2029 (terminals and Markdown break lines on them) are replaced by a visible escape
 * `\xHH` / `\u{HHHH}`; a backslash itself stays as it is.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

function escapeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/** Safe to print on a terminal: control, escape and bidi characters shown as escapes. */
export function sanitizeTerminal(s: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/** For blessed widgets with tags enabled: terminal-safe, then `{` and `}` escaped so no wire string
 * can open a tag ({red-fg}x{/} shows literally). */
export function sanitizeBlessed(s: string): string {
  return sanitizeTerminal(s).replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

const HTML_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return sanitizeTerminal(s).replace(/[&<>"']/g, (c) => HTML_ESC[c]);
}

const MD_TEXT = /[\\`*[\]~_&<\n]/g;
const MD_CELL = /[\\`*[\]~_&<\n|]/g;
const WORD = /[\p{L}\p{N}]/u;

function escapeMd(s: string, re: RegExp): string {
  return sanitizeTerminal(s).replace(re, (c, off: number, str: string) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '\n':
        return ' ';
      case '_':
        // intraword underscores (TLS_AES_128_GCM) never emphasise in CommonMark/GFM
        return WORD.test(str[off - 1] ?? '') && WORD.test(str[off + 1] ?? '') ? '_' : '\\_';
      default:
        return `\\${c}`;
    }
  });
}

/**
 * For Markdown text: terminal-safe, and only what Markdown would act on mid-line is escaped —
 * backslash, code (`), emphasis (* ~ and _ at a word edge), links ([ ]), and HTML (& < as
 * entities). Parentheses, #, >, + and ! are left alone: they mean something only at the start
 * of a line or after [ ], and no escaped string is put at the start of a line.
 */
export function escapeMarkdown(s: string): string {
  return escapeMd(s, MD_TEXT);
}

/** For a Markdown table cell: escapeMarkdown, and | too. */
export function escapeMarkdownCell(s: string): string {
  return escapeMd(s, MD_CELL);
}

const MERMAID_ESC: Record<string, string> = { '#': '#35;', ';': '#59;', '"': '#34;', "'": '#39;', '<': '#60;', '>': '#62;', '&': '#38;', '`': '#96;', '%': '#37;', '{': '#123;', '}': '#125;' };

/** For the text of a mermaid statement (a sequenceDiagram message or note): terminal-safe (so no
 * newline or control character), then every character mermaid's parser or its HTML labels act on
 * (`#` entity start, `;` statement end, quotes, `<>&`, the backtick of the Markdown fence, `%` of
 * `%%` comments, braces) replaced by mermaid's numeric entity `#NN;`. */
export function escapeMermaid(s: string): string {
  return sanitizeTerminal(s).replace(/[#;"'<>&`%{}]/g, (c) => MERMAID_ESC[c]);
}
