/**
 * Terminal safety of the reports: hostile wire strings (SNI, client certificate subject, CA names)
 * through the real CLI in text, markdown and html. Expected renderings are written by hand from the
 * rules in src/report/sanitize.ts (C0, DEL, C1 -> \xHH; bidi formatting -> \u{HHHH}; Markdown
 * metacharacters that act mid-line backslash-escaped, & and < as entities, | in table cells; HTML & < > " ' as entities) and RFC 4514 §2.4 for the DN
 * (",;+<>\ and controls escaped, controls as \XX like OpenSSL's esc_ctrl).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fuzz/cli.js';
import { UNSAFE_OUTPUT } from '../fuzz/targets-pipeline.js';
import { SNI_BYTES, hostileCapture } from './hostile-capture.js';

// The SNI bytes are not valid UTF-8 (a lone 0x9B): ASCII stays as it is (controls included, for the
// report sanitizers), every byte >= 0x80 becomes the text \xHH — 0x9B, and E2 80 AE (U+202E).
const SNI_DATA = 'evil\x1b[31mRED\x1b]0;pwned\x07\x01\x7f\\x9b31m\\xe2\\x80\\xaeolleh{red-fg}x{/}<i>&"\'|*`';
const SNI_TEXT = 'evil\\x1b[31mRED\\x1b]0;pwned\\x07\\x01\\x7f\\x9b31m\\xe2\\x80\\xaeolleh{red-fg}x{/}<i>&"\'|*`';
const SNI_MD = 'evil\\\\x1b\\[31mRED\\\\x1b\\]0;pwned\\\\x07\\\\x01\\\\x7f\\\\x9b31m\\\\xe2\\\\x80\\\\xaeolleh{red-fg}x{/}&lt;i>&amp;"\'|\\*\\`';
const SNI_MD_CELL = SNI_MD.replace('|', '\\|');
const SNI_HTML = 'evil\\x1b[31mRED\\x1b]0;pwned\\x07\\x01\\x7f\\x9b31m\\xe2\\x80\\xaeolleh{red-fg}x{/}&lt;i&gt;&amp;&quot;&#39;|*`';
// The certificate CN is UTF-8: ESC [31mRED ESC ]0;pwned BEL SOH DEL U+0085 U+009B 31m U+202E olleh{red-fg}x{/}
const SUBJECT_DATA = 'CN=evil\\1B[31mRED\\1B]0\\;pwned\\07\\01\\7F\u0085\u009b31m\u202eolleh{red-fg}x{/},O=Evil Org';
const SUBJECT_TEXT = 'CN=evil\\1B[31mRED\\1B]0\\;pwned\\07\\01\\7F\\x85\\x9b31m\\u{202e}olleh{red-fg}x{/},O=Evil Org';
const SUBJECT_MD = 'CN=evil\\\\1B\\[31mRED\\\\1B\\]0\\\\;pwned\\\\07\\\\01\\\\7F\\\\x85\\\\x9b31m\\\\u{202e}olleh{red-fg}x{/},O=Evil Org';
const SUBJECT_HTML = SUBJECT_TEXT; // nothing for HTML to escape in it

let dir = '';
let capture = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tls-inspect-terminal-'));
  capture = join(dir, 'hostile.pcap');
  writeFileSync(capture, hostileCapture());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function render(format: string, extra: string[] = []): Promise<string> {
  // unwrapped (wide), so that each wire string is checked on one line
  const r = await runCli(['file', capture, '--format', format, ...extra], { env: { COLUMNS: '10000' } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

function expectSafe(out: string): void {
  const m = UNSAFE_OUTPUT.exec(out);
  expect(m, m ? `raw U+${m[0].codePointAt(0)!.toString(16)} near ${JSON.stringify(out.slice(m.index - 30, m.index + 10))}` : '').toBeNull();
}

describe('hostile wire strings in reports', () => {
  it('the capture carries the strings as crafted (JSON keeps the data exact)', async () => {
    const report = JSON.parse(await render('json'));
    const c = report.connections[0];
    expect(c.serverName).toBe(SNI_DATA);
    expect(SNI_BYTES.length).toBe(SNI_DATA.length - 3 * 4); // four bytes >= 0x80, each 4 characters
    expect(report.certificates[c.clientCertificate.chain[0]].subject).toBe(SUBJECT_DATA);
  });

  it('text: SNI, client certificate subject and summary show escapes, never raw controls', async () => {
    const out = await render('text');
    expectSafe(out);
    const lines = out.split('\n');
    expect(lines[0]).toContain(`  SNI ${SNI_TEXT}  frames 1-10`);
    const sentence = lines.find((l) => l.startsWith('  client certificate: '));
    expect(sentence).toContain(`: ${SUBJECT_TEXT} issued by CN=Evil Test CA`);
    expect(sentence).toContain(`(server accepts: ${SUBJECT_TEXT})`);
    expect(lines).toContain('  client certificates by subject and issuer:');
    expect(lines).toContain(`    ${SUBJECT_TEXT} issued by CN=Evil Test CA: 1`);
  });

  it('text with --color: the only escape sequences are the report\'s own colours', async () => {
    const colored = await render('text', ['--color']);
    const plain = await render('text');
    // eslint-disable-next-line no-control-regex
    const sgr = /\x1b\[(?:0|1|2|31|32|33|36)m/g;
    expect(colored).toMatch(sgr);
    const stripped = colored.replace(sgr, '');
    expectSafe(stripped);
    expect(stripped).toBe(plain);
  });

  it('markdown: wire strings are terminal-safe and Markdown-escaped', async () => {
    const out = await render('markdown');
    expectSafe(out);
    expect(out).toContain(`SNI ${SNI_MD}`);
    expect(out).toContain(`| ${SNI_MD_CELL} |`);
    expect(out).toContain(`| 0 | ${SUBJECT_MD} | CN=Evil Test CA |`);
    expect(out).toContain(`- Client certificate subjects: ${SUBJECT_MD}: 1`);
    expect(out).not.toContain('<i>&');
  });

  it('html: wire strings are terminal-safe and entity-escaped, no markup gets through', async () => {
    const out = await render('html');
    expectSafe(out);
    expect(out).toContain(`<td>${SNI_HTML}</td>`);
    expect(out).toContain(`SNI ${SNI_HTML}`);
    expect(out).toContain(`<td>${SUBJECT_HTML}</td><td>CN=Evil Test CA</td>`);
    expect(out).toMatch(new RegExp(`<h4>CAs the server accepts \\(CertificateRequest, frame \\d+\\)</h4><ul><li class="match"><span class="mono">${SUBJECT_HTML.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}</span></li></ul>`));
    expect(out).not.toContain('<i>&'); // the report's own <i>Why:</i> markup is fine, the SNI's is not
  });

  it('text to a file with -o is the same terminal-safe rendering', async () => {
    const file = join(dir, 'report.txt');
    const r = await runCli(['file', capture, '--format', 'text', '-o', file], { env: { COLUMNS: '10000' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const out = readFileSync(file, 'utf8');
    expectSafe(out);
    expect(out).toContain(`  SNI ${SNI_TEXT}  frames 1-10`);
  });
});
