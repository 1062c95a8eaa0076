/**
 * QUIC packet protection (RFC 9001 §5; QUIC v2: RFC 9369 §3.3): Initial secrets from the client's
 * first Destination Connection ID, packet keys from a TLS secret ("quic key" / "quic iv" /
 * "quic hp", "quicv2 ..." in v2), header protection (AES-ECB or ChaCha20 mask) and AEAD, all over
 * node:crypto and the TLS stage's HKDF helpers. Keys stay inside PacketKeys; nothing prints them.
 */
import { createCipheriv } from 'node:crypto';
import { hkdfExpandLabel, hkdfExtract } from '../tls/decrypt/hkdf.js';
import { aeadOpen } from '../tls/decrypt/aead.js';
import { suiteParams, type AeadCipherName, type HashName } from '../tls/decrypt/suites.js';

export type LongType = 'Initial' | '0-RTT' | 'Handshake' | 'Retry';

export interface QuicVersion {
  /** Version number on the wire. */
  number: number;
  name: string;
  salt: Uint8Array;
  /** "quic" (v1, drafts) or "quicv2" (RFC 9369 and its drafts). */
  labels: 'quic' | 'quicv2';
  /** Long packet types by the two type bits. */
  types: readonly LongType[];
  /** Unknown versions: a second salt to try when the first does not decrypt the first Initial. */
  altSalt?: Uint8Array;
}

const V1_TYPES: readonly LongType[] = ['Initial', '0-RTT', 'Handshake', 'Retry'];
const V2_TYPES: readonly LongType[] = ['Retry', 'Initial', '0-RTT', 'Handshake'];
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const V1_SALT = hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a');
const DRAFT29_SALT = hex('afbfec289993d24c9e9786f19c6111e04390a899');

const VERSIONS = new Map<number, QuicVersion>([
  [0x00000001, { number: 1, name: 'QUIC v1', salt: V1_SALT, labels: 'quic', types: V1_TYPES }],
  [0x6b3343cf, { number: 0x6b3343cf, name: 'QUIC v2', salt: hex('0dede3def700a6db819381be6e269dcbf9bd2ed9'), labels: 'quicv2', types: V2_TYPES }],
  // draft-ietf-quic-v2-01..04 (ngtcp2 0.12's "v2draft"); same salt and labels as the drafts defined
  [0x709a50c4, { number: 0x709a50c4, name: 'QUIC v2 draft', salt: hex('a707c203a59b47184a1d62ca570406ea7ae3e5d3'), labels: 'quicv2', types: V2_TYPES }],
]);
for (const d of [29, 30, 31, 32]) {
  VERSIONS.set(0xff000000 + d, { number: 0xff000000 + d, name: `QUIC draft-${d}`, salt: DRAFT29_SALT, labels: 'quic', types: V1_TYPES });
}

/** The version's parameters; undefined when unknown (0 = Version Negotiation is not a version). */
export function quicVersion(v: number): QuicVersion | undefined {
  return VERSIONS.get(v);
}

/** An unknown version (e.g. one that forces Version Negotiation) read with QUIC v1's packet
 * types and labels, and the v1 or else the draft-29 Initial salt (ngtcp2 0.12 and Wireshark 4.0
 * use the latter for versions they do not know). */
export function assumedV1(v: number): QuicVersion {
  return { ...VERSIONS.get(1)!, number: v, name: `unknown version 0x${v.toString(16).padStart(8, '0')}`, altSalt: DRAFT29_SALT };
}

export function versionName(v: number): string {
  return quicVersion(v)?.name ?? `0x${v.toString(16).padStart(8, '0')}`;
}

type HpCipher = 'aes-128-ecb' | 'aes-256-ecb' | 'chacha20';

/** One direction's keys of one packet number space. */
export class PacketKeys {
  private readonly nonce = new Uint8Array(12);
  constructor(
    private readonly cipher: AeadCipherName,
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
    private readonly hpCipher: HpCipher,
    private readonly hp: Uint8Array,
    readonly tagLength: number,
  ) {}

  /** The 5-byte header protection mask for a 16-byte sample (RFC 9001 §5.4). */
  mask(sample: Uint8Array): Uint8Array {
    if (this.hpCipher === 'chacha20') {
      // counter (4 bytes little-endian) || nonce (12 bytes) is exactly the sample: node's IV layout
      const c = createCipheriv('chacha20', this.hp, sample);
      return c.update(new Uint8Array(5));
    }
    const c = createCipheriv(this.hpCipher, this.hp, null);
    c.setAutoPadding(false);
    return c.update(sample).subarray(0, 5);
  }

  /** AEAD open of a payload (tag at its end) with the unprotected header as AAD. */
  open(pn: number, header: Uint8Array, payload: Uint8Array): Buffer | undefined {
    if (payload.length < this.tagLength) return undefined;
    const n = this.nonce;
    n.set(this.iv);
    // packet number (up to 62 bits) XORed into the last 8 bytes of the IV
    let x = pn;
    for (let i = 11; i >= 4 && x > 0; i--) {
      n[i] ^= x % 256;
      x = Math.floor(x / 256);
    }
    const ct = payload.subarray(0, payload.length - this.tagLength);
    const tag = payload.subarray(payload.length - this.tagLength);
    return aeadOpen(this.cipher, this.key, n, header, ct, tag);
  }
}

function packetKeys(hash: HashName, secret: Uint8Array, cipher: AeadCipherName, keyLen: number, tagLen: number, labels: string): PacketKeys {
  const key = hkdfExpandLabel(hash, secret, `${labels} key`, new Uint8Array(0), keyLen);
  const iv = hkdfExpandLabel(hash, secret, `${labels} iv`, new Uint8Array(0), 12);
  const hp = hkdfExpandLabel(hash, secret, `${labels} hp`, new Uint8Array(0), keyLen);
  const hpCipher: HpCipher = cipher === 'chacha20-poly1305' ? 'chacha20' : keyLen === 32 ? 'aes-256-ecb' : 'aes-128-ecb';
  return new PacketKeys(cipher, key, iv, hpCipher, hp, tagLen);
}

/** Initial keys of both directions from the client's first Destination Connection ID. */
export function initialKeys(v: QuicVersion, dcid: Uint8Array): { client: PacketKeys; server: PacketKeys } {
  const initial = hkdfExtract('sha256', v.salt, dcid);
  const empty = new Uint8Array(0);
  const c = hkdfExpandLabel('sha256', initial, 'client in', empty, 32);
  const s = hkdfExpandLabel('sha256', initial, 'server in', empty, 32);
  return {
    client: packetKeys('sha256', c, 'aes-128-gcm', 16, 16, v.labels),
    server: packetKeys('sha256', s, 'aes-128-gcm', 16, 16, v.labels),
  };
}

/** Packet keys for a TLS 1.3 traffic secret (Handshake or 1-RTT), or a reason why not. */
export function secretKeys(v: QuicVersion, cipherSuite: number, secret: Uint8Array): PacketKeys | string {
  const p = suiteParams(cipherSuite);
  if (!p || p.protocol !== 'tls13') return `cipher suite 0x${cipherSuite.toString(16).padStart(4, '0')} is not a TLS 1.3 suite QUIC can use`;
  if (p.cipher === 'aes-128-ccm' && p.tagLength === 8) return 'TLS_AES_128_CCM_8_SHA256 is not used by QUIC (RFC 9001 §5.3)';
  const hashLen = p.hash === 'sha384' ? 48 : 32;
  if (secret.length !== hashLen) return `secret of ${secret.length} bytes does not fit ${p.name}`;
  return packetKeys(p.hash, secret, p.cipher, p.keyLength, p.tagLength, v.labels);
}
