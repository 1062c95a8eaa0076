/**
 * TLS client and server fingerprints from the hello facts of the tls stage:
 *
 * - JA3 / JA3S (Salesforce, BSD-3): MD5 of `version,ciphers,extensions,groups,point_formats`
 *   (client) and `version,cipher,extensions` (server), decimal values joined by `-`, GREASE
 *   (RFC 8701) left out — as tshark computes `tls.handshake.ja3` / `ja3s`.
 * - JA4 / JA4_r (FoxIO, BSD-3; technical_details/JA4.md): `t|q|d` + version + `d|i` (SNI) + cipher
 *   count + extension count + ALPN first/last character, `_`, 12 hex of SHA-256 of the sorted
 *   cipher list, `_`, 12 hex of SHA-256 of the sorted extension list (SNI and ALPN removed) `_`
 *   signature algorithms in wire order. GREASE is ignored everywhere.
 *
 * JA4S, JA4X and the rest of JA4+ are under the FoxIO License 1.1 and are not implemented.
 */
import { hash } from 'node:crypto';
import type { ClientHelloFacts, ServerHelloFacts } from '../tls/events.js';
import { isGrease } from '../tls/registry/grease.js';
import type { FingerprintsModel } from './model.js';

export type { FingerprintsModel };

/** JA4's first character: TLS over TCP, QUIC, DTLS. */
export type Ja4Transport = 't' | 'q' | 'd';

const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_SUPPORTED_VERSIONS = 0x002b;
const NO_HASH = '000000000000';

function noGrease(list: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of list) if (!isGrease(v)) out.push(v);
  return out;
}

/** Digests of fingerprint strings: the same few client and server stacks make most connections
 * of a capture, so each distinct string is hashed once (bounded: cleared when full). One-shot
 * `crypto.hash` (no Hash object per call). The strings are ASCII, so utf8 = latin1 here. */
const DIGESTS = new Map<string, string>();
const MAX_DIGESTS = 4096;

function digestOf(algorithm: 'md5' | 'sha256', s: string, chars: number): string {
  const key = algorithm === 'md5' ? `m${s}` : `s${s}`;
  let d = DIGESTS.get(key);
  if (d === undefined) {
    d = hash(algorithm, s, 'hex');
    if (chars < d.length) d = d.slice(0, chars);
    if (DIGESTS.size >= MAX_DIGESTS) DIGESTS.clear();
    DIGESTS.set(key, d);
  }
  return d;
}

function md5(s: string): string {
  return digestOf('md5', s, 32);
}

function sha256_12(s: string): string {
  return digestOf('sha256', s, 12);
}

export function ja3Full(ch: ClientHelloFacts): string {
  return [
    String(ch.version),
    noGrease(ch.cipherSuites).join('-'),
    noGrease(ch.extensions).join('-'),
    noGrease(ch.supportedGroups).join('-'),
    ch.pointFormats.join('-'),
  ].join(',');
}

export function ja3sFull(sh: ServerHelloFacts): string {
  return `${sh.version},${sh.cipherSuite},${noGrease(sh.extensions).join('-')}`;
}

const VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
]);

/** Highest supported_versions value (GREASE ignored) when the extension is there, else legacy_version. */
function ja4Version(ch: ClientHelloFacts): string {
  let v = ch.version;
  if (ch.extensions.includes(EXT_SUPPORTED_VERSIONS)) {
    const offered = noGrease(ch.supportedVersions);
    if (offered.length > 0) {
      // DTLS versions count down (0xfefc is DTLS 1.3): "highest" is the newest protocol
      const dtls = offered.every((x) => x >= 0xfe00);
      v = dtls ? Math.min(...offered) : Math.max(...offered);
    }
  }
  return VERSIONS.get(v) ?? '00';
}

function count2(n: number): string {
  return n > 99 ? '99' : String(n).padStart(2, '0');
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** First and last character of the first ALPN value; its hex when either byte is not alphanumeric. */
export function ja4Alpn(first: string | undefined): string {
  if (first === undefined || first.length === 0) return '00';
  const a = first.charCodeAt(0) & 0xff;
  const z = first.charCodeAt(first.length - 1) & 0xff;
  if (isAlnum(a) && isAlnum(z)) return String.fromCharCode(a, z);
  const hexA = a.toString(16).padStart(2, '0');
  const hexZ = z.toString(16).padStart(2, '0');
  return hexA[0]! + hexZ[1]!;
}

/** 4-digit hex of a 16-bit value, each formatted once. */
const HEX4: string[] = [];
function hex4(v: number): string {
  return (HEX4[v] ??= v.toString(16).padStart(4, '0'));
}

/** `list` (a fresh array: sorted in place) in ascending order, as comma-separated hex4. */
function sortedHex(list: number[]): string {
  list.sort((x, y) => x - y);
  let s = '';
  for (let i = 0; i < list.length; i++) s += i === 0 ? hex4(list[i]!) : `,${hex4(list[i]!)}`;
  return s;
}

function hexList(list: readonly number[]): string {
  let s = '';
  let first = true;
  for (const v of list) {
    if (isGrease(v)) continue;
    s += first ? hex4(v) : `,${hex4(v)}`;
    first = false;
  }
  return s;
}

export interface Ja4Result {
  ja4: string;
  ja4_r: string;
}

export function ja4(ch: ClientHelloFacts, transport: Ja4Transport = 't'): Ja4Result {
  const ciphers = noGrease(ch.cipherSuites);
  const exts = noGrease(ch.extensions);
  const a =
    transport +
    ja4Version(ch) +
    (exts.includes(EXT_SERVER_NAME) ? 'd' : 'i') +
    count2(ciphers.length) +
    count2(exts.length) +
    ja4Alpn(exts.includes(EXT_ALPN) ? ch.alpnFirst : undefined);
  const bRaw = sortedHex(ciphers);
  const cExts = sortedHex(exts.filter((e) => e !== EXT_SERVER_NAME && e !== EXT_ALPN));
  const sigs = hexList(ch.signatureAlgorithms);
  const cRaw = sigs.length > 0 ? `${cExts}_${sigs}` : cExts;
  const b = bRaw.length === 0 ? NO_HASH : sha256_12(bRaw);
  const c = cExts.length === 0 ? NO_HASH : sha256_12(cRaw);
  return { ja4: `${a}_${b}_${c}`, ja4_r: `${a}_${bRaw}_${cRaw}` };
}

/** All fingerprints the hellos allow; undefined when neither hello was seen. */
export function fingerprints(ch: ClientHelloFacts | undefined, sh: ServerHelloFacts | undefined): FingerprintsModel | undefined {
  if (!ch && !sh) return undefined;
  const f: FingerprintsModel = {};
  if (ch) {
    const j4 = ja4(ch);
    f.ja4 = j4.ja4;
    f.ja4_r = j4.ja4_r;
    f.ja3_full = ja3Full(ch);
    f.ja3 = md5(f.ja3_full);
  }
  if (sh) {
    f.ja3s_full = ja3sFull(sh);
    f.ja3s = md5(f.ja3s_full);
  }
  return f;
}
