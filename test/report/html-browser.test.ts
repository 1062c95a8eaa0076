/**
 * The HTML report in a real browser: Debian's chromium, headless, renders the report of the
 * committed capture captures/all-scenarios.pcap (+ its key log) and the test reads the DOM after the
 * page's own script ran (--dump-dom). `?q=` is read by the report's search script, so a filtered
 * page is one URL. Expected frames from tshark:
 *   tshark -r captures/all-scenarios.pcap -o tls.keylog_file:captures/all-scenarios.keys
 *     -Y 'tcp.port==44302 && (tls.handshake.type==11 || tls.alert_message)'
 *   -> frame 70 client Certificate, frame 71 alert 48 (unknown_ca) from the server (127.0.0.1:44302);
 *   -Y 'tcp.port==44302 && tls' -> frame 66 ClientHello, 68 ServerHello Certificate ServerKeyExchange
 *   CertificateRequest ServerHelloDone, 70 Certificate ClientKeyExchange CertificateVerify CCS Finished, 71 alert.
 * Without chromium the tests fail in CI (.ci/run installs it) and are skipped, with the reason
 * printed, elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/html.js';
import { ladderSvg } from '../../src/report/html-ladder-svg.js';
import { reportModel } from '../../src/cli/output.js';
import { sourceModel } from '../../src/cli/file-command.js';
import type { ConnectionModel, EventModel } from '../../src/analysis/model.js';
import { analyse } from '../helpers/analyse.js';

const hasChromium = spawnSync('chromium', ['--version']).status === 0;
const inCi = process.env.CI === 'true';
if (!hasChromium && !inCi) console.log('HTML browser test skipped: chromium is not installed (apt-get install -y chromium); CI installs it');

let dir = '';
let file = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tls-inspect-html-'));
  const capture = 'captures/all-scenarios.pcap';
  const keylog = 'captures/all-scenarios.keys';
  const a = await analyse(capture, { keylog });
  const r = reportModel(sourceModel(a.result, capture, a.keys.secretCount()), a.connections, a.result.analyzer.summary());
  file = join(dir, 'report.html');
  writeFileSync(file, renderReportHtml(r));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The DOM after the page's scripts ran. */
function dumpDom(query = ''): string {
  const profile = mkdtempSync(join(dir, 'profile-'));
  const r = spawnSync(
    'chromium',
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--dump-dom', `file://${file}${query}`,
    ],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  expect(r.status, `chromium failed: ${r.stderr}`).toBe(0);
  return r.stdout;
}

let plain: string | undefined;
/** The unfiltered page, rendered once. */
function plainDom(): string {
  plain ??= dumpDom();
  return plain;
}

/** The overview rows: data-id, hidden or not, cells' text. */
function overviewRows(dom: string): Array<{ id: number; hidden: boolean; html: string }> {
  return [...dom.matchAll(/<tr data-id="(\d+)"([^>]*)>(.*?)<\/tr>/g)].map((m) => ({ id: Number(m[1]), hidden: /\bhidden=""/.test(m[2]), html: m[3] }));
}

function section(dom: string, id: number): string {
  const m = new RegExp(`<section class="conn" id="c${id}"([^>]*)>([\\s\\S]*?)</section>`).exec(dom);
  expect(m, `section c${id}`).not.toBeNull();
  return m![0];
}

describe.skipIf(!hasChromium && !inCi)('HTML report in headless Chromium', () => {
  it('chromium is installed (CI installs Debian\'s chromium in .ci/run)', () => {
    expect(hasChromium, 'chromium is not installed: apt-get install -y chromium (.ci/run does this when it is missing)').toBe(true);
  });

  it('the overview has the client-certificate status (with frame) and the first diagnosis code', () => {
    const rows = overviewRows(plainDom());
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    const four = rows[4].html;
    expect(four).toContain('<td class="cc"><span class="cc-sent">sent</span> <span class="legend">frame 70</span></td>');
    expect(four).toContain('<td class="dcode"><code>client-cert-unknown-ca</code></td>');
    expect(four).toContain('unknown_ca <span class="legend">by server, frame 71</span>');
    expect(rows[2].html).toMatch(/<td class="cc"><span class="cc-empty">empty<\/span>/);
    expect(rows[2].html).toMatch(/<td class="dcode"><code>client-cert-empty<\/code>/);
    expect(rows.every((r) => !r.hidden)).toBe(true);
  });

  it('the search box filters rows and connections (?q= read by the page script)', () => {
    const dom = dumpDom('?q=44302');
    const rows = overviewRows(dom);
    expect(rows.filter((r) => !r.hidden).map((r) => r.id)).toEqual([4]);
    expect(dom).toContain('<span id="shown" class="legend">1 of 6 connections shown</span>');
    expect(dom).toMatch(/<input id="q"[^>]*>/);
    expect(section(dom, 4)).not.toMatch(/^<section class="conn" id="c4" hidden/);
    expect(section(dom, 3)).toMatch(/^<section class="conn" id="c3" hidden=""/);
    // words are ANDed and match diagnosis codes
    const two = overviewRows(dumpDom('?q=client-cert-empty%20tls%201.2'));
    expect(two.filter((r) => !r.hidden).map((r) => r.id)).toEqual([5]);
  });

  it('in each connection the diagnosis comes first; the ladder is an SVG with two lifelines, the client Certificate and the decisive alert highlighted', () => {
    const s = section(plainDom(), 4);
    const diag = s.indexOf('<div class="diag sev-error"><b>error <code>client-cert-unknown-ca</code>');
    expect(diag).toBeGreaterThan(-1);
    expect(diag).toBeLessThan(s.indexOf('<div class="sentence">'));
    expect(diag).toBeLessThan(s.indexOf('<svg'));
    const svg = /<svg class="ladder-svg" data-conn="4"[\s\S]*?<\/svg>/.exec(s)![0];
    expect(svg.match(/<line class="lifeline (client|server)"/g)).toEqual(['<line class="lifeline client"', '<line class="lifeline server"']);
    expect(svg).toMatch(/<text class="who"[^>]*>Client<\/text>/);
    expect(svg).toMatch(/<text class="who"[^>]*>Server<\/text>/);
    const cert = [...svg.matchAll(/<g class="([^"]*\bclientcert\b[^"]*)" data-frame="(\d+)">/g)];
    expect(cert.map((m) => [m[1], m[2]])).toEqual([['ev c2s vis-plaintext kind-handshake clientcert', '70']]);
    const decisive = [...svg.matchAll(/<g class="([^"]*\bdecisive\b[^"]*)" data-frame="(\d+)">(.*?)<\/g>/g)];
    expect(decisive.map((m) => [m[1], m[2]])).toEqual([['ev s2c vis-plaintext kind-alert alert decisive', '71']]);
    expect(decisive[0][3]).toContain('>Alert fatal unknown_ca (48) · decisive alert, sent by the server</text>');
    // one arrow per record/message: tshark shows 1 + 5 + 5 + 1 (frames 66, 68, 70, 71)
    expect(svg.match(/<g class="ev /g)).toHaveLength(12);
  });

  it('the client certificate issuer beside the CAs the server accepts, the mismatch marked', () => {
    const s = section(plainDom(), 4);
    const box = /<div class="ca-compare mismatch">[\s\S]*?<div class="ca-verdict">(.*?)<\/div><\/div>/.exec(s);
    expect(box, 'mismatch box').not.toBeNull();
    expect(box![0]).toContain('<li class="nomatch"><span class="mono">CN=Evil CA,O=tls-inspect evil</span> <i>(issuer of the leaf)</i></li>');
    expect(box![0]).toContain('<h4>CAs the server accepts (CertificateRequest, frame 68)</h4><ul><li class="nomatch"><span class="mono">CN=Test CA,O=tls-inspect test PKI</span></li></ul>');
    expect(box![1]).toContain('Mismatch');
    const ok = section(plainDom(), 3);
    expect(ok).toContain('<div class="ca-compare ok">');
    expect(ok).toContain('<li class="match"><span class="mono">CN=Test CA,O=tls-inspect test PKI</span></li>');
  });
});

describe('the SVG ladder escapes wire strings', () => {
  it('an HTTP first line and an alert description with markup stay text', () => {
    const ev = (extra: Partial<EventModel>): EventModel => ({ frame: 9, time: '', direction: 'server->client', kind: 'alert', visibility: 'plaintext', ...extra });
    const c = {
      id: 7, client: { ip: '10.0.0.1', port: 1 }, server: { ip: '10.0.0.2', port: 443 }, clientCertificate: { status: 'not-requested', requested: false },
      events: [
        ev({ kind: 'encrypted', type: 'ApplicationData', visibility: 'decrypted', length: 5, application: { protocol: 'http/1.x', firstLine: 'HTTP/1.1 400 <script>x</script>', status: 400 } }),
        ev({ level: 'fatal', description: '</text><svg onload=alert(1)>&', code: 40 }),
      ],
    } as unknown as ConnectionModel;
    const svg = ladderSvg(c);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<svg onload');
    expect(svg).toContain('HTTP/1.1 400 &lt;script&gt;x&lt;/script&gt; (5 bytes) [decrypted]');
    expect(svg).toContain('Alert fatal &lt;/text&gt;&lt;svg onload=alert(1)&gt;&amp; (40)');
  });
});
