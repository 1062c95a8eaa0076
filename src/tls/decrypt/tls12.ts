/**
 * TLS 1.0-1.2 record decryption: AEAD (AES-GCM, AES-CCM with the RFC 5288 explicit nonce;
 * ChaCha20-Poly1305 with the RFC 7905 implicit nonce) and CBC + HMAC (MAC-then-encrypt, or
 * encrypt-then-MAC per RFC 7366; TLS 1.1+ explicit IV, TLS 1.0 IV chaining).
 */
import { createDecipheriv } from 'node:crypto';
import { inspect } from 'node:util';
import { aeadOpen } from './aead.js';
import { hmac } from './hkdf.js';
import { Secret } from './secret.js';
import { SequenceNumber } from './sequence.js';
import { suiteParams, type Tls12AeadSuiteParams, type Tls12CbcSuiteParams, type Tls12SuiteParams } from './suites.js';
import { TLS10, TLS12, Tls12KeyBlock, type Tls12DirectionKeys } from './tls12-keys.js';
import type { RecordDecryptor, RecordResult } from './types.js';

export { pHash, tls10Prf, tls12Prf, versionPrf, Tls12KeyBlock, TLS10, TLS11, TLS12 } from './tls12-keys.js';

/** RFC 5246 §6.2.3: TLSCiphertext.length must not exceed 2^14 + 2048. */
export const TLS12_MAX_CIPHERTEXT = 16384 + 2048;

function checkHeader(header5: Uint8Array, fragment: Uint8Array): string | undefined {
  if (header5.length !== 5) return `record header is ${header5.length} bytes, expected 5`;
  const declared = (header5[3]! << 8) | header5[4]!;
  if (declared !== fragment.length) {
    return `record header length ${declared} differs from the ${fragment.length} encrypted bytes given`;
  }
  if (fragment.length > TLS12_MAX_CIPHERTEXT) {
    return `encrypted record length ${fragment.length} exceeds ${TLS12_MAX_CIPHERTEXT} (2^14 + 2048)`;
  }
  return undefined;
}

/** seq_num(8) + type(1) + version(2) + length(2): the MAC / AEAD additional data prefix. */
function writePseudoHeader(out: Uint8Array, seq: SequenceNumber, header5: Uint8Array, length: number): void {
  seq.write(out, 0);
  out[8] = header5[0]!;
  out[9] = header5[1]!;
  out[10] = header5[2]!;
  out[11] = length >> 8;
  out[12] = length & 0xff;
}

export class Tls12AeadDecryptor implements RecordDecryptor {
  readonly params: Tls12AeadSuiteParams;
  readonly #key: Uint8Array;
  readonly #iv: Uint8Array;
  readonly #nonce = new Uint8Array(12);
  readonly #aad = new Uint8Array(13);
  readonly #seq = new SequenceNumber();

  constructor(params: Tls12AeadSuiteParams, keys: Tls12DirectionKeys) {
    this.params = params;
    this.#key = keys.key.reveal();
    this.#iv = keys.iv.reveal();
  }

  get sequence(): bigint {
    return this.#seq.value;
  }

  skip(): void {
    this.#seq.increment();
  }

  decrypt(header5: Uint8Array, fragment: Uint8Array): RecordResult {
    const bad = checkHeader(header5, fragment);
    if (bad) return { ok: false, reason: bad };
    const { explicitNonceLength, tagLength } = this.params;
    if (fragment.length < explicitNonceLength + tagLength) {
      return { ok: false, reason: `encrypted record length ${fragment.length} shorter than explicit nonce ${explicitNonceLength} + tag ${tagLength}` };
    }
    if (this.#seq.exhausted) return { ok: false, reason: 'sequence number exhausted (2^64 records)' };
    if (explicitNonceLength === 8) {
      // GCM / CCM (RFC 5288 §3, RFC 6655 §3): nonce = salt(4 from the key block) + explicit(8).
      this.#nonce.set(this.#iv.subarray(0, 4), 0);
      this.#nonce.set(fragment.subarray(0, 8), 4);
    } else {
      this.#seq.xorIntoNonce(this.#iv, this.#nonce); // RFC 7905 §2
    }
    const end = fragment.length - tagLength;
    const ciphertext = fragment.subarray(explicitNonceLength, end);
    writePseudoHeader(this.#aad, this.#seq, header5, ciphertext.length);
    const plain = aeadOpen(this.params.cipher, this.#key, this.#nonce, this.#aad, ciphertext, fragment.subarray(end));
    if (!plain) return { ok: false, reason: `authentication tag mismatch (sequence ${this.sequence})` };
    this.#seq.increment();
    return { ok: true, contentType: header5[0]!, plaintext: plain };
  }

  toJSON(): object {
    return { cipher: this.params.cipher, sequence: String(this.sequence), keys: '[redacted]' };
  }

  [inspect.custom](): string {
    return `Tls12AeadDecryptor { ${this.params.name}, sequence ${this.sequence}, keys [redacted] }`;
  }
}

export class Tls12CbcDecryptor implements RecordDecryptor {
  readonly params: Tls12CbcSuiteParams;
  readonly version: number;
  readonly encryptThenMac: boolean;
  readonly #key: Uint8Array;
  readonly #macKey: Uint8Array;
  /** TLS 1.0 only: the IV of the next record (key block IV, then the last ciphertext block). */
  #chainIv: Uint8Array;
  readonly #pseudo = new Uint8Array(13);
  readonly #seq = new SequenceNumber();

  constructor(params: Tls12CbcSuiteParams, keys: Tls12DirectionKeys, version: number, encryptThenMac: boolean) {
    this.params = params;
    this.version = version;
    this.encryptThenMac = encryptThenMac;
    this.#key = keys.key.reveal();
    this.#macKey = keys.macKey.reveal();
    this.#chainIv = keys.iv.reveal();
  }

  get sequence(): bigint {
    return this.#seq.value;
  }

  /** Counts a record given up on; with TLS 1.0 pass its bytes so the IV chain stays right. */
  skip(fragment?: Uint8Array): void {
    this.#seq.increment();
    const block = this.params.blockLength;
    if (this.version <= TLS10 && fragment && fragment.length >= block) {
      const ctEnd = this.encryptThenMac ? fragment.length - this.params.macLength : fragment.length;
      if (ctEnd >= block) this.#chainIv = Uint8Array.prototype.slice.call(fragment, ctEnd - block, ctEnd) as Uint8Array;
    }
  }

  decrypt(header5: Uint8Array, fragment: Uint8Array): RecordResult {
    const bad = checkHeader(header5, fragment);
    if (bad) return { ok: false, reason: bad };
    if (this.#seq.exhausted) return { ok: false, reason: 'sequence number exhausted (2^64 records)' };
    const { blockLength: block, macLength } = this.params;
    const explicitIv = this.version > TLS10 ? block : 0;
    // Encrypt-then-MAC: the MAC covers IV + ciphertext and follows them.
    const ctEnd = this.encryptThenMac ? fragment.length - macLength : fragment.length;
    const ctLength = ctEnd - explicitIv;
    const minCt = this.encryptThenMac ? block : Math.ceil((macLength + 1) / block) * block;
    if (ctLength < minCt) {
      return { ok: false, reason: `CBC record length ${fragment.length} too short for ${explicitIv ? `explicit IV ${explicitIv} + ` : ''}${this.encryptThenMac ? `MAC ${macLength} + one block` : `MAC ${macLength} + padding`}` };
    }
    if (ctLength % block !== 0) {
      return { ok: false, reason: `CBC ciphertext length ${ctLength} is not a multiple of the ${block}-byte block size` };
    }
    if (this.encryptThenMac) {
      writePseudoHeader(this.#pseudo, this.#seq, header5, ctEnd);
      const mac = hmac(this.params.macHash, this.#macKey, this.#pseudo, fragment.subarray(0, ctEnd));
      if (!mac.equals(fragment.subarray(ctEnd))) return { ok: false, reason: 'bad MAC' };
    }
    const iv = explicitIv ? fragment.subarray(0, block) : this.#chainIv;
    const ciphertext = fragment.subarray(explicitIv, ctEnd);
    const plain = this.#cbcDecrypt(iv, ciphertext);
    const padLength = plain[plain.length - 1]!;
    const tail = this.encryptThenMac ? 0 : macLength;
    if (padLength + 1 + tail > plain.length) {
      return { ok: false, reason: `bad padding: padding length ${padLength} + 1${tail ? ` + MAC ${tail}` : ''} exceeds the ${plain.length} decrypted bytes` };
    }
    for (let i = plain.length - 1 - padLength; i < plain.length - 1; i++) {
      if (plain[i] !== padLength) return { ok: false, reason: `bad padding: byte ${i - (plain.length - 1 - padLength)} of ${padLength} is ${plain[i]}, expected ${padLength}` };
    }
    const contentEnd = plain.length - 1 - padLength - tail;
    const content = plain.subarray(0, contentEnd);
    if (!this.encryptThenMac) {
      writePseudoHeader(this.#pseudo, this.#seq, header5, contentEnd);
      const mac = hmac(this.params.macHash, this.#macKey, this.#pseudo, content);
      if (!mac.equals(plain.subarray(contentEnd, contentEnd + macLength))) return { ok: false, reason: 'bad MAC' };
    }
    if (!explicitIv) this.#chainIv = ciphertext.slice(ciphertext.length - block);
    this.#seq.increment();
    return { ok: true, contentType: header5[0]!, plaintext: content };
  }

  #cbcDecrypt(iv: Uint8Array, ciphertext: Uint8Array): Buffer {
    const d = createDecipheriv(this.params.cipher, this.#key, iv);
    d.setAutoPadding(false);
    const head = d.update(ciphertext);
    const tail = d.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  }

  toJSON(): object {
    return { cipher: this.params.cipher, mac: this.params.macHash, encryptThenMac: this.encryptThenMac, sequence: String(this.sequence), keys: '[redacted]' };
  }

  [inspect.custom](): string {
    return `Tls12CbcDecryptor { ${this.params.name}, ${this.encryptThenMac ? 'encrypt-then-MAC' : 'MAC-then-encrypt'}, sequence ${this.sequence}, keys [redacted] }`;
  }
}

export type Tls12Decryptors =
  | { ok: true; client: Tls12AeadDecryptor | Tls12CbcDecryptor; server: Tls12AeadDecryptor | Tls12CbcDecryptor; params: Tls12SuiteParams }
  | { ok: false; reason: string };

/**
 * Both directions' decryptors for a TLS 1.0-1.2 connection, from the master secret (key log
 * CLIENT_RANDOM line), the hello randoms, the negotiated suite and version, and whether the
 * ServerHello accepted encrypt_then_mac (RFC 7366; ignored for AEAD suites).
 */
export function createTls12Decryptors(masterSecret: Uint8Array | Secret, clientRandom: Uint8Array,
  serverRandom: Uint8Array, suite: number | Tls12SuiteParams, version: number,
  encryptThenMac: boolean): Tls12Decryptors {
  const params = typeof suite === 'number' ? suiteParams(suite) : suite;
  const hexSuite = typeof suite === 'number' ? `0x${suite.toString(16).padStart(4, '0')}` : suite.name;
  if (!params) return { ok: false, reason: `cipher suite ${hexSuite} is not supported for decryption` };
  if (params.protocol !== 'tls12') return { ok: false, reason: `cipher suite ${params.name} is a TLS 1.3 suite` };
  if (version < TLS10 || version > TLS12) {
    return { ok: false, reason: `protocol version 0x${version.toString(16).padStart(4, '0')} is not TLS 1.0-1.2` };
  }
  const minVersion = params.kind === 'cbc' ? params.minVersion : TLS12;
  if (version < minVersion) return { ok: false, reason: `cipher suite ${params.name} needs TLS 1.2 or later` };
  if (masterSecret.length !== 48) return { ok: false, reason: `master secret is ${masterSecret.length} bytes, expected 48` };
  if (clientRandom.length !== 32 || serverRandom.length !== 32) {
    return { ok: false, reason: `client/server random are ${clientRandom.length}/${serverRandom.length} bytes, expected 32` };
  }
  const master = masterSecret instanceof Secret ? masterSecret.reveal() : masterSecret;
  const kb = Tls12KeyBlock.derive(master, clientRandom, serverRandom, params, version);
  if (params.kind === 'aead') {
    return { ok: true, params, client: new Tls12AeadDecryptor(params, kb.client), server: new Tls12AeadDecryptor(params, kb.server) };
  }
  return {
    ok: true, params,
    client: new Tls12CbcDecryptor(params, kb.client, version, encryptThenMac),
    server: new Tls12CbcDecryptor(params, kb.server, version, encryptThenMac),
  };
}
