/**
 * Byte input for capture files: a file, stdin or any readable stream, optionally gzip-compressed,
 * read as a stream of chunks (never the whole file at once), with a peek at the first bytes so the
 * format can be detected by magic number.
 */
import { open as openFile } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureError } from './types.js';

/** Default read size: large chunks keep per-chunk overhead (and the yields between them) small. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;

/** A sequence of chunks from the (decompressed) input. */
export interface ByteInput {
  /** Name for messages: the path, or "stdin". */
  readonly name: string;
  /** True when the input was gzip-compressed (bytes are counted after decompression). */
  readonly gzip: boolean;
  /** Next chunk, or null at the end. Rejects on a read or decompression error. */
  next(): Promise<Buffer | null>;
  /** Stop reading and release the file (idempotent). */
  close(): void;
}

type ChunkIterator = AsyncIterator<unknown>;

/** Chunks from a readable stream, with a push-back list for peeked bytes. */
class StreamInput implements ByteInput {
  private readonly pending: Buffer[] = [];
  private readonly iterator: ChunkIterator;
  private closed = false;

  constructor(
    readonly name: string,
    readonly gzip: boolean,
    private readonly stream: Readable,
    private readonly ownsStream: boolean,
  ) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  async next(): Promise<Buffer | null> {
    const queued = this.pending.shift();
    if (queued !== undefined) return queued;
    if (this.closed) return null;
    for (;;) {
      const r = await this.iterator.next();
      if (r.done === true) return null;
      const v = r.value;
      if (Buffer.isBuffer(v)) {
        if (v.length > 0) return v;
      } else if (v instanceof Uint8Array) {
        if (v.length > 0) return Buffer.from(v.buffer, v.byteOffset, v.length);
      } else if (typeof v === 'string') {
        // A stream in text mode would corrupt binary data: refuse rather than guess.
        throw new Error('input stream delivers text, not bytes');
      }
    }
  }

  /** Reads until at least `n` bytes are buffered or the input ends; returns them joined (copy). */
  async peek(n: number): Promise<Buffer> {
    const got: Buffer[] = [];
    let total = 0;
    while (total < n) {
      const c = await this.next();
      if (c === null) break;
      got.push(c);
      total += c.length;
    }
    this.pending.unshift(...got);
    return Buffer.concat(got, Math.min(n, total));
  }

  /** Hands the rest of the input (pending chunks first) to another consumer as a stream. */
  remainderAsStream(): Readable {
    const self = this;
    async function* gen(): AsyncGenerator<Buffer> {
      for (;;) {
        const c = await self.next();
        if (c === null) return;
        yield c;
      }
    }
    return Readable.from(gen(), { objectMode: false, highWaterMark: DEFAULT_CHUNK_SIZE });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    if (this.ownsStream) this.stream.destroy();
    else this.stream.pause();
  }
}

/** Magic numbers, as read big-endian from the first four bytes. */
export const Magic = {
  PCAP_US_BE: 0xa1b2c3d4,
  PCAP_US_LE: 0xd4c3b2a1,
  PCAP_NS_BE: 0xa1b23c4d,
  PCAP_NS_LE: 0x4d3cb2a1,
  PCAP_MODIFIED_BE: 0xa1b2cd34,
  PCAP_MODIFIED_LE: 0x34cdb2a1,
  PCAPNG: 0x0a0d0d0a,
} as const;

export type CaptureFormat =
  | { format: 'pcap'; littleEndian: boolean; nanosecond: boolean }
  | { format: 'pcapng' };

/** Decides the format from the first bytes (at least 4; 12 lets pcapng be checked further). */
export function detectFormat(head: Uint8Array): CaptureFormat | 'modified-pcap' | null {
  if (head.length < 4) return null;
  const m = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  switch (m) {
    case Magic.PCAP_US_BE: return { format: 'pcap', littleEndian: false, nanosecond: false };
    case Magic.PCAP_US_LE: return { format: 'pcap', littleEndian: true, nanosecond: false };
    case Magic.PCAP_NS_BE: return { format: 'pcap', littleEndian: false, nanosecond: true };
    case Magic.PCAP_NS_LE: return { format: 'pcap', littleEndian: true, nanosecond: true };
    case Magic.PCAP_MODIFIED_BE:
    case Magic.PCAP_MODIFIED_LE: return 'modified-pcap';
    case Magic.PCAPNG: {
      if (head.length < 12) return { format: 'pcapng' };
      const bom = ((head[8]! << 24) | (head[9]! << 16) | (head[10]! << 8) | head[11]!) >>> 0;
      return bom === 0x1a2b3c4d || bom === 0x4d3c2b1a ? { format: 'pcapng' } : null;
    }
    default: return null;
  }
}

function errnoOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

function messageOf(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return raw.split('\n')[0] ?? raw;
}

/** Maps an fs error to a one-line CaptureError. */
export function openError(path: string, err: unknown): CaptureError {
  switch (errnoOf(err)) {
    case 'ENOENT': return new CaptureError(`cannot open ${path}: no such file`);
    case 'EACCES':
    case 'EPERM': return new CaptureError(`cannot open ${path}: permission denied`);
    case 'EISDIR': return new CaptureError(`cannot open ${path}: is a directory`);
    case 'ENOTDIR': return new CaptureError(`cannot open ${path}: a parent of it is not a directory`);
    default: return new CaptureError(`cannot open ${path}: ${messageOf(err)}`);
  }
}

/** An opened input whose format is known. */
export interface DetectedInput {
  input: ByteInput;
  format: CaptureFormat;
}

/** Opens a file path for streaming; rejects with CaptureError when it cannot be read. */
export async function openFileStream(path: string, chunkSize: number): Promise<Readable> {
  let handle;
  try {
    handle = await openFile(path, 'r');
  } catch (err) {
    throw openError(path, err);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw openError(path, err);
  }
  return handle.createReadStream({ highWaterMark: chunkSize });
}

async function peekOrFail(input: StreamInput, n: number, what: string): Promise<Buffer> {
  try {
    return await input.peek(n);
  } catch (err) {
    throw new CaptureError(`cannot ${what} ${input.name}: ${messageOf(err)}`);
  }
}

/**
 * Wraps a stream, decompresses gzip when the first bytes say so, and detects the capture format.
 * Rejects with CaptureError for empty input, unreadable input and anything not pcap/pcapng.
 */
export async function detectInput(
  stream: Readable,
  name: string,
  ownsStream: boolean,
  chunkSize: number,
): Promise<DetectedInput> {
  let input = new StreamInput(name, false, stream, ownsStream);
  try {
    let head = await peekOrFail(input, 12, 'read');
    if (head.length === 0) throw new CaptureError(`cannot open ${name}: empty file`);
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      const gunzip = createGunzip({ chunkSize: Math.max(64, chunkSize) });
      const raw = input;
      pipeline(raw.remainderAsStream(), gunzip, () => raw.close());
      input = new StreamInput(name, true, gunzip, true);
      head = await peekOrFail(input, 12, 'decompress');
      if (head.length === 0) throw new CaptureError(`cannot open ${name}: empty file (after gzip decompression)`);
    }
    const format = detectFormat(head);
    if (format === 'modified-pcap') {
      throw new CaptureError(`unsupported capture format (modified/Kuznetzov pcap): ${name}`);
    }
    if (format === null) throw new CaptureError(`not a pcap/pcapng file: ${name}`);
    return { input, format };
  } catch (err) {
    input.close();
    throw err;
  }
}
