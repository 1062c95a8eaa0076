/**
 * Real OpenSSL 3.0 / GnuTLS 3.7 loopback sessions (test/fixtures/tls-decrypt/make.sh): every
 * protected record must decrypt, the plaintext must equal tshark's own decryption of the same
 * capture (the .tshark golden files), and the application data must be the text that was sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyLog, createTls12Decryptors, nextTrafficSecret } from '../../src/tls/decrypt/index.js';
import { readConnection, splitRecords } from './helpers/pcap.js';
import { readHellos, replay, type DirectionResult } from './helpers/replay.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/tls-decrypt');

interface Case {
  name: string;
  suite: number;
  version: number;
  etm?: boolean;
  lines: string[];
  /** OpenSSL s_server -rev answers each line reversed; gnutls-serv --echo repeats it. */
  reply: 'rev' | 'echo';
}

const L2 = ['hello from the client', 'second line, a bit longer to span more than one block'];
const CASES: Case[] = [
  { name: 'tls12-ecdhe-rsa-aes128-gcm-sha256', suite: 0xc02f, version: 0x0303, lines: L2, reply: 'rev' },
  { name: 'tls12-ecdhe-rsa-aes256-gcm-sha384', suite: 0xc030, version: 0x0303, lines: L2, reply: 'rev' },
  { name: 'tls12-ecdhe-rsa-chacha20-poly1305', suite: 0xcca8, version: 0x0303, lines: L2, reply: 'rev' },
  { name: 'tls12-aes128-ccm8', suite: 0xc0a0, version: 0x0303, lines: L2, reply: 'rev' },
  { name: 'tls12-dhe-rsa-aes256-ccm', suite: 0xc09f, version: 0x0303, lines: L2, reply: 'rev' },
  { name: 'tls12-ecdhe-rsa-aes128-sha-etm', suite: 0xc013, version: 0x0303, etm: true, lines: ['hello cbc etm', 'another line'], reply: 'rev' },
  { name: 'tls12-ecdhe-rsa-aes128-sha-noetm', suite: 0xc013, version: 0x0303, etm: false, lines: ['hello cbc mac-then-encrypt', 'another line'], reply: 'rev' },
  { name: 'tls12-ecdhe-rsa-aes256-sha384-noetm', suite: 0xc028, version: 0x0303, etm: false, lines: ['hello sha384', 'another line'], reply: 'rev' },
  { name: 'tls12-ecdhe-rsa-aes128-sha256-etm', suite: 0xc027, version: 0x0303, etm: true, lines: ['hello sha256', 'another line'], reply: 'rev' },
  { name: 'tls11-ecdhe-rsa-aes128-sha-noetm', suite: 0xc013, version: 0x0302, etm: false, lines: ['hello tls 1.1', 'another line'], reply: 'rev' },
  { name: 'tls10-ecdhe-rsa-aes256-sha-noetm', suite: 0xc014, version: 0x0301, etm: false, lines: ['hello tls 1.0', 'another line, long enough for several blocks'], reply: 'rev' },
  { name: 'tls10-ecdhe-rsa-aes256-sha-etm', suite: 0xc014, version: 0x0301, etm: true, lines: ['hello tls 1.0 etm', 'another line'], reply: 'rev' },
  { name: 'tls12-gnutls-3des-etm', suite: 0xc012, version: 0x0303, etm: true, lines: ['hello 3des', 'another line'], reply: 'echo' },
  { name: 'tls12-gnutls-3des-noetm', suite: 0xc012, version: 0x0303, etm: false, lines: ['hello 3des mte', 'another line'], reply: 'echo' },
  { name: 'tls13-aes_128_gcm_sha256', suite: 0x1301, version: 0x0304, lines: ['hello from the client', 'second line'], reply: 'rev' },
  { name: 'tls13-aes_256_gcm_sha384', suite: 0x1302, version: 0x0304, lines: ['hello from the client', 'second line'], reply: 'rev' },
  { name: 'tls13-chacha20_poly1305_sha256', suite: 0x1303, version: 0x0304, lines: ['hello from the client', 'second line'], reply: 'rev' },
  { name: 'tls13-aes_128_ccm_sha256', suite: 0x1304, version: 0x0304, lines: ['hello from the client', 'second line'], reply: 'rev' },
  { name: 'tls13-aes_128_ccm_8_sha256', suite: 0x1305, version: 0x0304, lines: ['hello from the client', 'second line'], reply: 'rev' },
  { name: 'tls13-keyupdate', suite: 0x1301, version: 0x0304, lines: ['hello before the update', 'hello after the update'], reply: 'rev' },
  { name: 'tls13-hrr', suite: 0x1302, version: 0x0304, lines: ['hello after hrr'], reply: 'rev' },
  { name: 'tls13-mtls', suite: 0x1302, version: 0x0304, lines: ['hello mtls'], reply: 'rev' },
];

function load(name: string) {
  const conn = readConnection(join(FIXTURES, `${name}.pcap`));
  const keyLog = new KeyLog();
  keyLog.add(readFileSync(join(FIXTURES, `${name}.keys`), 'latin1'), `${name}.keys`);
  keyLog.finish(`${name}.keys`);
  return { conn, keyLog };
}

/** tshark's decrypted records (hex) of one direction, by TCP source port. */
function golden(name: string, port: number): string[] {
  return readFileSync(join(FIXTURES, `${name}.tshark`), 'latin1').split('\n').filter((l) => l.length > 0)
    .map((l) => l.split('\t')).filter((f) => Number(f[1]) === port).map((f) => f[2] ?? '');
}

function hexList(d: DirectionResult): string[] {
  return d.records.filter((r) => r.plaintext.length > 0).map((r) => Buffer.from(r.plaintext).toString('hex'));
}

const rev = (s: string): string => [...s].reverse().join('');

describe.each(CASES)('$name', (c) => {
  const { conn, keyLog } = load(c.name);
  const result = replay(conn, keyLog);

  it('negotiated what the fixture was made for', () => {
    expect(result.hellos.suite).toBe(c.suite);
    expect(result.hellos.version).toBe(c.version);
    if (c.etm !== undefined) expect(result.hellos.encryptThenMac).toBe(c.etm);
    expect(keyLog.issues()).toEqual([]);
  });

  it('decrypts every protected record', () => {
    expect(result.client.failures).toEqual([]);
    expect(result.server.failures).toEqual([]);
  });

  it('matches tshark record by record', () => {
    expect(hexList(result.client)).toEqual(golden(c.name, conn.clientPort));
    expect(hexList(result.server)).toEqual(golden(c.name, conn.serverPort));
  });

  it('recovers the application data that was sent', () => {
    expect(result.client.appData).toBe(c.lines.map((l) => `${l}\n`).join(''));
    const reply = c.lines.map((l) => `${c.reply === 'rev' ? rev(l) : l}\n`).join('');
    expect(result.server.appData).toBe(reply);
  });

  it('finds Finished (and close_notify) in both directions', () => {
    expect(result.client.handshakeTypes).toContain(20);
    expect(result.server.handshakeTypes).toContain(20);
    if (c.version < 0x0304) {
      // TLS 1.0-1.2: the first protected record of each side is its Finished (12-byte verify_data).
      expect(Buffer.from(result.client.records[0]!.plaintext.subarray(0, 4)).toString('hex')).toBe('1400000c');
      expect(Buffer.from(result.server.records[0]!.plaintext.subarray(0, 4)).toString('hex')).toBe('1400000c');
    }
    const alerts = result.client.records.filter((r) => r.contentType === 21);
    expect(alerts.map((a) => Buffer.from(a.plaintext).toString('hex'))).toContain('0100');
  });
});

describe('TLS 1.3 specifics in the captures', () => {
  it('the server flight carries EncryptedExtensions, Certificate, CertificateVerify, Finished', () => {
    const { conn, keyLog } = load('tls13-aes_128_gcm_sha256');
    const r = replay(conn, keyLog);
    expect(r.server.handshakeTypes.slice(0, 4)).toEqual([8, 11, 15, 20]);
    expect(r.server.handshakeTypes).toContain(4); // NewSessionTicket under the application key
  });

  it('mTLS: the client Certificate and CertificateVerify come out of the client flight', () => {
    const { conn, keyLog } = load('tls13-mtls');
    const r = replay(conn, keyLog);
    expect(r.server.handshakeTypes.slice(0, 5)).toEqual([8, 13, 11, 15, 20]); // with CertificateRequest
    expect(r.client.handshakeTypes.slice(0, 3)).toEqual([11, 15, 20]);
    const cert = r.client.records.find((x) => x.contentType === 22 && x.plaintext[0] === 11)!;
    expect(Buffer.from(cert.plaintext).includes(Buffer.from('test-client'))).toBe(true);
  });

  it('HelloRetryRequest: same client random, key log secrets work unchanged', () => {
    const { conn, keyLog } = load('tls13-hrr');
    const r = replay(conn, keyLog);
    expect(r.hellos.helloRetry).toBe(true);
  });

  it('KeyUpdate in both directions, and OpenSSL logs the next client secret we derive', () => {
    const { conn, keyLog } = load('tls13-keyupdate');
    const r = replay(conn, keyLog);
    expect(r.client.handshakeTypes).toContain(24);
    expect(r.server.handshakeTypes).toContain(24);
    const s = keyLog.lookup(r.hellos.clientRandom)!;
    // OpenSSL 3.0 writes the updated secret under its own label CLIENT_TRAFFIC_SECRET_N.
    const logged = s.get('CLIENT_TRAFFIC_SECRET_N')!.reveal();
    const derived = nextTrafficSecret('sha256', s.clientTrafficSecret0!.reveal()); // TLS_AES_128_GCM_SHA256
    expect(Buffer.from(derived).equals(Buffer.from(logged))).toBe(true);
    expect(keyLog.counts().unknownLabels).toEqual({ CLIENT_TRAFFIC_SECRET_N: 1 });
  });
});

describe('state and tampering on real records', () => {
  it('TLS 1.0 CBC: skip(fragment) keeps the IV chain, skip() alone breaks it', () => {
    const { conn, keyLog } = load('tls10-ecdhe-rsa-aes256-sha-noetm');
    const h = readHellos(conn);
    const records = splitRecords(conn.client);
    const ccs = records.findIndex((r) => r.contentType === 20);
    const [fin, empty, data] = [records[ccs + 1]!, records[ccs + 2]!, records[ccs + 3]!];
    const make = () => {
      const d = createTls12Decryptors(keyLog.lookup(h.clientRandom)!.masterSecret!.reveal(), h.clientRandom,
        h.serverRandom, h.suite, h.version, h.encryptThenMac);
      if (!d.ok) throw new Error(d.reason);
      expect(d.client.decrypt(fin.header, fin.fragment).ok).toBe(true);
      return d.client;
    };
    const good = make();
    good.skip(empty.fragment);
    const r = good.decrypt(data.header, data.fragment);
    expect(r.ok && Buffer.from(r.plaintext).toString()).toBe('hello tls 1.0\n');
    const bad = make();
    bad.skip();
    expect(bad.decrypt(data.header, data.fragment).ok).toBe(false);
  });

  it.each(CASES.map((c) => c.name))('%s: a flipped bit in the last client record (close_notify) is refused', (name) => {
    const { conn, keyLog } = load(name);
    const client = new Uint8Array(conn.client);
    const last = splitRecords(client).at(-1)!;
    last.fragment[last.fragment.length - 1]! ^= 0x01;
    const tampered = replay({ ...conn, client }, keyLog);
    expect(tampered.client.failures.length).toBe(1);
    expect(tampered.client.failures[0]).toMatch(/authentication tag mismatch|bad MAC|bad padding/);
    // No reason may carry key material: check against every secret of the key log.
    const secrets = readFileSync(join(FIXTURES, `${name}.keys`), 'latin1').split('\n')
      .map((l) => l.trim().split(/\s+/)[2]).filter((x): x is string => !!x && x.length >= 32);
    expect(secrets.length).toBeGreaterThan(0);
    for (const f of tampered.client.failures) for (const sec of secrets) expect(f.toLowerCase()).not.toContain(sec.slice(0, 16));
  });
});
