/**
 * Key material that must never reach a log, a report, an error message or a snapshot.
 *
 * `Secret` keeps its bytes in a private field and prints as `[secret: 32 bytes]` everywhere
 * (`JSON.stringify`, `console.log`/`util.inspect`, template strings). Code that really needs the
 * bytes calls `reveal()`; grep for it to audit every use.
 */
import { inspect } from 'node:util';

export class Secret {
  readonly #bytes: Uint8Array;

  /** Takes ownership of `bytes` (no copy): do not modify them afterwards. */
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** The raw bytes. Never print them. */
  reveal(): Uint8Array {
    return this.#bytes;
  }

  /** Same bytes (constant-time irrelevant: offline analysis). */
  equals(other: Secret): boolean {
    const a = this.#bytes;
    const b = other.#bytes;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  toJSON(): string {
    return this.toString();
  }

  toString(): string {
    return `[secret: ${this.#bytes.length} bytes]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Lower-case hex of a public value (client random, nonce): never call it on key material. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const SLAB_SIZE = 16 * 1024;
let slab = new Uint8Array(0);
let slabUsed = 0;

/**
 * Bytes of an even-length hex string already checked with HEX_RE, as a view into a slab owned by
 * this module (only decoded key material lives there, never written again): a key log of a long
 * live run holds hundreds of thousands of 32-48-byte values, and a separate ArrayBuffer each
 * would cost several times their size.
 */
export function fromHex(hex: string): Uint8Array {
  const n = hex.length >>> 1;
  if (n > SLAB_SIZE / 4) return new Uint8Array(Buffer.from(hex, 'hex'));
  if (slabUsed + n > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + n);
  Buffer.from(view.buffer, view.byteOffset, n).write(hex, 'hex');
  slabUsed += n;
  return view;
}

export const HEX_RE = /^[0-9a-fA-F]*$/;
