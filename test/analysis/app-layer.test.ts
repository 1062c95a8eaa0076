/**
 * Rejections that only the application layer shows: nginx (ssl_verify_client on) answers a wrong-CA
 * or missing client certificate with HTTP 400 inside TLS and no alert (captures/make-nginx-captures.sh).
 * With the key log the decrypted 400 is the evidence: verdict failed, client-cert-rejected-http,
 * the record carrying the 400 as evidence; the ladder shows the HTTP first line. Without keys the
 * TLS-level inference stands and nothing is claimed about HTTP.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';
import { ladderLines } from '../../src/report/ladder.js';
import { renderReportMarkdown } from '../../src/report/markdown.js';
import { renderReportHtml } from '../../src/report/html.js';
import { renderConnectionText } from '../../src/report/text.js';
import { renderReport, reportModel } from '../../src/cli/output.js';
import { sourceModel } from '../../src/cli/file-command.js';
import { ladderLayoutFor, ladderRows } from '../../src/tui/view-model/ladder-view.js';
import { eventTree } from '../../src/tui/view-model/detail-tree.js';
import type { ConnectionModel, EventModel, ReportModel } from '../../src/analysis/model.js';
import { fixOf, said } from '../helpers/diagnosis.js';

const CAP = (n: string) => join(REPO, 'captures', `${n}.pcap`);
const KEYS = (n: string) => join(REPO, 'captures', `${n}.keys`);

async function conn(name: string, withKeys = true): Promise<ConnectionModel> {
  const a = await analyse(CAP(name), withKeys ? { keylog: KEYS(name) } : {});
  expect(a.connections.filter((c) => c.isTls).length).toBe(1);
  return a.connections.find((c) => c.isTls)!;
}

async function report(name: string): Promise<ReportModel> {
  const a = await analyse(CAP(name), { keylog: KEYS(name) });
  return reportModel(sourceModel(a.result, CAP(name), a.keys.secretCount()), a.connections, a.result.analyzer.summary());
}

function serverApp(c: ConnectionModel): EventModel[] {
  return c.events.filter((e) => e.type === 'ApplicationData' && e.direction === 'server->client');
}

/** Without keys: no application events and nothing claimed about HTTP (today's TLS-level inference). */
async function noClaimWithoutKeys(name: string): Promise<void> {
  const c = await conn(name, false);
  expect(c.events.some((e) => e.application !== undefined || e.type === 'ApplicationData')).toBe(false);
  expect(c.diagnoses.some((d) => d.code === 'client-cert-rejected-http')).toBe(false);
  for (const d of c.diagnoses) expect(d.summary).not.toMatch(/HTTP/);
}

const REJECTED: Array<[string, 'wrong-ca' | 'none', string]> = [
  ['nginx-tls13-wrong-ca', 'wrong-ca', 'The SSL certificate error'],
  ['nginx-tls12-wrong-ca', 'wrong-ca', 'The SSL certificate error'],
  ['nginx-tls13-no-cert', 'none', 'No required SSL certificate was sent'],
  ['nginx-tls12-no-cert', 'none', 'No required SSL certificate was sent'],
];

describe('nginx 400 inside TLS, with the key log', () => {
  it.each(REJECTED)('%s: failed, client-cert-rejected-http quoting the status line and nginx reason', async (name, cert, reason) => {
    const c = await conn(name);
    expect(c.verdict).toBe('failed');
    const resp = serverApp(c)[0];
    expect(resp.visibility).toBe('decrypted');
    expect(resp.application).toMatchObject({ protocol: 'http/1.x', firstLine: 'HTTP/1.1 400 Bad Request', status: 400, title: `400 ${reason}` });
    const d = c.diagnoses.find((x) => x.code === 'client-cert-rejected-http');
    expect(d, JSON.stringify(c.diagnoses.map((x) => x.code))).toBeDefined();
    expect(d!.severity).toBe('error');
    expect(d!.inferred).toBeUndefined();
    expect(d!.evidenceFrames).toContain(resp.frame);
    expect(d!.summary).toContain(`"HTTP/1.1 400 Bad Request" ("${reason}") in frame ${resp.frame}`);
    expect(fixOf(d!)).toMatch(/ssl_verify_client/);
    expect(fixOf(d!)).toMatch(/ssl_client_certificate/);
    expect(fixOf(d!)).toMatch(/ssl_trusted_certificate/);
    expect(fixOf(d!)).toMatch(/ssl_verify_depth/);
    if (cert === 'wrong-ca') {
      expect(d!.summary).toContain('CN=evil-client');
      expect(d!.summary).toContain('not among the CAs the server accepts (CN=Test CA,O=tls-inspect test PKI)');
    } else {
      expect(d!.summary).toContain('EMPTY Certificate');
      expect(c.clientCertificate.status).toBe('empty');
    }
    // nothing on the same connection says "no alert was seen" as if that were the end of the story
    for (const x of c.diagnoses) expect(said(x)).not.toMatch(/No alert was seen/);
    expect(c.diagnoses.some((x) => x.code === 'client-cert-wrong-ca')).toBe(false);
    await noClaimWithoutKeys(name);
  });

  it.each(REJECTED)('%s: the ladder shows the request and the 400 (text, Markdown, HTML, TUI)', async (name) => {
    const c = await conn(name);
    const labels = ladderLines(c).map((l) => l.label);
    expect(labels.some((l) => /^GET \/ HTTP\/1\.1 \(\d+ bytes\) \[decrypted\]$/.test(l))).toBe(true);
    const line = ladderLines(c).find((l) => l.label.startsWith('HTTP/1.1 400 Bad Request'))!;
    expect(line.isAlert).toBe(true);
    expect(line.text).toMatch(/^ *<=+ HTTP\/1\.1 400 Bad Request \(\d+ bytes\) \[decrypted\]$/);
    expect(renderConnectionText(c, { color: false })).toContain('HTTP/1.1 400 Bad Request');
    const tui = ladderRows(c, ladderLayoutFor(c, 120));
    const row = tui.find((r) => r.line.label.startsWith('HTTP/1.1 400'))!;
    expect(row.marker).toBe('!');
    const tree = JSON.stringify(eventTree(row.line.event, c));
    expect(tree).toContain('firstLine: HTTP/1.1 400 Bad Request');
    expect(tree).toContain('Role: Decrypted HTTP error response (400)');
  });
});

describe('nginx accepting the connection', () => {
  it.each(['nginx-tls13-mtls-ok', 'nginx-tls12-mtls-ok', 'nginx-tls13-optional-no-cert'])('%s: 200 in the ladder, no HTTP rejection', async (name) => {
    const c = await conn(name);
    expect(serverApp(c)[0].application).toMatchObject({ protocol: 'http/1.x', firstLine: 'HTTP/1.1 200 OK', status: 200 });
    expect(ladderLines(c).some((l) => l.label.startsWith('HTTP/1.1 200 OK (') && !l.isAlert)).toBe(true);
    expect(c.diagnoses.some((d) => d.code === 'client-cert-rejected-http')).toBe(false);
    expect(c.verdict).not.toBe('failed');
  });
});

describe('nginx over HTTP/2', () => {
  it('preface, frames and :status 400 from HPACK; the rejection is diagnosed', async () => {
    const c = await conn('nginx-tls13-h2-wrong-ca');
    const client = c.events.filter((e) => e.type === 'ApplicationData' && e.direction === 'client->server');
    expect(client[0].application).toEqual({ protocol: 'http2', preface: true, frames: ['SETTINGS', 'WINDOW_UPDATE'] });
    expect(client[1].application).toEqual({ protocol: 'http2', frames: ['HEADERS'] });
    const [resp, body] = serverApp(c);
    expect(resp.application).toEqual({ protocol: 'http2', status: 400, frames: ['SETTINGS', 'WINDOW_UPDATE', 'SETTINGS', 'HEADERS'] });
    expect(body.application).toEqual({ protocol: 'http2', frames: ['DATA'], title: '400 The SSL certificate error' });
    expect(c.verdict).toBe('failed');
    const d = c.diagnoses.find((x) => x.code === 'client-cert-rejected-http')!;
    expect(d.summary).toContain(`HTTP/2 :status 400 ("The SSL certificate error") in frame ${resp.frame}`);
    expect(d.evidenceFrames).toContain(resp.frame);
    expect(ladderLines(c, 100).map((l) => l.label)).toContain('HTTP/2 preface (64 bytes) SETTINGS WINDOW_UPDATE [decrypted]');
    await noClaimWithoutKeys('nginx-tls13-h2-wrong-ca');
  });
});

describe('reports', () => {
  it('JSON follows the report schema; Markdown and HTML show the 400', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schema', 'report.schema.json'), 'utf8')));
    for (const name of ['nginx-tls12-wrong-ca', 'nginx-tls13-h2-wrong-ca']) {
      const r = await report(name);
      const json = JSON.parse(renderReport('json', r, false));
      expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(r.summary.diagnoses['client-cert-rejected-http']).toBe(1);
    }
    const r = await report('nginx-tls12-wrong-ca');
    expect(renderReportMarkdown(r)).toContain('HTTP/1.1 400 Bad Request');
    const html = renderReportHtml(r);
    // the SVG ladder: the 400 is the decisive problem (red band), its label the response line
    expect(html).toMatch(/<g class="ev s2c vis-decrypted kind-encrypted alert decisive" data-frame="\d+"><title>frame \d+: HTTP\/1\.1 400 Bad Request/);
    expect(html).toMatch(/<text class="lbl"[^>]*>HTTP\/1\.1 400 Bad Request \(\d+ bytes\) \[decrypted\] · decisive alert, sent by the server<\/text>/);
  });
});

describe('an expired certificate that nginx rejects', () => {
  it('the cause (client-cert-expired) and the proof (client-cert-rejected-http) together', async () => {
    const c = await conn('nginx-tls13-expired-cert');
    expect(c.verdict).toBe('failed');
    expect(c.diagnoses.map((d) => d.code)).toEqual(expect.arrayContaining(['client-cert-expired', 'client-cert-rejected-http']));
    const d = c.diagnoses.find((x) => x.code === 'client-cert-rejected-http')!;
    expect(d.summary).toContain('an issuer the server lists; it expired on 2021-01-01T00:00:00Z');
  });
});

describe('the rule on constructed connections', () => {
  const base = async () => structuredClone(await conn('nginx-tls12-wrong-ca'));
  const resp = (c: ConnectionModel) => serverApp(c)[0];
  const run = async (edit: (c: ConnectionModel) => void) => {
    const { runRules } = await import('../../src/analysis/rules/index.js');
    const { HTTP_RULES } = await import('../../src/analysis/rules/http.js');
    const { RuleContext } = await import('../../src/analysis/rules/types.js');
    const { newCertContext } = await import('../../src/analysis/certificates.js');
    const c = await base();
    edit(c);
    const x = new RuleContext(c, newCertContext(), undefined, { serverHelloSeen: true, clientHelloMissing: false });
    x.out.push({ code: 'client-cert-wrong-ca', severity: 'warning' as const, summary: 'No alert was seen', evidenceFrames: [] });
    return runRules(HTTP_RULES, x);
  };

  it('a 400 whose page does not name the certificate, after a certificate from an unlisted CA: inferred, supersedes nothing', async () => {
    const out = await run((c) => delete resp(c).application!.title);
    expect(out.map((d) => d.code)).toEqual(['client-cert-wrong-ca', 'client-cert-rejected-http']);
    expect(out[1].inferred).toBe(true);
    expect(out[1].summary).toMatch(/^INFERRED: /);
  });

  it('a bare 400 after a certificate the server lists: no claim', async () => {
    const out = await run((c) => {
      delete resp(c).application!.title;
      c.clientCertificate.acceptedAuthorities = [c.clientCertificate.chain![0].issuer];
    });
    expect(out.map((d) => d.code)).toEqual(['client-cert-wrong-ca']);
  });

  it('495 (nginx "SSL Certificate Error" passed through error_page) is proof; 200 and 403 are not', async () => {
    const set = (status: number) => (c: ConnectionModel) => {
      Object.assign(resp(c).application!, { status, firstLine: `HTTP/1.1 ${status} X` });
      delete resp(c).application!.title;
    };
    expect((await run(set(495))).map((d) => d.code)).toEqual(['client-cert-rejected-http']);
    expect((await run(set(200))).map((d) => d.code)).toEqual(['client-cert-wrong-ca']);
    expect((await run(set(403))).map((d) => d.code)).toEqual(['client-cert-wrong-ca']);
  });

  it('no CertificateRequest (one-way TLS): an HTTP 400 is not about a client certificate', async () => {
    const out = await run((c) => (c.events = c.events.filter((e) => e.type !== 'CertificateRequest')));
    expect(out.map((d) => d.code)).toEqual(['client-cert-wrong-ca']);
  });
});
