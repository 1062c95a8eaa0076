/**
 * Choosing and opening the live capture engine: `cap` (in-process libpcap binding, needs nothing
 * else), `dumpcap` or `tcpdump` (external capture process writing to a pipe, see external.ts).
 * `auto` follows the measurements in test/live/SOAK.md ("Capture engines"): dumpcap, then tcpdump,
 * when installed; cap otherwise.
 */
import { findProgram, openExternalCapture } from './external.js';
import { openLiveCapture, type LiveCaptureSource } from './live.js';
import { CaptureError } from './types.js';

export type CaptureEngine = 'cap' | 'dumpcap' | 'tcpdump';
export const CAPTURE_ENGINES = ['auto', 'cap', 'dumpcap', 'tcpdump'] as const;
export type CaptureEngineChoice = (typeof CAPTURE_ENGINES)[number];

/** Order `auto` tries, best first (by the measurements in test/live/SOAK.md). */
export const AUTO_ORDER: readonly CaptureEngine[] = ['dumpcap', 'tcpdump', 'cap'];

export interface EngineCaptureOptions {
  engine: CaptureEngineChoice;
  iface: string;
  filter: string;
  snaplen: number;
  /** Kernel capture buffer in bytes (default 32 MiB). */
  bufferSize?: number;
}

/** The engine `auto` resolves to on this machine (dumpcap/tcpdump when installed, else cap). */
export function resolveEngine(choice: CaptureEngineChoice, installed: (name: string) => boolean = (n) => findProgram(n) !== null): CaptureEngine {
  if (choice !== 'auto') return choice;
  return AUTO_ORDER.find((e) => e === 'cap' || installed(e)) ?? 'cap';
}

export async function openEngineCapture(o: EngineCaptureOptions): Promise<LiveCaptureSource> {
  const engine = resolveEngine(o.engine);
  const bufferSize = o.bufferSize ?? 32 * 1024 * 1024;
  if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new CaptureError(`invalid buffer size ${bufferSize}`);
  if (engine === 'cap') return openLiveCapture({ iface: o.iface, filter: o.filter, snaplen: o.snaplen, bufferSize });
  return openExternalCapture({ engine, iface: o.iface, filter: o.filter, snaplen: o.snaplen, bufferSize });
}
