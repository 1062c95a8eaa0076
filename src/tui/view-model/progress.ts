/**
 * Loading progress: an estimate of how far into the file the pipeline is, and the header text
 * ("[######----]  45%  123,456 packets"). The pipeline reports captured bytes, not file offsets,
 * so the fraction adds the per-record overhead of the format and is capped below 100 % until done.
 */
import { thousands } from './text.js';

export interface ProgressInfo {
  packets: number;
  /** Captured packet bytes so far. */
  bytes: number;
  /** Size of the capture file (undefined: stdin, gzip, live). */
  fileSize?: number;
  /** Bytes of format overhead per packet record (pcap 16, pcapng ~32). */
  perPacketOverhead?: number;
  done?: boolean;
}

/** 0..1, or undefined when the total is unknown. */
export function progressFraction(p: ProgressInfo): number | undefined {
  if (p.done) return 1;
  if (!p.fileSize || p.fileSize <= 0) return undefined;
  const read = p.bytes + p.packets * (p.perPacketOverhead ?? 16) + 24;
  return Math.min(0.99, Math.max(0, read / p.fileSize));
}

const SPINNER = ['|', '/', '-', '\\'];

/** "[#####-----]  50%  1,234 packets" (or a spinner when the total is unknown). */
export function progressText(p: ProgressInfo, barWidth: number, tick = 0): string {
  const f = progressFraction(p);
  const packets = `${thousands(p.packets)} packets`;
  if (p.done) return `done, ${packets}`;
  if (f === undefined) return `${SPINNER[tick % SPINNER.length]} reading, ${packets}`;
  const w = Math.max(4, barWidth);
  const filled = Math.round(f * w);
  return `[${'#'.repeat(filled)}${'-'.repeat(w - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${packets}`;
}
