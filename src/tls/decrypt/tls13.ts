/**
 * TLS 1.3 key schedule (RFC 8446 §7.1), traffic keys (§7.3), KeyUpdate (§7.2) and record
 * deprotection (§5.2, §5.3).
 *
 * The tool normally takes traffic secrets from a key log; the full schedule from a shared secret
 * is here for testing against RFC 8448 and for callers that hold the (EC)DHE secret.
 */
import { inspect } from 'node:util';
import { aeadOpen } from './aead.js';
import { deriveSecret, hkdfExpandLabel, hkdfExtract, hmac, transcriptHash } from './hkdf.js';
import { Secret } from './secret.js';
import { SequenceNumber } from './sequence.js';
import type { RecordDecryptor, RecordResult } from './types.js';
import { hashLength, type AeadCipherName, type HashName } from './suites.js';

export { deriveSecret, hkdfExpand, hkdfExpandLabel, hkdfExtract, hkdfLabel, transcriptHash } from './hkdf.js';

/** What TLS 1.3 record protection needs: `suiteParams(0x13xx)` satisfies it. */
export interface Tls13RecordParams {
  hash: HashName;
  cipher: AeadCipherName;
  keyLength: number;
  ivLength: number;
  tagLength: number;
}

export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

/** [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length), iv likewise ("iv"). */
export function deriveTls13TrafficKeys(params: Pick<Tls13RecordParams, 'hash' | 'keyLength' | 'ivLength'>,
  trafficSecret: Uint8Array): TrafficKeys {
  const empty = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(params.hash, trafficSecret, 'key', empty, params.keyLength),
    iv: hkdfExpandLabel(params.hash, trafficSecret, 'iv', empty, params.ivLength),
  };
}

/** application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length). */
export function nextTrafficSecret(hash: HashName, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, secret, 'traffic upd', new Uint8Array(0), hashLength(hash));
}

/** finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length); verify_data = HMAC. */
export function tls13FinishedVerifyData(hash: HashName, baseKey: Uint8Array,
  transcriptHashValue: Uint8Array): Uint8Array {
  const finishedKey = hkdfExpandLabel(hash, baseKey, 'finished', new Uint8Array(0), hashLength(hash));
  return hmac(hash, finishedKey, transcriptHashValue);
}

export interface Tls13ScheduleInput {
  /** PSK; absent for a full handshake (then Hash.length zeros). */
  psk?: Uint8Array;
  /** (EC)DHE shared secret; absent for psk_ke (then Hash.length zeros). */
  sharedSecret?: Uint8Array;
  /** Transcript-Hash(ClientHello): for the early secrets. */
  clientHelloHash?: Uint8Array;
  /** Transcript-Hash(ClientHello..ServerHello). */
  serverHelloHash: Uint8Array;
  /** Transcript-Hash(ClientHello..server Finished). */
  serverFinishedHash: Uint8Array;
  /** Transcript-Hash(ClientHello..client Finished): for the resumption master secret. */
  clientFinishedHash?: Uint8Array;
}

/** Every secret of the schedule. Raw bytes: test and derivation use only, never print. */
export interface Tls13Schedule {
  earlySecret: Uint8Array;
  clientEarlyTrafficSecret?: Uint8Array;
  earlyExporterMasterSecret?: Uint8Array;
  handshakeSecret: Uint8Array;
  clientHandshakeTrafficSecret: Uint8Array;
  serverHandshakeTrafficSecret: Uint8Array;
  masterSecret: Uint8Array;
  clientApplicationTrafficSecret0: Uint8Array;
  serverApplicationTrafficSecret0: Uint8Array;
  exporterMasterSecret: Uint8Array;
  resumptionMasterSecret?: Uint8Array;
}

/** The RFC 8446 §7.1 key schedule from the given inputs. */
export function tls13KeySchedule(hash: HashName, input: Tls13ScheduleInput): Tls13Schedule {
  const hl = hashLength(hash);
  const zeros = new Uint8Array(hl);
  const emptyHash = transcriptHash(hash);
  const earlySecret = hkdfExtract(hash, undefined, input.psk ?? zeros);
  const handshakeSecret = hkdfExtract(hash, deriveSecret(hash, earlySecret, 'derived', emptyHash),
    input.sharedSecret ?? zeros);
  const masterSecret = hkdfExtract(hash, deriveSecret(hash, handshakeSecret, 'derived', emptyHash), zeros);
  const ch = input.clientHelloHash;
  const cf = input.clientFinishedHash;
  return {
    earlySecret,
    clientEarlyTrafficSecret: ch && deriveSecret(hash, earlySecret, 'c e traffic', ch),
    earlyExporterMasterSecret: ch && deriveSecret(hash, earlySecret, 'e exp master', ch),
    handshakeSecret,
    clientHandshakeTrafficSecret: deriveSecret(hash, handshakeSecret, 'c hs traffic', input.serverHelloHash),
    serverHandshakeTrafficSecret: deriveSecret(hash, handshakeSecret, 's hs traffic', input.serverHelloHash),
    masterSecret,
    clientApplicationTrafficSecret0: deriveSecret(hash, masterSecret, 'c ap traffic', input.serverFinishedHash),
    serverApplicationTrafficSecret0: deriveSecret(hash, masterSecret, 's ap traffic', input.serverFinishedHash),
    exporterMasterSecret: deriveSecret(hash, masterSecret, 'exp master', input.serverFinishedHash),
    resumptionMasterSecret: cf && deriveSecret(hash, masterSecret, 'res master', cf),
  };
}

export type Tls13DecryptorResult =
  | { ok: true; decryptor: Tls13RecordDecryptor }
  | { ok: false; reason: string };

/**
 * A decryptor for a traffic secret taken from a key log, or why not (a secret whose length does
 * not fit the suite's hash: a wrong or mixed-up key log). Never throws for such data.
 */
export function createTls13Decryptor(params: Tls13RecordParams, trafficSecret: Uint8Array | Secret): Tls13DecryptorResult {
  const need = hashLength(params.hash);
  if (trafficSecret.length !== need) {
    return { ok: false, reason: `traffic secret is ${trafficSecret.length} bytes, but the suite's hash ${params.hash} needs ${need}` };
  }
  return { ok: true, decryptor: new Tls13RecordDecryptor(params, trafficSecret) };
}

/** RFC 8446 §5.2: TLSCiphertext.length must not exceed 2^14 + 256. */
export const TLS13_MAX_CIPHERTEXT = 16384 + 256;

/**
 * Decrypts the protected records of one direction under one traffic secret, counting the 64-bit
 * sequence number (RFC 8446 §5.3). A failed decrypt does not advance the sequence number (so the
 * caller can try another key); call `skip()` to count a record it gives up on.
 */
export class Tls13RecordDecryptor implements RecordDecryptor {
  readonly params: Tls13RecordParams;
  #secret: Secret;
  #key: Uint8Array;
  #iv: Uint8Array;
  readonly #nonce: Uint8Array;
  readonly #seq = new SequenceNumber();
  /** Key generation: 0 for the secret given, +1 per update(). */
  generation = 0;

  /** Throws RangeError when the secret does not fit the hash: see createTls13Decryptor. */
  constructor(params: Tls13RecordParams, trafficSecret: Uint8Array | Secret) {
    const secret = trafficSecret instanceof Secret ? trafficSecret.reveal() : trafficSecret;
    if (secret.length !== hashLength(params.hash)) {
      throw new RangeError(`traffic secret is ${secret.length} bytes, ${params.hash} needs ${hashLength(params.hash)}`);
    }
    if (params.ivLength < 8) throw new RangeError(`IV length ${params.ivLength} below 8`);
    this.params = params;
    this.#secret = new Secret(secret);
    const keys = deriveTls13TrafficKeys(params, secret);
    this.#key = keys.key;
    this.#iv = keys.iv;
    this.#nonce = new Uint8Array(params.ivLength);
  }

  /** Sequence number of the next record. */
  get sequence(): bigint {
    return this.#seq.value;
  }

  set sequence(value: bigint) {
    this.#seq.value = value;
  }

  /** Counts one record without decrypting it. */
  skip(): void {
    this.#seq.increment();
  }

  /** KeyUpdate: move to the next application traffic secret ("traffic upd"), sequence back to 0. */
  update(): void {
    const next = nextTrafficSecret(this.params.hash, this.#secret.reveal());
    const keys = deriveTls13TrafficKeys(this.params, next);
    this.#secret = new Secret(next);
    this.#key = keys.key;
    this.#iv = keys.iv;
    this.#seq.reset();
    this.generation++;
  }

  /**
   * Deprotects one record. `header5` is the 5-byte record header (the AAD), `encrypted` the
   * encrypted_record (ciphertext + tag). The plaintext is a fresh buffer, content padding removed.
   */
  decrypt(header5: Uint8Array, encrypted: Uint8Array): RecordResult {
    if (header5.length !== 5) return { ok: false, reason: `record header is ${header5.length} bytes, expected 5` };
    const declared = (header5[3]! << 8) | header5[4]!;
    if (declared !== encrypted.length) {
      return { ok: false, reason: `record header length ${declared} differs from the ${encrypted.length} encrypted bytes given` };
    }
    if (encrypted.length > TLS13_MAX_CIPHERTEXT) {
      return { ok: false, reason: `encrypted record length ${encrypted.length} exceeds ${TLS13_MAX_CIPHERTEXT} (2^14 + 256)` };
    }
    const tagLength = this.params.tagLength;
    if (encrypted.length < tagLength + 1) {
      return { ok: false, reason: `encrypted record length ${encrypted.length} shorter than tag ${tagLength} + 1 content type byte` };
    }
    if (this.#seq.exhausted) return { ok: false, reason: 'sequence number exhausted (2^64 records)' };
    this.#seq.xorIntoNonce(this.#iv, this.#nonce);
    const split = encrypted.length - tagLength;
    const inner = aeadOpen(this.params.cipher, this.#key, this.#nonce, header5,
      encrypted.subarray(0, split), encrypted.subarray(split));
    if (!inner) {
      return { ok: false, reason: `authentication tag mismatch (sequence ${this.sequence}, key generation ${this.generation})` };
    }
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) {
      return { ok: false, reason: `inner plaintext has no content type: all ${inner.length} bytes are zero padding` };
    }
    this.#seq.increment();
    return { ok: true, contentType: inner[end]!, plaintext: inner.subarray(0, end) };
  }

  toJSON(): object {
    return { cipher: this.params.cipher, hash: this.params.hash, sequence: String(this.sequence), generation: this.generation, keys: '[redacted]' };
  }

  [inspect.custom](): string {
    return `Tls13RecordDecryptor { ${this.params.cipher}/${this.params.hash}, sequence ${this.sequence}, generation ${this.generation}, keys [redacted] }`;
  }
}
