/**
 * Test-only driver that plays the record layer's part (see the comment block of
 * src/tls/decrypt/index.ts) over a fixture connection: reads the hellos, looks the client random up
 * in the key log, creates the decryptors, switches keys at CCS / Finished / KeyUpdate.
 */
import {
  KeyLog, createTls12Decryptors, createTls13Decryptor, suiteParams,
  type RecordDecryptor, type Secret, type SessionSecrets, type Tls13RecordDecryptor, type Tls13SuiteParams,
} from '../../../src/tls/decrypt/index.js';
import { splitRecords, type Connection, type TlsRecord } from './pcap.js';

export interface Hellos {
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  suite: number;
  /** Negotiated version (supported_versions for TLS 1.3). */
  version: number;
  encryptThenMac: boolean;
  helloRetry: boolean;
}

export interface DecryptedRecord {
  contentType: number;
  plaintext: Uint8Array;
}

export interface DirectionResult {
  records: DecryptedRecord[];
  /** Concatenated application data. */
  appData: string;
  /** Handshake message types seen in decrypted handshake records. */
  handshakeTypes: number[];
  failures: string[];
}

const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

/** Handshake messages of a direction's plaintext handshake records (before encryption). */
function plaintextHandshake(records: TlsRecord[]): Uint8Array[] {
  const bytes = Buffer.concat(records.filter((r) => r.contentType === 22).map((r) => r.fragment));
  const out: Uint8Array[] = [];
  for (let off = 0; off + 4 <= bytes.length;) {
    const len = (bytes[off + 1]! << 16) | (bytes[off + 2]! << 8) | bytes[off + 3]!;
    if (off + 4 + len > bytes.length) break; // the encrypted part of a TLS 1.2 stream follows
    out.push(bytes.subarray(off, off + 4 + len));
    off += 4 + len;
  }
  return out;
}

function firstPlaintextRecords(records: TlsRecord[]): TlsRecord[] {
  // TLS 1.2: everything up to the CCS; TLS 1.3: only handshake records are plaintext.
  const ccs = records.findIndex((r) => r.contentType === 20);
  const upTo = ccs < 0 ? records : records.slice(0, ccs);
  return upTo.filter((r) => r.contentType === 22);
}

export function readHellos(conn: Connection): Hellos {
  const ch = plaintextHandshake(firstPlaintextRecords(splitRecords(conn.client))).find((m) => m[0] === 1);
  const serverRecords = splitRecords(conn.server);
  const isHrr = (m: Uint8Array): boolean => Buffer.from(m.subarray(6, 38)).toString('hex') === HRR_RANDOM;
  let shs = plaintextHandshake(firstPlaintextRecords(serverRecords)).filter((m) => m[0] === 2);
  const helloRetry = shs.length > 0 && isHrr(shs[shs.length - 1]!);
  // After a HelloRetryRequest (TLS 1.3 only) the real ServerHello follows the compatibility CCS;
  // every TLS 1.3 record of type 22 is plaintext.
  if (helloRetry) shs = plaintextHandshake(serverRecords.filter((r) => r.contentType === 22)).filter((m) => m[0] === 2);
  if (!ch || shs.length === 0) throw new Error('no ClientHello / ServerHello');
  const sh = shs[shs.length - 1]!;
  let off = 4 + 2 + 32;
  off += 1 + sh[off]!; // session id
  const suite = (sh[off]! << 8) | sh[off + 1]!;
  off += 3;
  let version = (sh[4]! << 8) | sh[5]!;
  let encryptThenMac = false;
  const extEnd = off + 2 + ((sh[off]! << 8) | sh[off + 1]!);
  for (off += 2; off + 4 <= extEnd;) {
    const type = (sh[off]! << 8) | sh[off + 1]!;
    const len = (sh[off + 2]! << 8) | sh[off + 3]!;
    if (type === 0x002b) version = (sh[off + 4]! << 8) | sh[off + 5]!;
    if (type === 0x0016) encryptThenMac = true;
    off += 4 + len;
  }
  return {
    clientRandom: ch.subarray(6, 38), serverRandom: sh.subarray(6, 38), suite, version,
    encryptThenMac, helloRetry,
  };
}

/** Handshake messages in a decrypted plaintext (fragmentation across records not needed here). */
function messageTypes(plaintext: Uint8Array): number[] {
  const types: number[] = [];
  for (let off = 0; off + 4 <= plaintext.length;) {
    types.push(plaintext[off]!);
    off += 4 + ((plaintext[off + 1]! << 16) | (plaintext[off + 2]! << 8) | plaintext[off + 3]!);
  }
  return types;
}

function run(records: TlsRecord[], first: RecordDecryptor | undefined, encryptedFrom: (r: TlsRecord, i: number) => boolean,
  onHandshake: (types: number[]) => RecordDecryptor | undefined): DirectionResult {
  const result: DirectionResult = { records: [], appData: '', handshakeTypes: [], failures: [] };
  let dec = first;
  records.forEach((r, i) => {
    if (!encryptedFrom(r, i)) return;
    if (!dec) {
      result.failures.push(`record ${i}: no keys`);
      return;
    }
    const out = dec.decrypt(r.header, r.fragment);
    if (!out.ok) {
      result.failures.push(`record ${i}: ${out.reason}`);
      dec.skip(r.fragment);
      return;
    }
    result.records.push({ contentType: out.contentType, plaintext: out.plaintext });
    if (out.contentType === 23) result.appData += Buffer.from(out.plaintext).toString('latin1');
    if (out.contentType === 22) {
      const types = messageTypes(out.plaintext);
      result.handshakeTypes.push(...types);
      dec = onHandshake(types) ?? dec;
    }
  });
  return result;
}

export interface ReplayResult {
  hellos: Hellos;
  client: DirectionResult;
  server: DirectionResult;
}

function tls13Decryptor(params: Tls13SuiteParams, secret: Secret): Tls13RecordDecryptor {
  const d = createTls13Decryptor(params, secret);
  if (!d.ok) throw new Error(d.reason);
  return d.decryptor;
}

function tls13Direction(records: TlsRecord[], params: Tls13SuiteParams, hs: Secret, ap: Secret): DirectionResult {
  let dec = tls13Decryptor(params, hs);
  return run(records, dec, (r) => r.contentType === 23, (types) => {
    for (const t of types) {
      if (t === 20) dec = tls13Decryptor(params, ap); // Finished: application keys
      else if (t === 24) dec.update(); // KeyUpdate: next generation after this record
    }
    return dec;
  });
}

/** Decrypts both directions of a fixture connection with the secrets of `keyLog`. */
export function replay(conn: Connection, keyLog: KeyLog): ReplayResult {
  const hellos = readHellos(conn);
  const secrets: SessionSecrets | undefined = keyLog.lookup(hellos.clientRandom);
  if (!secrets) throw new Error('client random not in the key log');
  const params = suiteParams(hellos.suite);
  if (!params) throw new Error(`suite 0x${hellos.suite.toString(16)} not supported`);
  const client = splitRecords(conn.client);
  const server = splitRecords(conn.server);
  if (params.protocol === 'tls13') {
    const need = (s: Secret | undefined): Secret => {
      if (!s) throw new Error(keyLog.missingTls13(hellos.clientRandom).messages.join('; '));
      return s;
    };
    return {
      hellos,
      client: tls13Direction(client, params, need(secrets.clientHandshakeTrafficSecret), need(secrets.clientTrafficSecret0)),
      server: tls13Direction(server, params, need(secrets.serverHandshakeTrafficSecret), need(secrets.serverTrafficSecret0)),
    };
  }
  const master = secrets.masterSecret;
  if (!master) throw new Error(keyLog.missingTls12(hellos.clientRandom).messages.join('; '));
  const d = createTls12Decryptors(master, hellos.clientRandom, hellos.serverRandom, params,
    hellos.version, hellos.encryptThenMac);
  if (!d.ok) throw new Error(d.reason);
  const afterCcs = (records: TlsRecord[]) => {
    const ccs = records.findIndex((r) => r.contentType === 20);
    return (r: TlsRecord, i: number) => ccs >= 0 && i > ccs && r.contentType !== 20;
  };
  return {
    hellos,
    client: run(client, d.client, afterCcs(client), () => undefined),
    server: run(server, d.server, afterCcs(server), () => undefined),
  };
}
