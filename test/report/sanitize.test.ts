import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeMarkdownCell, sanitizeBlessed, sanitizeTerminal } from '../../src/report/sanitize.js';

describe('wire strings are neutralised before display', () => {
  it('terminal: ESC/CSI/OSC, C0, DEL, C1 and bidi overrides become visible escapes', () => {
    expect(sanitizeTerminal('evil\x1b[31mred\x1b[0m')).toBe('evil\\x1b[31mred\\x1b[0m');
    expect(sanitizeTerminal('\x1b]0;title\x07x')).toBe('\\x1b]0;title\\x07x');
    expect(sanitizeTerminal('a\rb\nc\td\x7f')).toBe('a\\x0db\\x0ac\\x09d\\x7f');
    expect(sanitizeTerminal('csi\u009b31m')).toBe('csi\\x9b31m');
    expect(sanitizeTerminal('abc\u202edcba')).toBe('abc\\u{202e}dcba');
    expect(sanitizeTerminal('\u2066x\u2069')).toBe('\\u{2066}x\\u{2069}');
    expect(sanitizeTerminal('plain.example.com')).toBe('plain.example.com');
    expect(sanitizeTerminal('Zürich ✓')).toBe('Zürich ✓');
  });

  it('terminal: U+2028/U+2029 (line and paragraph separators) cannot break a line', () => {
    expect(sanitizeTerminal('a\u2028b\u2029c')).toBe('a\\u{2028}b\\u{2029}c');
    expect(escapeHtml('x\u2028y')).toBe('x\\u{2028}y');
    expect(sanitizeBlessed('x\u2029y')).toBe('x\\u{open}2029{close}y'); // blessed renders {open} as {
  });

  it('blessed: tags cannot be opened by wire strings', () => {
    expect(sanitizeBlessed('{red-fg}x{/}')).toBe('{open}red-fg{close}x{open}/{close}');
    expect(sanitizeBlessed('{bold}\x1b[2J')).toBe('{open}bold{close}\\x1b[2J');
  });

  it('html and markdown escaping', () => {
    expect(escapeHtml('<script>alert("x")</script>&')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
    expect(escapeMarkdown('CN=a|b *c* [l](u)\x1b')).toBe('CN=a|b \\*c\\* \\[l\\](u)\\\\x1b');
    expect(escapeMarkdownCell('CN=a|b *c* [l](u)\x1b')).toBe('CN=a\\|b \\*c\\* \\[l\\](u)\\\\x1b');
    // no over-escaping: what Markdown does not act on mid-line stays as it is
    expect(escapeMarkdown('frame 8 (decrypted): client->server #0 + x! {a}')).toBe('frame 8 (decrypted): client->server #0 + x! {a}');
    expect(escapeMarkdown('TLS_AES_128_GCM_SHA256 _em_ `code` ~~s~~')).toBe('TLS_AES_128_GCM_SHA256 \\_em\\_ \\`code\\` \\~\\~s\\~\\~');
    expect(escapeMarkdown('<b>x</b> &amp; a\\b')).toBe('&lt;b>x&lt;/b> &amp;amp; a\\\\b');
  });
});
