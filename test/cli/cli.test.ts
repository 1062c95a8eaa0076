import { createHash } from 'node:crypto';
/**
 * The built CLI as a user runs it: formats, JSON contract (validated with ajv against
 * schema/report.schema.json, the report v2 contract; test/report/report-v2.test.ts checks every
 * capture in-process), filters, exit codes and one-line errors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { REPO } from '../helpers/golden.js';
import { said } from '../helpers/diagnosis.js';

const BIN = join(REPO, 'bin', 'tls-inspect');
const TMP = mkdtempSync(join(tmpdir(), 'tli-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const CAP = (n: string) => join(REPO, 'captures', n);

function cli(args: string[], env: Record<string, string> = {}, input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '', ...env },
    input,
    encoding: 'buffer',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** The repo owns its report contract (../shared/spec holds only the retired v1, for reference). */
function schema(): object {
  return JSON.parse(readFileSync(join(REPO, 'schema', 'report.schema.json'), 'utf8'));
}

describe('tls-inspect CLI', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(schema());

  it('--format json follows the report schema, for every committed capture', () => {
    for (const f of ['all-scenarios.pcap', 'tls13-wrong-ca.pcap', 'tls12-no-cert.pcap', 'lossy-mtls.pcap']) {
      const keys = CAP(f.replace('.pcap', '.keys'));
      const r = cli(['file', CAP(f), '--format', 'json', '--keylog', keys]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      const ok = validate(report);
      expect(ok, JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
      expect(report.connections.length).toBeGreaterThan(0);
    }
  });

  it('--format jsonl: a source line, certificate and connection lines, a summary line, all schema-valid', () => {
    const r = cli(['file', CAP('all-scenarios.pcap'), '--format', 'jsonl', '--keylog', CAP('all-scenarios.keys')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const line = ajv.getSchema('tls-inspect/report.schema.json#/$defs/jsonlLine')!;
    for (const l of lines) expect(line(l), JSON.stringify(line.errors?.slice(0, 3))).toBe(true);
    expect(lines.map((l) => l.record).join(' ')).toMatch(/^source ((certificate )*connection )+summary$/);
    expect(lines.filter((l) => l.record === 'connection').length).toBe(6);
    expect(lines[0]).toEqual({ record: 'source', schemaVersion: 2, tool: { name: 'tls-inspect', version: expect.any(String) }, kind: 'pcap', path: CAP('all-scenarios.pcap') });
    expect(lines.at(-1)).toMatchObject({ record: 'summary', connections: 6, packets: 86, keylogSecretsLoaded: 18, sourceWarnings: [] });
    // the same connections as the JSON report
    const json = JSON.parse(cli(['file', CAP('all-scenarios.pcap'), '--format', 'json', '--keylog', CAP('all-scenarios.keys')]).stdout);
    expect(lines.filter((l) => l.record === 'connection').map(({ record: _r, ...c }) => c)).toEqual(json.connections);
  });

  it('--format json is one line unless --pretty; --details adds the decoded fields', () => {
    const args = ['file', CAP('tls12-wrong-ca.pcap'), '--format', 'json'];
    const compact = cli(args);
    const pretty = cli([...args, '--pretty']);
    const details = cli([...args, '--details']);
    for (const r of [compact, pretty, details]) expect(r.code, r.stderr).toBe(0);
    const value = JSON.parse(compact.stdout);
    expect(compact.stdout).toBe(`${JSON.stringify(value)}\n`);
    expect(pretty.stdout).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(validate(value), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const events = (r: { stdout: string }) => JSON.parse(r.stdout).connections[0].events as Array<Record<string, unknown>>;
    expect(events(compact).some((e) => 'details' in e)).toBe(false);
    expect(events(details).find((e) => e.type === 'ClientHello')?.details).toMatchObject({ cipherSuites: expect.any(Array) });
    expect(JSON.parse(details.stdout).connections[0].fingerprints.ja4).toMatch(/^t12/);
    // the client certificate by reference, the catalogue with the code's text
    const c = value.connections[0];
    expect(value.certificates[c.clientCertificate.chain[0]].subject).toMatch(/CN=evil-client/);
    expect(value.catalogue['client-cert-unknown-ca'].fix.length).toBeGreaterThan(20);
  });

  it('text output names the client certificate and the alert for the wrong-CA scenario', () => {
    const r = cli(['file', CAP('tls12-wrong-ca.pcap')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/client certificate: sent in frame \d+, TLS record 1 of client->server, stream offset \d+:\s+CN=evil-client/);
    expect(r.stdout).toMatch(/Alert fatal unknown_ca \(48\)/);
    expect(r.stdout).toMatch(/client-cert-unknown-ca/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // NO_COLOR
  });

  it('markdown and html reports are written with -o', () => {
    const dir = mkdtempSync(join(TMP, 'd-'));
    for (const fmt of ['markdown', 'html']) {
      const out = join(dir, `r.${fmt}`);
      const r = cli(['file', CAP('all-scenarios.pcap'), '--format', fmt, '-o', out, '--keylog', CAP('all-scenarios.keys')]);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toMatch(/unknown_ca/);
      if (fmt === 'html') {
        expect(text.startsWith('<!DOCTYPE html>')).toBe(true);
        // self-contained: no URL but the SVG namespace; one inline script (the search box), no src,
        // allowed by its hash and nothing else
        expect(text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
        const scripts = [...text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
        expect(scripts.map((m) => m[1])).toEqual(['']);
        const hash = createHash('sha256').update(scripts[0][2]).digest('base64');
        expect(text).toContain(`default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'`);
      }
    }
  });

  it('filters: --only failed, --port, --host', () => {
    const all = JSON.parse(cli(['file', CAP('all-scenarios.pcap'), '--format', 'json']).stdout);
    const failed = JSON.parse(cli(['file', CAP('all-scenarios.pcap'), '--format', 'json', '--only', 'failed', '--keylog', CAP('all-scenarios.keys')]).stdout);
    expect(failed.connections.length).toBeGreaterThan(0);
    expect(failed.connections.length).toBeLessThan(all.connections.length);
    for (const c of failed.connections) expect(c.diagnoses.some((d: { severity: string }) => d.severity === 'error')).toBe(true);
    const port = all.connections[0].server.port;
    const byPort = JSON.parse(cli(['file', CAP('all-scenarios.pcap'), '--format', 'json', '--port', String(port)]).stdout);
    expect(byPort.connections.every((c: { server: { port: number }; client: { port: number } }) => c.server.port === port || c.client.port === port)).toBe(true);
    const none = JSON.parse(cli(['file', CAP('all-scenarios.pcap'), '--format', 'json', '--host', '10.9.9.9']).stdout);
    expect(none.connections).toEqual([]);
  });

  it('--fail-on error exits 1 when a connection failed, 0 otherwise', () => {
    expect(cli(['file', CAP('tls12-wrong-ca.pcap'), '--fail-on', 'error']).code).toBe(1);
    expect(cli(['file', CAP('tls12-mtls-ok.pcap'), '--fail-on', 'error']).code).toBe(0);
  });

  it('reads a capture from stdin', () => {
    const r = cli(['file', '-', '--format', 'json'], {}, readFileSync(CAP('tls12-wrong-ca.pcap')));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).connections.length).toBe(1);
  });

  it('one clear line and exit 2 for a missing file, a non-capture file and bad usage', () => {
    const missing = cli(['file', '/nonexistent/x.pcap']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('tls-inspect: cannot open /nonexistent/x.pcap: no such file\n');
    const dir = mkdtempSync(join(TMP, 'd-'));
    const junk = join(dir, 'junk.pcap');
    writeFileSync(junk, 'this is not a capture file at all\n');
    const notCap = cli(['file', junk]);
    expect(notCap.code).toBe(2);
    expect(notCap.stderr).toBe(`tls-inspect: not a pcap/pcapng file: ${junk}\n`);
    const usage = cli(['file']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n').length).toBe(1);
    const badKeylog = cli(['file', CAP('tls12-wrong-ca.pcap'), '--keylog', '/nonexistent/keys']);
    expect(badKeylog.code).toBe(2);
    expect(badKeylog.stderr).toBe('tls-inspect: cannot read key log /nonexistent/keys: no such file\n');
  });

  it('a report that cannot be written (full disk) is one line and exit 2, not a hang', () => {
    for (const format of ['json', 'jsonl', 'text', 'markdown', 'html']) {
      const r = cli(['file', CAP('all-scenarios.pcap'), '--keylog', CAP('all-scenarios.keys'), '--format', format, '-o', '/dev/full']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^tls-inspect: cannot write \/dev\/full: .*ENOSPC.*\n$/);
    }
  });

  it('--help lists the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['file', 'live', 'interfaces']) expect(r.stdout).toContain(c);
  });

  // script(1) gives the CLI a terminal as stdout
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('--format json on a terminal is pretty unless --no-pretty', () => {
    const onTty = (extra: string) =>
      spawnSync('script', ['-qec', `${process.execPath} ${BIN} file ${CAP('tls12-wrong-ca.pcap')} --format json ${extra}`, '/dev/null'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const pretty = onTty('');
    const compact = onTty('--no-pretty');
    expect(pretty.status, pretty.stderr).toBe(0);
    // the terminal turns \n into \r\n
    const value = JSON.parse(pretty.stdout);
    expect(pretty.stdout.replace(/\r\n/g, '\n')).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(compact.stdout.replace(/\r\n/g, '\n')).toBe(`${JSON.stringify(value)}\n`);
  });

  it('--ca verifies the captured client chain offline and names the CA that would be needed', () => {
    const r = cli(['file', CAP('tls13-chain-missing-intermediate.pcap'), '--keylog', CAP('tls13-chain-missing-intermediate.keys'), '--format', 'json', '--ca', CAP('pki/test-ca.pem')]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout).connections[0].diagnoses.find((x: { code: string }) => x.code === 'client-cert-unknown-ca');
    expect(said(d)).toContain('Offline check against --ca');
    expect(said(d)).toContain('To be trusted, the server needs CN=Test Intermediate CA,O=tls-inspect test PKI');
    // with the intermediate in the bundle the chain verifies: the server trusts other CAs than the bundle
    const ok = cli(['file', CAP('tls13-chain-missing-intermediate.pcap'), '--keylog', CAP('tls13-chain-missing-intermediate.keys'), '--format', 'json', '--ca', CAP('pki/test-ca.pem'), '--ca', CAP('pki/test-int-ca.pem')]);
    const d2 = JSON.parse(ok.stdout).connections[0].diagnoses.find((x: { code: string }) => x.code === 'client-cert-unknown-ca');
    expect(said(d2)).toContain('Verified offline against --ca');
    const bad = cli(['file', CAP('tls13-wrong-ca.pcap'), '--ca', CAP('tls13-wrong-ca.keys')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n').filter(Boolean).length).toBe(1);
    expect(bad.stderr).toMatch(/^tls-inspect: cannot use CA bundle .*tls13-wrong-ca\.keys: /);
  });
});
