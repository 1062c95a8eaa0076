/**
 * Zeek's ssl.log and x509.log records from the connection model, with Zeek's field names, types and
 * value conventions (Zeek 6/7: scripts/base/protocols/ssl/main.zeek + files.zeek, the policy
 * script protocols/ssl/certificate-request-info.zeek, scripts/base/files/x509/main.zeek), plus one
 * column of ours, `tls_inspect_verdict`. Formatting (TSV / JSON) is in ./zeek-writer.ts.
 *
 * Where Zeek's own logic gives a different answer than ours, the Zeek column says what Zeek would
 * write from the same packets and our answer is in `tls_inspect_verdict`:
 *  - `established`: Zeek sets it once both sides are encrypted (TLS ≤ 1.2: a ChangeCipherSpec
 *    each way, TLS 1.3: a protected record each way) and one more protected record follows — so
 *    a TLS 1.3 client certificate rejected after the client's Finished still reads `T`;
 *  - `ssl_history`, `last_alert`: only what is readable in plaintext (Zeek decrypts nothing and
 *    gives encrypted records no letter).
 */
import { createHash } from 'node:crypto';
import type { CertificateModel, ConnectionModel, EventModel } from '../analysis/model.js';
import {
  certVersion,
  epochMicros,
  hasBasicConstraints,
  hostnameMatches,
  keyFacts,
  pathLen,
  sanFacts,
} from './cert-fields.js';

export type ZeekType = 'time' | 'string' | 'addr' | 'port' | 'bool' | 'count' | 'vector[string]' | 'vector[addr]';
/** A field value: `undefined` is unset (`-`); time values are epoch-seconds text with 6 decimals. */
export type ZeekValue = string | number | boolean | string[] | undefined;
export type ZeekField = readonly [name: string, type: ZeekType];

/** ssl.log columns, in Zeek's order, then ours. */
export const SSL_FIELDS: readonly ZeekField[] = [
  ['ts', 'time'],
  ['uid', 'string'],
  ['id.orig_h', 'addr'],
  ['id.orig_p', 'port'],
  ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'],
  ['version', 'string'],
  ['cipher', 'string'],
  ['curve', 'string'],
  ['server_name', 'string'],
  ['resumed', 'bool'],
  ['last_alert', 'string'],
  ['next_protocol', 'string'],
  ['established', 'bool'],
  ['ssl_history', 'string'],
  ['cert_chain_fps', 'vector[string]'],
  ['client_cert_chain_fps', 'vector[string]'],
  ['sni_matches_cert', 'bool'],
  ['requested_client_certificate_authorities', 'vector[string]'],
  ['tls_inspect_verdict', 'string'],
];

export const X509_FIELDS: readonly ZeekField[] = [
  ['ts', 'time'],
  ['fingerprint', 'string'],
  ['certificate.version', 'count'],
  ['certificate.serial', 'string'],
  ['certificate.subject', 'string'],
  ['certificate.issuer', 'string'],
  ['certificate.not_valid_before', 'time'],
  ['certificate.not_valid_after', 'time'],
  ['certificate.key_alg', 'string'],
  ['certificate.sig_alg', 'string'],
  ['certificate.key_type', 'string'],
  ['certificate.key_length', 'count'],
  ['certificate.exponent', 'string'],
  ['certificate.curve', 'string'],
  ['san.dns', 'vector[string]'],
  ['san.uri', 'vector[string]'],
  ['san.email', 'vector[string]'],
  ['san.ip', 'vector[addr]'],
  ['basic_constraints.ca', 'bool'],
  ['basic_constraints.path_len', 'count'],
  ['host_cert', 'bool'],
  ['client_cert', 'bool'],
];

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A uid in Zeek's shape (`C` + base62 of 96 bits), derived from the 5-tuple and the first packet's
 * time: the same connection gets the same uid in every run, and across ssl.log / other exports.
 */
export function zeekUid(c: Pick<ConnectionModel, 'client' | 'server' | 'startTime'>): string {
  const h = createHash('sha256').update(`tcp|${c.client.ip}|${c.client.port}|${c.server.ip}|${c.server.port}|${c.startTime}`).digest();
  let v = 0n;
  for (let i = 0; i < 12; i++) v = (v << 8n) | BigInt(h[i]!);
  let s = '';
  for (let i = 0; i < 17; i++) {
    s = B62[Number(v % 62n)] + s;
    v /= 62n;
  }
  return `C${s}`;
}

const ZEEK_VERSIONS: Record<string, string> = {
  'SSL 2.0': 'SSLv2',
  'SSL 3.0': 'SSLv3',
  'TLS 1.0': 'TLSv10',
  'TLS 1.1': 'TLSv11',
  'TLS 1.2': 'TLSv12',
  'TLS 1.3': 'TLSv13',
  'DTLS 1.0': 'DTLSv10',
  'DTLS 1.2': 'DTLSv12',
  'DTLS 1.3': 'DTLSv13',
};

/** Zeek's `unknown-N` for codes its tables lack (our names for them are `0xNNNN`). */
function zeekName(name: string | undefined, table?: Record<string, string>): string | undefined {
  if (name === undefined) return undefined;
  if (table) {
    const t = table[name];
    if (t !== undefined) return t;
  }
  const hex = /^0x([0-9a-f]+)$/i.exec(name);
  return hex ? `unknown-${parseInt(hex[1]!, 16)}` : table ? `unknown-${name}` : name;
}

/** The group the server chose: ServerKeyExchange (ECDHE) or the ServerHello key_share. */
export function serverCurve(c: ConnectionModel): string | undefined {
  let curve: string | undefined;
  for (const e of c.events) {
    if (e.direction !== 'server->client' || e.kind !== 'handshake' || !e.details) continue;
    const d = e.details as { namedGroup?: unknown; curveType?: unknown; extensions?: Array<{ type?: number; group?: unknown }> };
    if (e.type === 'ServerKeyExchange' && typeof d.namedGroup === 'string') curve = d.namedGroup;
    else if ((e.type === 'ServerHello' || e.type === 'HelloRetryRequest') && Array.isArray(d.extensions)) {
      for (const x of d.extensions) if (x.type === 51 && typeof x.group === 'string') curve = x.group;
    }
  }
  return curve;
}

const LETTER: Record<string, string> = {
  HelloRequest: 'h', ClientHello: 'c', ServerHello: 's', HelloVerifyRequest: 'v', NewSessionTicket: 't',
  EndOfEarlyData: 'e', HelloRetryRequest: 'j', EncryptedExtensions: 'o', Certificate: 'x',
  ServerKeyExchange: 'k', CertificateRequest: 'r', ServerHelloDone: 'n', CertificateVerify: 'y',
  ClientKeyExchange: 'g', Finished: 'f', CertificateURL: 'w', CertificateStatus: 'u',
  SupplementalData: 'a', KeyUpdate: 'p', MessageHash: 'm',
};

/**
 * ssl_history as Zeek writes it: a letter for each message Zeek can read, i.e. those sent in
 * plaintext. Zeek decrypts nothing and guesses nothing: once a side is encrypted (after its
 * ChangeCipherSpec, or TLS 1.3 protected records) its records get no letter, so neither our
 * inferred Finished nor anything the key log revealed appears here (`history` in JSON has them).
 */
function zeekHistory(c: ConnectionModel): string {
  let out = '';
  for (const e of c.events) {
    if (e.visibility !== 'plaintext') continue;
    let l = '';
    if (e.kind === 'handshake') l = LETTER[e.type ?? ''] ?? 'z';
    else if (e.kind === 'change_cipher_spec') l = 'i';
    else if (e.kind === 'alert') l = 'l';
    else if (e.kind === 'heartbeat') l = 'b';
    if (l === '') continue;
    out += e.direction === 'client->server' ? l.toUpperCase() : l;
    if (out.length >= 100) break;
  }
  return out;
}

/** A protected record on the wire: undecrypted (possibly with a guessed name) or decrypted by us. */
function isProtected(e: EventModel): boolean {
  return e.kind === 'encrypted' || e.visibility === 'decrypted';
}

/**
 * Zeek's `established`: both directions encrypted (TLS ≤ 1.2 after each side's ChangeCipherSpec,
 * TLS 1.3 after each side's first protected record) and then one more protected record.
 */
export function zeekEstablished(c: ConnectionModel): boolean {
  const tls13 = c.version === 'TLS 1.3';
  const enc = { c: false, s: false };
  const seen = new Set<string>();
  for (const e of c.events) {
    const client = e.direction === 'client->server';
    if (!tls13 && e.kind === 'change_cipher_spec') {
      if (client) enc.c = true;
      else enc.s = true;
      continue;
    }
    if (!isProtected(e)) continue;
    const rec = `${e.direction}|${e.recordIndex ?? e.frame}`;
    if (seen.has(rec)) continue; // several messages of one record
    seen.add(rec);
    if (enc.c && enc.s) return true;
    if (tls13) {
      if (client) enc.c = true;
      else enc.s = true;
    }
  }
  return false;
}

function chainFps(e: EventModel | undefined): string[] | undefined {
  return e?.certificates ? e.certificates.map((x) => x.sha256) : undefined;
}

/** One ssl.log record, values in SSL_FIELDS order. */
export function sslRecord(c: ConnectionModel): ZeekValue[] {
  const first = c.events[0];
  const serverCert = c.events.find((e) => e.type === 'Certificate' && e.direction === 'server->client' && e.certificates);
  const clientCert = c.events.find((e) => e.type === 'Certificate' && e.direction === 'client->server' && e.certificates);
  let server = chainFps(serverCert);
  let client = chainFps(clientCert);
  // Zeek starts both vectors at the first certificate of either side
  if (server || client) {
    server ??= [];
    client ??= [];
  }
  const leaf = serverCert?.certificates?.[0];
  // read (plaintext, or decrypted with the key log), not guessed from an encrypted record's size
  const request = c.events.find((e) => e.type === 'CertificateRequest' && e.direction === 'server->client' && e.visibility !== 'inferred');
  let lastAlert: string | undefined;
  for (const a of c.alerts) if (a.visibility === 'plaintext' && a.description) lastAlert = a.description;
  return [
    epochMicros(first?.time ?? c.startTime),
    zeekUid(c),
    c.client.ip,
    c.client.port,
    c.server.ip,
    c.server.port,
    zeekName(c.version, ZEEK_VERSIONS),
    zeekName(c.cipherSuite),
    zeekName(serverCurve(c)),
    c.serverName,
    c.resumed ?? false,
    lastAlert,
    c.alpn,
    zeekEstablished(c),
    zeekHistory(c),
    server,
    client,
    leaf && c.serverName !== undefined ? hostnameMatches(leaf, c.serverName) : undefined,
    request ? (request.certificateAuthorities ?? []) : undefined,
    c.verdict,
  ];
}

/** Certificates already logged: Zeek logs each (fingerprint, host_cert, client_cert) once. */
export class X509Seen {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 1_000_000) {}
  firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.max) this.seen.clear();
    this.seen.add(key);
    return true;
  }
}

function x509Record(ts: string | undefined, m: CertificateModel, host: boolean, client: boolean): ZeekValue[] {
  const k = keyFacts(m);
  const san = sanFacts(m);
  const nonEmpty = (l: string[] | undefined): string[] | undefined => (l && l.length > 0 ? l : undefined);
  const bc = hasBasicConstraints(m);
  return [
    ts,
    m.sha256,
    certVersion(m),
    m.serialNumber?.toUpperCase(),
    m.subject,
    m.issuer,
    epochMicros(m.notBefore),
    epochMicros(m.notAfter),
    k.alg,
    m.signatureAlgorithm,
    k.type,
    k.bits,
    k.exponent,
    k.curve,
    nonEmpty(san?.dns),
    nonEmpty(san?.uri),
    nonEmpty(san?.email),
    nonEmpty(san?.ip),
    bc ? m.isCa === true : undefined,
    bc ? pathLen(m) : undefined,
    host,
    client,
  ];
}

/** x509.log records for the certificates of `c` not logged before (values in X509_FIELDS order). */
export function x509Records(c: ConnectionModel, seen: X509Seen): ZeekValue[][] {
  const out: ZeekValue[][] = [];
  for (const e of c.events) {
    if (e.type !== 'Certificate' || !e.certificates) continue;
    const client = e.direction === 'client->server';
    const ts = epochMicros(e.time);
    e.certificates.forEach((m, i) => {
      if (seen.firstTime(`${m.sha256}|${i === 0}|${client}`)) out.push(x509Record(ts, m, i === 0, client));
    });
  }
  return out;
}
