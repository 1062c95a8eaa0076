/**
 * The analysis of TLS over QUIC equals that of TLS over TCP: the ngtcp2 (GnuTLS) no-certificate
 * capture gets the diagnoses of the GnuTLS TLS 1.3 no-certificate capture over TCP, with keys and
 * (inferred from Handshake packet sizes) without; the client-certificate answer names frame, QUIC
 * packet number and CRYPTO offset; Retry and Version Negotiation are shown; reports follow the
 * schema with transport "quic" and udpStream.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';
import { spawnSync } from 'node:child_process';
import { clientCertPath } from '../../src/tui/view-model/cert-path.js';
import { connectionTitle } from '../../src/tui/view-model/diagnosis-view.js';

const Q = (n: string) => join(REPO, 'captures', 'quic', n);
const T = (n: string) => join(REPO, 'captures', n);
const codes = (c: { diagnoses: { code: string }[] }) => c.diagnoses.map((d) => d.code);

describe('QUIC mTLS diagnoses', () => {
  it('no client certificate: the same diagnoses as GnuTLS TLS 1.3 over TCP, alert certificate_required from the server', async () => {
    const quic = (await analyse(Q('quic-v1-no-cert.pcap'), { keylog: Q('quic-v1-no-cert.keys') })).connections;
    const tcp = (await analyse(T('gnutls-tls13-no-cert.pcap'), { keylog: T('gnutls-tls13-no-cert.keys') })).connections;
    expect(quic.length).toBe(1);
    expect(codes(quic[0]!)).toEqual(codes(tcp[0]!));
    expect(codes(quic[0]!)).toEqual(['client-cert-empty', 'client-cert-required']);
    expect(quic[0]!.alerts.map((a) => [a.direction, a.description, a.frame, a.visibility])).toEqual([['server->client', 'certificate_required', 5, 'decrypted']]);
    expect(quic[0]!.quic?.closes[0]).toMatchObject({ frame: 5, direction: 'server->client', packetType: 'Handshake', errorCode: '0x0174', error: 'CRYPTO_ERROR (TLS alert certificate_required)' });
  });

  it('no client certificate, no keys: inferred EMPTY Certificate and client-cert-required from Handshake packet sizes', async () => {
    const [c] = (await analyse(Q('quic-v1-no-cert.pcap'))).connections;
    expect([c!.clientCertificate.status, c!.clientCertificate.visibility, c!.clientCertificate.frame]).toEqual(['empty', 'inferred', 4]);
    const d = c!.diagnoses.find((x) => x.code === 'client-cert-required');
    expect(d?.inferred).toBe(true);
    expect(d?.evidenceFrames).toEqual([4, 5]);
  });

  it('client certificate sent: named by frame, QUIC packet number and CRYPTO offset', async () => {
    const [c] = (await analyse(Q('quic-v1-mtls-ok.pcap'), { keylog: Q('quic-v1-mtls-ok.keys') })).connections;
    expect(c!.verdict).toBe('mtls-ok');
    expect(c!.clientCertificate.sentence).toMatch(/^sent in frame 4, QUIC Handshake packet number 1 of client->server, CRYPTO offset 0 \(decrypted\): CN=test-client/);
    const noKeys = (await analyse(Q('quic-v1-mtls-ok.pcap'))).connections[0]!;
    expect([noKeys.clientCertificate.status, noKeys.clientCertificate.visibility, noKeys.established]).toEqual(['sent', 'inferred', true]);
  });

  it('the TUI says where: frame -> QUIC packet -> CRYPTO offset, and the title names QUIC and udp.stream', async () => {
    const [c] = (await analyse(Q('quic-v1-mtls-ok.pcap'), { keylog: Q('quic-v1-mtls-ok.keys') })).connections;
    expect(clientCertPath(c!).steps.slice(0, 3)).toEqual(['frame 4', 'QUIC Handshake packet number 1 client->server (decrypted)', expect.stringMatching(/^CRYPTO offset 0: Certificate message, \d+ bytes$/)]);
    expect(connectionTitle(c!).map((x) => x.text).join('')).toMatch(/QUIC v1 \(udp\.stream 0\)/);
  });

  it('no common cipher suite: handshake_failure in the server\'s Initial CONNECTION_CLOSE', async () => {
    const [c] = (await analyse(Q('quic-cipher-mismatch.pcap'))).connections;
    expect(c!.alerts.map((a) => [a.direction, a.description, a.frame, a.visibility])).toEqual([['server->client', 'handshake_failure', 2, 'plaintext']]);
    expect(codes(c!)).toEqual(['handshake-alert']);
  });

  it('QUIC v2 draft: the same messages and client certificate as QUIC v1 (tshark 4.0 cannot check it)', async () => {
    const seq = async (n: string) => (await analyse(Q(`${n}.pcap`), { keylog: Q(`${n}.keys`) })).connections.map((c) => [c.quic?.version, c.events.map((e) => `${e.direction[0]}${e.type}`).join(' '), c.clientCertificate.status]);
    const v2 = await seq('quic-v2draft-mtls-ok');
    const v1 = await seq('quic-v1-mtls-ok');
    expect(v2[0]![0]).toBe('QUIC v2 draft');
    expect(v2[0]!.slice(1)).toEqual(v1[0]!.slice(1));
  });

  it('Retry and Version Negotiation are shown', async () => {
    const retry = (await analyse(Q('quic-retry-mtls.pcap'))).connections[0]!;
    expect(retry.quic?.retry?.frame).toBe(2);
    const vn = (await analyse(Q('quic-vn-mtls.pcap'))).connections;
    expect(vn.map((c) => [c.udpStream, c.quic?.versionNumber])).toEqual([[0, '0x1a2a3a4a'], [1, '0x00000001']]);
    expect(vn[0]!.quic?.versionNegotiation).toEqual({ frame: 2, versions: ['0x5aea8a9a', '0x00000001'] });
    expect(codes(vn[0]!)).toEqual(['quic-version-negotiation']); // not handshake-incomplete: the attempt ends by design
    expect(vn[1]!.verdict).toBe('mtls-ok');
  });

  it('reports follow the schema, with transport quic / tcp', async () => {
    const schema = JSON.parse(readFileSync(join(REPO, 'schema', 'report.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(schema);
    for (const [pcap, keys] of [[Q('quic-vn-mtls.pcap'), Q('quic-vn-mtls.keys')], [Q('quic-v1-no-cert.pcap'), undefined], [T('tls13-mtls-ok.pcap'), undefined]] as const) {
      const r = spawnSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), 'file', pcap, '--format', 'json', ...(keys ? ['--keylog', keys] : [])], { env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status, r.stderr.toString()).toBe(0);
      const report = JSON.parse(r.stdout.toString());
      expect(report.connections.length).toBeGreaterThan(0);
      expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      const quic = pcap.startsWith(Q(''));
      expect(report.connections.every((c: { transport: string; udpStream?: number }) => c.transport === (quic ? 'quic' : 'tcp') && (c.udpStream !== undefined) === quic)).toBe(true);
    }
  });
});

describe('QUIC keys from a pcapng Decryption Secrets Block', () => {
  it('quic-v1-no-cert-dsb.pcapng without --keylog decrypts like the pcap with its key log', async () => {
    const dsb = (await analyse(Q('quic-v1-no-cert-dsb.pcapng'))).connections;
    const keys = (await analyse(Q('quic-v1-no-cert.pcap'), { keylog: Q('quic-v1-no-cert.keys') })).connections;
    const view = (cs: typeof dsb) => cs.map((c) => [c.decrypted, c.events.map((e) => `${e.frame} ${e.direction[0]} ${e.type ?? e.description}`), codes(c)]);
    expect(dsb[0]!.decrypted).toBe(true);
    expect(view(dsb)).toEqual(view(keys));
  });
});

describe('TCP and QUIC in one capture', () => {
  it('tcp.stream 0 and udp.stream 0 are two connections, each with its transport, in the report and the TUI table', async () => {
    const { ConnectionTable } = await import('../../src/tui/view-model/table.js');
    const a = await analyse(Q('mixed-tcp-quic.pcapng'), { keylog: T('tls13-mtls-ok.keys') });
    expect(a.connections.map((c) => [c.id, c.transport, c.firstFrame, c.verdict])).toEqual([[0, 'tcp', 1, 'mtls-ok'], [0, 'quic', 20, 'failed']]);
    expect(a.result.analyzer.summary()).toMatchObject({ connections: 2, quicConnections: 1, tlsConnections: 2 });
    const t = new ConnectionTable();
    for (const c of a.connections) t.upsert(c);
    expect(t.visible.map((r) => r.version)).toEqual(['TLS 1.3', 'TLS 1.3/QUIC']);
  });
});
