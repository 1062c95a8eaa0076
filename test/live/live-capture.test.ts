/**
 * `tls-inspect live` end to end on the loopback interface (issue 8 acceptance): a real OpenSSL
 * mTLS server (s_server -Verify 1 -verify_return_error) and three TLS 1.3 s_client runs (good
 * client certificate, Evil CA certificate, no certificate), captured live with a key log that does
 * not exist yet when the capture starts. The jsonl stream must say what the clients saw, and
 * `tls-inspect file` on the written pcapng (secrets in its trailing DSB, no --keylog) must give the
 * same report.
 *
 * Needs root and the "cap" binding (skipped, with the reason printed, only when one is missing);
 * needs openssl on PATH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';
import { type Child, freePort, killAll, liveSkipReason, run, start } from './processes.js';
import { BLOCK, dsbText, epbPacket, pcapngBlocks, tlsHello } from './pcapng-read.js';

const BIN = join(REPO, 'bin', 'tls-inspect');
const PKI = (n: string) => join(REPO, 'captures', 'pki', n);
const ENV = { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' };
const DATA_LINE = 'hello from the live capture test\n';

const skipReason = liveSkipReason();
if (skipReason !== null) console.warn(`test/live skipped: ${skipReason}`);

/** The subject of a PEM certificate as OpenSSL prints it in RFC 2253 order (independent source). */
function subjectOf(pem: string): string {
  const r = spawnSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253', '-in', pem], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`openssl x509 failed: ${r.stderr}`);
  return r.stdout.trim().replace(/^subject=/, '');
}

function cli(args: string[], ms = 60_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, env: ENV, encoding: 'utf8', timeout: ms });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function records(text: string): Record<string, any>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);
}

/** The connection lines of a JSONL report (v2: among source, certificate and summary lines). */
function jsonLines(text: string): Record<string, any>[] {
  return records(text).filter((l) => l.record === 'connection');
}

/** A certificate line's subject, by the SHA-256 a connection refers to it with. */
function subjectBySha(text: string, sha: string): string | undefined {
  return records(text).find((l) => l.record === 'certificate' && l.sha256 === sha)?.subject;
}

const alerts = (c: Record<string, any>) => c.events.filter((e: any) => e.kind === 'alert');

describe.skipIf(skipReason !== null)('tls-inspect live on lo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tli-live-'));
  const keylog = join(dir, 'client.keys'); // does not exist when the capture starts
  const pcapng = join(dir, 'live.pcapng');
  let port = 0;
  let server: Child;
  let live: Child;
  const clients: Child[] = [];

  beforeAll(async () => {
    port = await freePort();
    // stdin stays open (a pipe): s_server shuts down on EOF of its stdin
    server = start('s_server', 'openssl', [
      's_server', '-Verify', '1', '-verify_return_error', '-CAfile', PKI('test-ca.pem'),
      '-cert', PKI('server.pem'), '-key', PKI('server.key'), '-accept', `127.0.0.1:${port}`,
    ]);
    await server.waitFor('s_server to print ACCEPT', (c) => c.stdout.includes('ACCEPT'), 10_000);

    live = start('tls-inspect live', process.execPath, [
      BIN, 'live', '-i', 'lo', '-f', `tcp port ${port}`, '--format', 'jsonl', '--keylog', keylog, '-w', pcapng,
    ], ENV);
    await live.waitFor('"capturing on" on stderr', (c) => c.stderr.includes('capturing on lo'), 15_000);
    expect(existsSync(keylog)).toBe(false);

    const connect = ['s_client', '-tls1_3', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost',
      '-CAfile', PKI('test-ca.pem'), '-verify_return_error', '-keylogfile', keylog];
    // good certificate: send a line, then EOF makes s_client close (close_notify)
    clients.push(await run('s_client good', 'openssl', [...connect, '-cert', PKI('client.pem'), '-key', PKI('client.key')], DATA_LINE, 15_000));
    // rejected ones: -ign_eof keeps s_client reading until the server's alert and close
    clients.push(await run('s_client evil', 'openssl', [...connect, '-cert', PKI('evil-client.pem'), '-key', PKI('evil-client.key'), '-ign_eof'], '', 15_000));
    clients.push(await run('s_client no-cert', 'openssl', [...connect, '-ign_eof'], '', 15_000));
  }, 90_000);

  afterAll(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the OpenSSL clients saw what the scenarios are about', () => {
    const [good, evil, none] = clients;
    expect(good.exit?.code, good.describe()).toBe(0);
    expect(server.stdout).toContain(DATA_LINE.trim());
    expect(evil.exit?.code, evil.describe()).not.toBe(0);
    expect(`${evil.stdout}${evil.stderr}`).toMatch(/SSL alert number 48\b/);
    expect(none.exit?.code, none.describe()).not.toBe(0);
    expect(`${none.stdout}${none.stderr}`).toMatch(/SSL alert number 116\b/);
    expect(readFileSync(keylog, 'latin1')).toMatch(/^CLIENT_HANDSHAKE_TRAFFIC_SECRET /m);
  });

  it('streams each finished connection before the capture stops, then exits 0 on SIGINT', async () => {
    // finished connections are reported about a second after their last packet (close linger)
    await live.waitFor('3 jsonl lines before SIGINT', (c) => jsonLines(c.stdout).length >= 3, 20_000);
    live.proc.kill('SIGINT');
    const exit = await live.waitExit(20_000);
    expect(exit, live.describe()).toEqual({ code: 0, signal: null });
    expect(jsonLines(live.stdout)).toHaveLength(3);
    expect(live.stderr).not.toMatch(/internal error|warning/);
  });

  it('decrypts all three connections with the key log that appeared during the capture', () => {
    const conns = jsonLines(live.stdout);
    expect(conns.map((c) => c.id)).toEqual([0, 1, 2]);
    for (const c of conns) {
      expect(c.isTls).toBe(true);
      expect(c.version).toBe('TLS 1.3');
      expect(c.server).toEqual({ ip: '127.0.0.1', port });
      expect(c.decrypted, JSON.stringify(c.warnings)).toBe(true);
      // nothing left undecrypted (decrypted application data is an 'encrypted'-kind record with visibility 'decrypted')
      expect(c.events.filter((e: any) => e.kind === 'encrypted' && e.visibility !== 'decrypted')).toEqual([]);
      const decrypted = c.events.filter((e: any) => e.visibility === 'decrypted').map((e: any) => e.type ?? e.kind);
      expect(decrypted).toEqual(expect.arrayContaining(['EncryptedExtensions', 'CertificateRequest', 'Certificate', 'CertificateVerify', 'Finished']));
    }
  });

  it('good client certificate: mtls-ok with the certificate subject and the line of data', () => {
    const c = jsonLines(live.stdout)[0]!;
    expect(c.verdict).toBe('mtls-ok');
    expect(c.established).toBe(true);
    expect(c.diagnoses.filter((d: any) => d.severity === 'error')).toEqual([]);
    expect(c.clientCertificate.status).toBe('sent');
    expect(c.clientCertificate.visibility).toBe('decrypted');
    expect(subjectBySha(live.stdout, c.clientCertificate.chain[0])).toBe(subjectOf(PKI('client.pem')));
    expect(c.applicationData.clientToServer.bytes).toBe(Buffer.byteLength(DATA_LINE));
  });

  it('Evil CA certificate: client-cert-unknown-ca and the decrypted unknown_ca alert from the server', () => {
    const c = jsonLines(live.stdout)[1]!;
    expect(c.verdict).not.toBe('mtls-ok');
    expect(c.diagnoses.map((d: any) => d.code)).toContain('client-cert-unknown-ca');
    expect(subjectBySha(live.stdout, c.clientCertificate.chain[0])).toBe(subjectOf(PKI('evil-client.pem')));
    expect(alerts(c)).toEqual([
      expect.objectContaining({ direction: 'server->client', visibility: 'decrypted', level: 'fatal', code: 48, description: 'unknown_ca' }),
    ]);
  });

  it('no certificate: client-cert-required and the decrypted certificate_required alert', () => {
    const c = jsonLines(live.stdout)[2]!;
    expect(c.diagnoses.map((d: any) => d.code)).toContain('client-cert-required');
    expect(c.clientCertificate.status).toBe('empty');
    expect(alerts(c)).toEqual([
      expect.objectContaining({ direction: 'server->client', visibility: 'decrypted', level: 'fatal', code: 116, description: 'certificate_required' }),
    ]);
  });

  it('-w wrote every packet and the whole key log in DSBs, each secret before its ServerHello', () => {
    const blocks = pcapngBlocks(readFileSync(pcapng));
    expect(blocks[0]!.type).toBe(BLOCK.SHB);
    expect(blocks[1]!.type).toBe(BLOCK.IDB);
    expect(blocks[1]!.body.readUInt16LE(0)).toBe(1); // lo: Ethernet framing
    const dsbs = blocks.filter((b) => b.type === BLOCK.DSB).map(dsbText);
    expect(dsbs.join('')).toBe(readFileSync(keylog, 'latin1'));
    const epbs = blocks.filter((b) => b.type === BLOCK.EPB);
    const frames = Math.max(...jsonLines(live.stdout).map((c) => c.lastFrame));
    expect(epbs.length).toBeGreaterThanOrEqual(frames);
    // Wireshark/tshark 4.0 use a DSB only for handshakes whose ServerHello comes after it
    const randomByClientPort = new Map<number, string>();
    const serverHellos: { block: number; clientPort: number }[] = [];
    blocks.forEach((b, i) => {
      if (b.type !== BLOCK.EPB) return;
      const h = tlsHello(epbPacket(b).data);
      if (h?.type === 1) randomByClientPort.set(h.srcPort, h.random);
      if (h?.type === 2) serverHellos.push({ block: i, clientPort: h.dstPort });
    });
    expect(serverHellos).toHaveLength(3);
    for (const sh of serverHellos) {
      const random = randomByClientPort.get(sh.clientPort)!;
      const dsbAt = blocks.findIndex((b) => b.type === BLOCK.DSB && dsbText(b)!.includes(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${random} `));
      expect(dsbAt, `DSB for ClientHello random ${random}`).toBeGreaterThan(0);
      expect(dsbAt).toBeLessThan(sh.block);
    }
  });

  it('`file` on the written pcapng (keys from its DSB) reports exactly what live streamed', () => {
    const r = cli(['file', pcapng, '--format', 'jsonl']);
    expect(r.code, r.stderr).toBe(0);
    // the same certificate and connection lines (the source and summary lines say live vs pcapng)
    const body = (t: string) => records(t).filter((l) => l.record === 'certificate' || l.record === 'connection');
    expect(body(r.stdout)).toEqual(body(live.stdout));
    expect(records(live.stdout)[0]).toMatchObject({ record: 'source', schemaVersion: 2, kind: 'live' });
    expect(records(live.stdout).at(-1)).toMatchObject({ record: 'summary', connections: 3 });
  });
});

describe.skipIf(skipReason !== null)('tls-inspect live: errors and interfaces', () => {
  it('an unknown interface: exit 2 and one line naming the available ones', () => {
    const r = cli(['live', '-i', 'nosuchif0'], 20_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tls-inspect: no such interface: nosuchif0 \(available: [^\n]*\blo\b[^\n]*\)\n$/);
  });

  it('an invalid BPF filter: exit 2 and libpcap\'s message on one line', () => {
    const r = cli(['live', '-i', 'lo', '-f', 'tcp and and'], 20_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tls-inspect: invalid capture filter "tcp and and": [^\n]*syntax error\n$/);
    const port = cli(['live', '-i', 'lo', '-f', 'tcp port nosuchservice'], 20_000);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/^tls-inspect: invalid capture filter "tcp port nosuchservice": [^\n]*unknown port 'nosuchservice'\n$/);
  });

  it('`interfaces` lists lo', () => {
    const r = cli(['interfaces'], 20_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+\. lo\b/m);
  });

  it('--duration stops the capture by itself and prints the text summary', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = cli(['live', '-i', 'lo', '-f', `tcp port ${port}`, '--duration', '1', '--format', 'text'], 20_000);
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(r.stderr).toContain(`capturing on lo (filter "tcp port ${port}")`);
    expect(r.stdout).not.toBe('');
  });
});
