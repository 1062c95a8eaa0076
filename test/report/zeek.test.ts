/**
 * `--format zeek` / `zeek-json`: the ssl.log / x509.log layout against Zeek's documented fields,
 * one row against Zeek's own output for the same trace, Zeek's value conventions, the golden logs
 * of every committed capture (test/golden/zeek-logs.mjs), and the CLI writing DIR/ssl.log and
 * DIR/x509.log.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';
import { SSL_FIELDS, X509_FIELDS, sslRecord, zeekUid } from '../../src/report/zeek.js';
import { renderZeekLogs, tsvValue } from '../../src/report/zeek-writer.js';

/**
 * Zeek's documented ssl.log fields, in log order, with their types: the `&log` fields of
 * SSL::Info in scripts/base/protocols/ssl/main.zeek (ts … ssl_history), those files.zeek adds
 * (cert_chain_fps, client_cert_chain_fps, sni_matches_cert; subject/issuer/client_subject/
 * client_issuer are excluded from the default filter), and the one of the policy script
 * protocols/ssl/certificate-request-info.zeek.
 */
const ZEEK_SSL_DOC: Array<[string, string]> = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'], ['version', 'string'], ['cipher', 'string'], ['curve', 'string'],
  ['server_name', 'string'], ['resumed', 'bool'], ['last_alert', 'string'], ['next_protocol', 'string'],
  ['established', 'bool'], ['ssl_history', 'string'], ['cert_chain_fps', 'vector[string]'],
  ['client_cert_chain_fps', 'vector[string]'], ['sni_matches_cert', 'bool'],
  ['requested_client_certificate_authorities', 'vector[string]'],
];

/** X509::Info `&log` fields (scripts/base/files/x509/main.zeek) with X509::Certificate,
 * X509::SubjectAlternativeName and X509::BasicConstraints flattened as Zeek logs them. */
const ZEEK_X509_DOC: Array<[string, string]> = [
  ['ts', 'time'], ['fingerprint', 'string'], ['certificate.version', 'count'], ['certificate.serial', 'string'],
  ['certificate.subject', 'string'], ['certificate.issuer', 'string'], ['certificate.not_valid_before', 'time'],
  ['certificate.not_valid_after', 'time'], ['certificate.key_alg', 'string'], ['certificate.sig_alg', 'string'],
  ['certificate.key_type', 'string'], ['certificate.key_length', 'count'], ['certificate.exponent', 'string'],
  ['certificate.curve', 'string'], ['san.dns', 'vector[string]'], ['san.uri', 'vector[string]'],
  ['san.email', 'vector[string]'], ['san.ip', 'vector[addr]'], ['basic_constraints.ca', 'bool'],
  ['basic_constraints.path_len', 'count'], ['host_cert', 'bool'], ['client_cert', 'bool'],
];

const CORPUS = join(REPO, 'test', 'fixtures', 'zeek');
const mask = (s: string): string => s.replace(/^#(open|close)\t.*$/gm, '#$1\tXXXX-XX-XX-XX-XX-XX');

function header(log: string, key: string): string[] {
  const line = log.split('\n').find((l) => l.startsWith(`#${key}\t`));
  return line ? line.split('\t').slice(1) : [];
}

describe('Zeek log layout', () => {
  it("ssl.log: Zeek's documented fields in Zeek's order, then tls_inspect_verdict", () => {
    expect(SSL_FIELDS.slice(0, -1).map((f) => [...f])).toEqual(ZEEK_SSL_DOC);
    expect([...SSL_FIELDS.at(-1)!]).toEqual(['tls_inspect_verdict', 'string']);
  });

  it("x509.log: Zeek's documented fields", () => {
    expect(X509_FIELDS.map((f) => [...f])).toEqual(ZEEK_X509_DOC);
  });

  it('header lines as the ASCII writer writes them', () => {
    const { ssl, x509 } = renderZeekLogs([], new Date(2026, 0, 2, 3, 4, 5), new Date(2026, 0, 2, 3, 4, 6));
    expect(ssl.split('\n').slice(0, 6)).toEqual([
      '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tssl', '#open\t2026-01-02-03-04-05',
    ]);
    expect(header(ssl, 'fields')).toEqual([...ZEEK_SSL_DOC.map((f) => f[0]), 'tls_inspect_verdict']);
    expect(header(ssl, 'types')).toEqual([...ZEEK_SSL_DOC.map((f) => f[1]), 'string']);
    expect(header(x509, 'fields')).toEqual(ZEEK_X509_DOC.map((f) => f[0]));
    expect(header(x509, 'types')).toEqual(ZEEK_X509_DOC.map((f) => f[1]));
    expect(ssl.trimEnd().split('\n').at(-1)).toBe('#close\t2026-01-02-03-04-06');
  });

  it('value conventions: T/F, unset -, (empty), vector separator escaped', () => {
    expect(tsvValue(true)).toBe('T');
    expect(tsvValue(false)).toBe('F');
    expect(tsvValue(undefined)).toBe('-');
    expect(tsvValue([])).toBe('(empty)');
    expect(tsvValue('')).toBe('(empty)');
    expect(tsvValue('-')).toBe('\\x2d');
    expect(tsvValue(['O=a,C=US', 'CN=b'])).toBe('O=a\\x2cC=US,CN=b');
    expect(tsvValue('a,b\tc')).toBe('a,b\\x09c');
    expect(tsvValue(443)).toBe('443');
  });

  it('no wire string can break a line or a column, or reach a terminal as a control (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }))), (v) => {
        const out = tsvValue(v);
        expect(out).not.toMatch(/[\t\n\r\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        if (Array.isArray(v) && v.length > 0) expect(out.split(',').length).toBe(v.length);
      }),
    );
  });

  it('uid: C + 17 base62 characters, stable per connection, different for another', () => {
    const c = { client: { ip: '10.0.0.1', port: 5000 }, server: { ip: '10.0.0.2', port: 443 }, startTime: '2026-01-01T00:00:00.1Z' };
    expect(zeekUid(c)).toMatch(/^C[0-9A-Za-z]{17}$/);
    expect(zeekUid(c)).toBe(zeekUid({ ...c }));
    expect(zeekUid({ ...c, client: { ip: '10.0.0.1', port: 5001 } })).not.toBe(zeekUid(c));
  });
});

describe("agrees with Zeek's own ssl.log", () => {
  it('certificate-request-failed.pcap: every column but ts/uid equals the Zeek baseline', async () => {
    // testing/btest/Baseline/scripts.policy.protocols.ssl.certificate-request-info/ssl.log (Zeek,
    // BSD), the one row after its ts and uid
    const zeek =
      'fd42:496a:d659:bb85::1\t52464\tfd42:496a:d659:bb85:216:3eff:fe6a:a257\t3000\tTLSv12\t' +
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\tx25519\t-\tF\thandshake_failure\t-\tF\tCsxkrnXGIl\t' +
      '0a171ee771a26530c650fe8b8a6bf205177bfb64fbb3e5303ba348c13ffc7dfa,c628dd5aae1f216da6ce4f8f914fb7141c2b0afd3522cce5900bcc4840657bfd\t' +
      '(empty)\t-\tO=SomeOrg\\x2cL=Somewhere\\x2cST=Some-State\\x2cC=US';
    const { connections } = await analyse(join(CORPUS, 'certificate-request-failed.pcap'), { all: false });
    expect(connections.length).toBe(1);
    const row = sslRecord(connections[0]!).map(tsvValue);
    expect(row.slice(2, -1).join('\t')).toBe(zeek);
    expect(row.at(-1)).toBe('failed');
  });

  it('TLS 1.3 client certificate rejected after Finished: established=T as Zeek says, our verdict failed', async () => {
    const { connections } = await analyse(join(REPO, 'captures', 'tls13-wrong-ca.pcap'), { all: false });
    const row = sslRecord(connections[0]!);
    const col = (n: string): unknown => row[SSL_FIELDS.findIndex((f) => f[0] === n)];
    expect(col('established')).toBe(true);
    expect(col('tls_inspect_verdict')).toBe('failed');
    expect(col('ssl_history')).toBe('CsiI');
  });
});

describe('golden Zeek logs (test/golden/zeek-logs.mjs)', () => {
  const gold = join(REPO, 'test', 'golden', 'zeek-logs');
  const inputs: Array<[string, string, string | undefined]> = [];
  for (const f of readFileSync(join(REPO, 'test', 'golden', 'index.tsv'), 'utf8').trim().split('\n')) {
    const [name, input, , keys] = f.split('\t');
    inputs.push([name!, input!, name!.startsWith('captures/') && keys !== '-' ? keys : undefined]);
  }
  it('covers every golden input', () => {
    expect(inputs.length).toBeGreaterThan(60);
    for (const [name] of inputs) expect(existsSync(join(gold, `${name}.ssl.log`)), name).toBe(true);
  });
  for (const [name, input, keys] of inputs) {
    it(name, async () => {
      const { connections } = await analyse(join(REPO, input), { all: false, keylog: keys ? join(REPO, keys) : undefined });
      const r = renderZeekLogs(connections, new Date(0), new Date(0));
      expect(mask(r.ssl)).toBe(readFileSync(join(gold, `${name}.ssl.log`), 'utf8'));
      expect(mask(r.x509)).toBe(readFileSync(join(gold, `${name}.x509.log`), 'utf8'));
    });
  }
});

describe('tls-inspect file --format zeek / zeek-json', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, SSLKEYLOGFILE: '' } });
  const cap = join(REPO, 'captures', 'tls12-mtls-ok.pcap');

  it('-o DIR writes DIR/ssl.log and DIR/x509.log; without -o ssl.log goes to stdout', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'zeek-')), 'logs');
    try {
      const r = cli(['file', cap, '--format', 'zeek', '-o', dir]);
      expect(r.status, r.stderr).toBe(0);
      const ssl = readFileSync(join(dir, 'ssl.log'), 'utf8');
      const x509 = readFileSync(join(dir, 'x509.log'), 'utf8');
      expect(header(ssl, 'path')).toEqual(['ssl']);
      expect(header(x509, 'path')).toEqual(['x509']);
      expect(ssl.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length).toBe(1);
      // server leaf + CA, client leaf + the same CA again: Zeek's dedup key includes client_cert
      const rows = x509.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t'));
      expect(rows.map((r) => `${r[4]} ${r[20]} ${r[21]}`)).toEqual([
        'CN=localhost,O=tls-inspect test PKI T F',
        'CN=Test CA,O=tls-inspect test PKI F F',
        'CN=test-client,O=tls-inspect test PKI T T',
        'CN=Test CA,O=tls-inspect test PKI F T',
      ]);
      const out = cli(['file', cap, '--format', 'zeek']);
      expect(out.status, out.stderr).toBe(0);
      expect(mask(out.stdout)).toBe(mask(ssl));
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('zeek-json: the same records as JSON lines (unset fields left out, ts a number)', () => {
    const r = cli(['file', cap, '--format', 'zeek-json']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(1);
    const o = lines[0]!;
    expect(typeof o.ts).toBe('number');
    expect(o['id.resp_p']).toBe(44301);
    expect(o.version).toBe('TLSv12');
    expect(o.established).toBe(true);
    expect(Array.isArray(o.client_cert_chain_fps)).toBe(true);
    expect('last_alert' in o).toBe(false);
    for (const k of Object.keys(o)) expect(SSL_FIELDS.map((f) => f[0])).toContain(k);
  });

  it('-o pointing at a file is refused with one line and exit 2', () => {
    const r = cli(['file', cap, '--format', 'zeek', '-o', join(REPO, 'package.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    expect(r.stderr).toMatch(/directory/);
  });
});
