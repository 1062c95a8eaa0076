/**
 * HKDF (RFC 5869) built on HMAC, and the TLS 1.3 wrappers HKDF-Expand-Label and Derive-Secret
 * (RFC 8446 §7.1).
 */
import { createHash, createHmac } from 'node:crypto';
import { hashLength, type HashName } from './suites.js';

export function hmac(hash: string, key: Uint8Array, ...data: Uint8Array[]): Buffer {
  const h = createHmac(hash, key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** HKDF-Extract(salt, IKM). An absent or empty salt is Hash.length zero bytes (RFC 5869 §2.2). */
export function hkdfExtract(hash: HashName, salt: Uint8Array | undefined, ikm: Uint8Array): Uint8Array {
  const s = salt && salt.length > 0 ? salt : new Uint8Array(hashLength(hash));
  return hmac(hash, s, ikm);
}

const BLOCK_ONE = new Uint8Array([1]);

/** HKDF-Expand(PRK, info, L); throws RangeError when L > 255 * Hash.length (a caller bug). */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hl = hashLength(hash);
  if (!Number.isInteger(length) || length < 0 || length > 255 * hl) {
    throw new RangeError(`HKDF-Expand length ${length} outside 0..${255 * hl}`);
  }
  if (length > 0 && length <= hl) {
    // one block, T(1) = HMAC(PRK, info | 0x01): every TLS 1.3 key, IV and secret
    const t1 = hmac(hash, prk, info, BLOCK_ONE);
    return new Uint8Array(t1.buffer, t1.byteOffset, length);
  }
  const out = new Uint8Array(length);
  let prev: Uint8Array = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let off = 0, i = 1; off < length; i++) {
    counter[0] = i;
    prev = hmac(hash, prk, prev, info, counter);
    const n = Math.min(hl, length - off);
    out.set(prev.subarray(0, n), off);
    off += n;
  }
  return out;
}

const LABEL_PREFIX = 'tls13 ';

/** The HkdfLabel structure: uint16 length, opaque label<7..255> ("tls13 " + label), context<0..255>. */
export function hkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const full = Buffer.from(LABEL_PREFIX + label, 'latin1');
  if (full.length > 255 || context.length > 255 || length > 0xffff) {
    throw new RangeError(`HkdfLabel field too long (label ${full.length}, context ${context.length})`);
  }
  const out = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  out[0] = length >> 8;
  out[1] = length & 0xff;
  out[2] = full.length;
  out.set(full, 3);
  out[3 + full.length] = context.length;
  out.set(context, 4 + full.length);
  return out;
}

/** HkdfLabels with an empty context ("key", "iv", "finished", "traffic upd"), built once each. */
const emptyContextLabels = new Map<string, Uint8Array>();
const MAX_EMPTY_CONTEXT_LABELS = 64;

function hkdfLabelShared(label: string, context: Uint8Array, length: number): Uint8Array {
  if (context.length !== 0) return hkdfLabel(label, context, length);
  const key = `${length} ${label}`;
  let l = emptyContextLabels.get(key);
  if (l === undefined) {
    l = hkdfLabel(label, context, length);
    if (emptyContextLabels.size < MAX_EMPTY_CONTEXT_LABELS) emptyContextLabels.set(key, l);
  }
  return l;
}

/** HKDF-Expand-Label(Secret, Label, Context, Length). */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string,
  context: Uint8Array, length: number): Uint8Array {
  return hkdfExpand(hash, secret, hkdfLabelShared(label, context, length), length);
}

/** Transcript-Hash of the concatenated messages. */
export function transcriptHash(hash: HashName, ...messages: Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return h.digest();
}

/**
 * Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label,
 * Transcript-Hash(Messages), Hash.length). Takes the transcript hash itself, not the messages.
 */
export function deriveSecret(hash: HashName, secret: Uint8Array, label: string,
  transcriptHashValue: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHashValue, hashLength(hash));
}
