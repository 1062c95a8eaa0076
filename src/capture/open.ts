/**
 * Opening capture files: `openCaptureFile(path | '-')` detects pcap / pcapng / gzip by magic number
 * (never by name) and returns the matching CaptureFileSource.
 */
import type { Readable } from 'node:stream';
import { DEFAULT_CHUNK_SIZE, detectInput, openFileStream } from './input.js';
import { PcapSource } from './pcap.js';
import { PcapngSource } from './pcapng.js';
import { CaptureError, type CaptureFileSource } from './types.js';

export interface OpenCaptureOptions {
  /** Read size in bytes (default 1 MiB). */
  chunkSize?: number;
  /** The stream read for path '-' (default process.stdin). */
  stdin?: Readable;
}

/**
 * Opens a capture file, or stdin for '-'. Rejects with a CaptureError (one line) when the input
 * cannot be opened, is empty, or is not a pcap/pcapng file (gzip-compressed or not).
 */
export async function openCaptureFile(path: string, opts: OpenCaptureOptions = {}): Promise<CaptureFileSource> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (path === '-') {
    if (opts.stdin === undefined && process.stdin.isTTY === true) {
      throw new CaptureError('stdin is a terminal: pipe a capture in, e.g. tcpdump -w - | tls-inspect file -');
    }
    return openCaptureStream(opts.stdin ?? process.stdin, 'stdin', { chunkSize, ownsStream: false });
  }
  const stream = await openFileStream(path, chunkSize);
  return openCaptureStream(stream, path, { chunkSize, ownsStream: true, path });
}

export interface OpenStreamOptions {
  chunkSize?: number;
  /** Destroy the stream when reading ends (true for files we opened; false for stdin). */
  ownsStream?: boolean;
  /** Reported as CaptureSummary.path. */
  path?: string;
}

/** Like openCaptureFile, for an already open byte stream; `name` is used in messages. */
export async function openCaptureStream(
  stream: Readable,
  name: string,
  opts: OpenStreamOptions = {},
): Promise<CaptureFileSource> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const { input, format } = await detectInput(stream, name, opts.ownsStream ?? true, chunkSize);
  if (format.format === 'pcapng') return new PcapngSource(input, opts.path);
  return new PcapSource(input, opts.path, format.nanosecond);
}
