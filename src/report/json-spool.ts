/**
 * Finished connections of a `--format json` (or text) report, kept as their serialised text until
 * the report can be written (the report's `source` member comes first and is only known at the
 * end of the capture; text blocks come in id order before the summary), then handed out in
 * connection-id order.
 *
 * Memory stays flat however many connections there are: pieces are kept in memory up to
 * `memoryLimit` bytes, then everything is spilled to an unlinked temporary file (only an index of
 * id, offset and length per connection stays in memory). If no temporary file can be created the
 * pieces simply stay in memory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writevSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionModel } from '../analysis/model.js';

export const DEFAULT_SPOOL_MEMORY_LIMIT = 16 * 1024 * 1024;
/** Spilled pieces are written in batches of about this size (one writev each). */
const WRITE_BATCH = 1024 * 1024;

export interface SpoolOptions {
  /** Bytes of serialised connections kept in memory before spilling to a file (default 16 MiB). */
  memoryLimit?: number;
  /** Directory of the temporary file (default os.tmpdir()). */
  dir?: string;
  /** The text kept for a connection (JsonReport.connectionPiece, the text report's block ...);
   * default JSON.stringify of the model. */
  render?: (c: ConnectionModel) => string;
}

export class ConnectionJsonSpool {
  private readonly ids: number[] = [];
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  /** In-memory pieces (same index as ids) until spilled. */
  private held: Buffer[] | null = [];
  private heldBytes = 0;
  private fd = -1;
  /** Bytes in the file, and pieces waiting to be appended to it (one writev per batch). */
  private fileBytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private spillFailed = false;
  private readonly memoryLimit: number;
  private readonly dir: string;
  private readonly render: (c: ConnectionModel) => string;

  constructor(opts: SpoolOptions = {}) {
    this.memoryLimit = opts.memoryLimit ?? DEFAULT_SPOOL_MEMORY_LIMIT;
    this.dir = opts.dir ?? tmpdir();
    this.render = opts.render ?? ((c) => JSON.stringify(c));
  }

  get count(): number {
    return this.ids.length;
  }

  /** Whether pieces live in a temporary file. */
  get spilled(): boolean {
    return this.fd >= 0;
  }

  /** Renders `c` and keeps its text. */
  add(c: ConnectionModel): void {
    this.addPiece(c.id, Buffer.from(this.render(c)));
  }

  /** Keeps a piece rendered elsewhere (a --jobs worker's), as add() keeps its rendering. */
  addPiece(id: number, text: Buffer): void {
    this.ids.push(id);
    this.lengths.push(text.length);
    if (this.fd < 0 && this.held !== null) {
      this.held.push(text);
      this.offsets.push(0);
      this.heldBytes += text.length;
      if (this.heldBytes > this.memoryLimit && !this.spillFailed) this.spill();
      return;
    }
    this.offsets.push(this.fileBytes + this.pendingBytes);
    this.append(text);
  }

  /** Keeps `text` under `id` (a piece rendered elsewhere). */
  addText(id: number, text: string): void {
    this.addPiece(id, Buffer.from(text));
  }

  /** The pieces in ascending connection id (ties: order of arrival). Each is a fresh buffer. */
  *pieces(): Generator<Buffer> {
    const order = this.ids.map((_, i) => i);
    order.sort((a, b) => this.ids[a]! - this.ids[b]! || a - b);
    yield* this.piecesAt(order);
  }

  /** The pieces by index of arrival (0 = the first added), in the order given. */
  *piecesAt(order: Iterable<number>): Generator<Buffer> {
    if (this.fd >= 0) this.flushPending();
    for (const i of order) {
      if (this.held !== null) {
        yield this.held[i]!;
        continue;
      }
      const len = this.lengths[i]!;
      const buf = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const n = readSync(this.fd, buf, got, len - got, this.offsets[i]! + got);
        if (n <= 0) throw new Error(`json spool: temporary file ended at ${this.offsets[i]! + got} of ${this.fileBytes} bytes`);
        got += n;
      }
      yield buf;
    }
  }

  /** Releases the temporary file and the pieces. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.held = [];
    this.heldBytes = 0;
    this.ids.length = 0;
    this.offsets.length = 0;
    this.lengths.length = 0;
  }

  private spill(): void {
    let fd: number;
    try {
      const dir = mkdtempSync(join(this.dir, 'tls-inspect-json-'));
      const path = join(dir, 'connections.json');
      fd = openSync(path, 'w+', 0o600);
      // unlinked at once: nothing is left behind, whatever happens to this process
      unlinkSync(path);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      this.spillFailed = true;
      return;
    }
    this.fd = fd;
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (let i = 0; i < held.length; i++) {
      this.offsets[i] = this.fileBytes + this.pendingBytes;
      this.append(held[i]!);
    }
  }

  private append(b: Buffer): void {
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= WRITE_BATCH) this.flushPending();
  }

  private flushPending(): void {
    let bufs = this.pending;
    this.pending = [];
    const total = this.pendingBytes;
    this.pendingBytes = 0;
    let done = 0;
    try {
      while (done < total) {
        const n = writevSync(this.fd, bufs, this.fileBytes + done);
        done += n;
        if (done < total) bufs = unwritten(bufs, n);
      }
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
      // a code makes the CLI print it as one line about the file system, not as an internal error
      throw Object.assign(new Error(`cannot write the temporary file of the JSON report in ${this.dir} (${msg}); free space there or set TMPDIR`), { code });
    }
    this.fileBytes += total;
  }
}

/** What is left of `bufs` after the first `n` bytes were written. */
export function unwritten(bufs: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < bufs.length && n >= bufs[i]!.length) n -= bufs[i++]!.length;
  const rest = bufs.slice(i);
  if (rest.length > 0 && n > 0) rest[0] = rest[0]!.subarray(n);
  return rest;
}
