/**
 * TLS 1.0-1.2 PRF and key block (RFC 2246 §5-6.3, RFC 4346 §5-6.3, RFC 5246 §5, §6.3).
 */
import { inspect } from 'node:util';
import { hmac } from './hkdf.js';
import { Secret } from './secret.js';
import type { HashName, Tls12SuiteParams } from './suites.js';

export const TLS10 = 0x0301;
export const TLS11 = 0x0302;
export const TLS12 = 0x0303;

/** Upper bound on PRF output: far above any key block (2 * (48 + 32 + 16) = 192). */
const MAX_PRF_OUTPUT = 1 << 16;

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** P_hash(secret, seed) (RFC 5246 §5), `length` bytes. */
export function pHash(hash: string, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_PRF_OUTPUT) {
    throw new RangeError(`PRF output length ${length} outside 0..${MAX_PRF_OUTPUT}`);
  }
  const out = new Uint8Array(length);
  let a: Uint8Array = hmac(hash, secret, seed); // A(1)
  for (let off = 0; off < length;) {
    const block = hmac(hash, secret, a, seed);
    const n = Math.min(block.length, length - off);
    out.set(block.subarray(0, n), off);
    off += n;
    if (off < length) a = hmac(hash, secret, a); // A(i+1), only when another block follows
  }
  return out;
}

/** TLS 1.2 PRF(secret, label, seed) = P_<hash>(secret, label + seed). */
export function tls12Prf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array,
  length: number): Uint8Array {
  return pHash(hash, secret, concat(Buffer.from(label, 'latin1'), seed), length);
}

/**
 * TLS 1.0/1.1 PRF = P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed), S1 and S2 the two
 * halves of the secret (sharing the middle byte when its length is odd).
 */
export function tls10Prf(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const half = Math.ceil(secret.length / 2);
  const labelSeed = concat(Buffer.from(label, 'latin1'), seed);
  const md5 = pHash('md5', secret.subarray(0, half), labelSeed, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), labelSeed, length);
  for (let i = 0; i < length; i++) md5[i]! ^= sha1[i]!;
  return md5;
}

/** The PRF a connection uses: by version, and for TLS 1.2 by the suite's PRF hash. */
export function versionPrf(version: number, prfHash: HashName, secret: Uint8Array, label: string,
  seed: Uint8Array, length: number): Uint8Array {
  return version >= TLS12
    ? tls12Prf(prfHash, secret, label, seed, length)
    : tls10Prf(secret, label, seed, length);
}

/** Lengths of one side's key block parts for a suite and version. */
export function keyBlockLayout(params: Tls12SuiteParams, version: number):
  { macLength: number; keyLength: number; ivLength: number } {
  if (params.kind === 'aead') return { macLength: 0, keyLength: params.keyLength, ivLength: params.fixedIvLength };
  // CBC: TLS 1.0 takes the first record's IV from the key block; TLS 1.1+ sends it per record.
  return { macLength: params.macLength, keyLength: params.keyLength, ivLength: version <= TLS10 ? params.blockLength : 0 };
}

/** One direction's keys. */
export interface Tls12DirectionKeys {
  macKey: Secret;
  key: Secret;
  iv: Secret;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), split into
 * client/server MAC keys, keys and IVs (RFC 5246 §6.3). Prints redacted.
 */
export class Tls12KeyBlock {
  readonly client: Tls12DirectionKeys;
  readonly server: Tls12DirectionKeys;

  constructor(client: Tls12DirectionKeys, server: Tls12DirectionKeys) {
    this.client = client;
    this.server = server;
  }

  static derive(masterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array,
    params: Tls12SuiteParams, version: number): Tls12KeyBlock {
    if (masterSecret.length !== 48) throw new RangeError(`master secret is ${masterSecret.length} bytes, expected 48`);
    if (clientRandom.length !== 32 || serverRandom.length !== 32) {
      throw new RangeError(`randoms are ${clientRandom.length} and ${serverRandom.length} bytes, expected 32`);
    }
    const { macLength, keyLength, ivLength } = keyBlockLayout(params, version);
    const total = 2 * (macLength + keyLength + ivLength);
    const block = versionPrf(version, params.prfHash, masterSecret, 'key expansion',
      concat(serverRandom, clientRandom), total);
    let off = 0;
    const take = (n: number): Secret => {
      const s = new Secret(block.slice(off, off + n));
      off += n;
      return s;
    };
    const clientMac = take(macLength);
    const serverMac = take(macLength);
    const clientKey = take(keyLength);
    const serverKey = take(keyLength);
    const clientIv = take(ivLength);
    const serverIv = take(ivLength);
    block.fill(0);
    return new Tls12KeyBlock({ macKey: clientMac, key: clientKey, iv: clientIv },
      { macKey: serverMac, key: serverKey, iv: serverIv });
  }

  toJSON(): object {
    const side = (k: Tls12DirectionKeys): object => ({ macKey: k.macKey.toString(), key: k.key.toString(), iv: k.iv.toString() });
    return { client: side(this.client), server: side(this.server) };
  }

  [inspect.custom](): string {
    return 'Tls12KeyBlock [redacted]';
  }
}
