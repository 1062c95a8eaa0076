/**
 * Live capture through the optional libpcap binding "cap".
 *
 * What cap 0.2.1 gives and what it does not (see node_modules/cap/src/binding.cc):
 * - it copies each packet into ONE caller-supplied buffer, reused for the next packet, and emits
 *   ('packet', capturedLength, truncatedByBuffer): packets are copied out here into a slab;
 * - libpcap's snaplen is fixed at 65535 and neither the kernel timestamp nor the wire length is
 *   passed on: timestamps are taken when the packet reaches JavaScript (immediate mode is on), and
 *   the user's snaplen is applied here, so originalLength is exact up to 65535 bytes;
 * - there is no pcap_stats: stats() reports what this side counts, `dropped` is null;
 * - a Cap whose open() failed must never be closed or garbage-collected (its destructor aborts the
 *   process in uv_poll_stop): such handles are kept referenced for the life of the process.
 */
import { listInterfaces, loadCap, type CapHandle, type CapModule } from './cap-binding.js';
import { CaptureError, LinkType, type CaptureSummary, type Packet, type PacketSink, type PacketSource } from './types.js';

/** libpcap snaplen that cap hard-codes. */
export const CAP_SNAPLEN = 65535;
/** Packets kept while nobody has called run() yet; more are counted as dropped. */
const PENDING_MAX = 10_000;
const SLAB_SIZE = 1 << 20;

export interface LiveCaptureOptions {
  iface: string;
  /** BPF filter (pcap-filter syntax); default "tcp". */
  filter?: string;
  /** Bytes kept per packet (default 262144; cap itself never captures more than 65535). */
  snaplen?: number;
  /** Kernel capture buffer size in bytes (default 32 MiB). */
  bufferSize?: number;
  /** The binding to use (default: load "cap"); for tests and embedding. */
  cap?: CapModule;
}

export interface LiveStats {
  /** The capture engine: cap (in-process libpcap), dumpcap or tcpdump. */
  engine: 'cap' | 'dumpcap' | 'tcpdump';
  /** Packets handed over by libpcap. */
  received: number;
  /** Packets cut to the snaplen. */
  truncated: number;
  /** Packets lost because run() had not been called yet and the queue was full. */
  droppedBeforeRun: number;
  /** Kernel/libpcap drops (= kernelDrops; kept for older callers). */
  dropped: number | null;
  /** Packets the kernel capture ring dropped (libpcap ps_drop); null: the engine cannot tell (cap). */
  kernelDrops: number | null;
  /** Packets the interface/driver dropped (libpcap ps_ifdrop); null: unknown. */
  interfaceDrops: number | null;
}

export interface LiveCaptureSource extends PacketSource {
  readonly kind: 'live';
  readonly iface: string;
  /** LINKTYPE_* of the interface. */
  readonly linkType: number;
  stats(): LiveStats;
}

/** Handles whose open() failed: see the module comment (never release them). */
const failedHandles: CapHandle[] = [];

export function permissionMessage(iface: string): string {
  return `permission denied capturing on ${iface}: run as root or setcap cap_net_raw,cap_net_admin+eip $(which node)`;
}

/** LINKTYPE_* for the link type name cap's open() returns (it names a DLT_* value). */
export function linkTypeFromCap(name: string): number | null {
  switch (name) {
    case 'NULL': return LinkType.NULL;
    case 'ETHERNET': return LinkType.ETHERNET;
    case 'IEEE802_11_RADIO': return 127;
    case 'LINKTYPE_LINUX_SLL': return LinkType.LINUX_SLL;
    case 'RAW': return LinkType.RAW;
  }
  const m = /^Unknown linktype (\d+)$/.exec(name);
  if (m === null) return null;
  const dlt = Number(m[1]);
  // The few DLT_* values that differ from their LINKTYPE_* (pcap-common.c in libpcap).
  if (dlt === 12 || dlt === 14) return LinkType.RAW;
  if (dlt === 11) return 100;
  if (dlt === 15) return 102;
  if (dlt === 16) return 103;
  return dlt;
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

function activationError(iface: string, err: unknown): CaptureError {
  const msg = messageOf(err);
  if (/permission|not permitted|EPERM|EACCES/i.test(msg)) return new CaptureError(permissionMessage(iface));
  if (/no such device/i.test(msg)) return new CaptureError(`no such interface: ${iface}`);
  return new CaptureError(`cannot capture on ${iface}: ${msg}`);
}

function positiveInt(name: string, v: number, max: number): number {
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new CaptureError(`invalid ${name} ${v}: expected an integer from 1 to ${max}`);
  }
  return v;
}

/**
 * Opens a live capture. Throws CaptureError (one line) when the binding is missing, the interface
 * does not exist, capturing is not permitted or the filter does not compile. Packets are captured
 * from now on and queued until run() is called.
 */
export function openLiveCapture(opts: LiveCaptureOptions): LiveCaptureSource {
  const cap = opts.cap ?? loadCap();
  const iface = opts.iface;
  const filter = opts.filter ?? 'tcp';
  const snaplen = positiveInt('snaplen', opts.snaplen ?? 262_144, 0x7fffffff);
  const bufferSize = positiveInt('buffer size', opts.bufferSize ?? 32 * 1024 * 1024, 0x7fffffff);
  const names = listInterfaces(cap).map((i) => i.name);
  if (!names.includes(iface)) {
    throw new CaptureError(`no such interface: ${iface} (available: ${names.join(', ')})`);
  }
  // Activate once without a filter: failures here are about the interface or permissions, so a
  // failure of the real open below can be blamed on the filter.
  const probe = new cap.Cap();
  try {
    probe.open(iface, '', bufferSize, Buffer.alloc(64));
  } catch (err) {
    failedHandles.push(probe);
    throw activationError(iface, err);
  }
  probe.close();
  // cap 0.2.1 crashes (SIGSEGV) when a closed handle is garbage-collected: keep it referenced
  failedHandles.push(probe);
  const handle = new cap.Cap();
  failedHandles.push(handle);
  const buffer = Buffer.alloc(CAP_SNAPLEN);
  let linkName: string;
  try {
    linkName = handle.open(iface, filter, bufferSize, buffer);
  } catch (err) {
    failedHandles.push(handle);
    const msg = messageOf(err);
    if (/permission|not permitted/i.test(msg)) throw new CaptureError(permissionMessage(iface));
    throw new CaptureError(`invalid capture filter "${filter}": ${msg}`);
  }
  const linkType = linkTypeFromCap(linkName);
  if (linkType === null) {
    handle.close();
    throw new CaptureError(`cannot capture on ${iface}: unsupported link type ${linkName}`);
  }
  return new LiveSource(handle, buffer, iface, linkType, snaplen);
}

/** Copies packets out of cap's shared buffer into large slabs; views are never overwritten. */
class Slab {
  private buf = Buffer.allocUnsafeSlow(SLAB_SIZE);
  private used = 0;

  copy(src: Buffer, n: number): Buffer {
    if (this.used + n > this.buf.length) {
      this.buf = Buffer.allocUnsafeSlow(Math.max(SLAB_SIZE, n));
      this.used = 0;
    }
    src.copy(this.buf, this.used, 0, n);
    const view = this.buf.subarray(this.used, this.used + n);
    this.used += (n + 7) & ~7;
    return view;
  }
}

interface QueuedPacket {
  data: Buffer;
  tsSec: number;
  tsNsec: number;
  originalLength: number;
}

class LiveSource implements LiveCaptureSource {
  readonly kind = 'live' as const;
  private sink: PacketSink | null = null;
  private readonly queue: QueuedPacket[] = [];
  private readonly slab = new Slab();
  private readonly packet: Packet;
  private frames = 0;
  private bytes = 0;
  private received = 0;
  private truncated = 0;
  private droppedBeforeRun = 0;
  private closed = false;
  private started = false;
  private finishRun: ((s: CaptureSummary) => void) | null = null;
  private readonly anchorSec: number;
  private readonly anchorNs: number;
  private readonly hr0: [number, number];

  constructor(
    private readonly handle: CapHandle,
    private readonly buffer: Buffer,
    readonly iface: string,
    readonly linkType: number,
    private readonly snaplen: number,
  ) {
    const now = Date.now();
    this.anchorSec = Math.floor(now / 1000);
    this.anchorNs = (now % 1000) * 1_000_000;
    this.hr0 = process.hrtime();
    this.packet = { frame: 0, tsSec: 0, tsNsec: 0, linkType, data: new Uint8Array(0), capturedLength: 0, originalLength: 0, interfaceId: 0 };
    handle.on('packet', (nbytes: number) => this.onPacket(nbytes));
  }

  private onPacket(nbytes: number): void {
    if (this.closed) return;
    this.received++;
    const kept = Math.min(nbytes, this.snaplen, this.buffer.length);
    if (kept < nbytes) this.truncated++;
    const d = process.hrtime(this.hr0);
    let ns = this.anchorNs + d[1];
    const sec = this.anchorSec + d[0] + Math.floor(ns / 1_000_000_000);
    ns %= 1_000_000_000;
    const data = this.slab.copy(this.buffer, kept);
    if (this.sink !== null) {
      this.deliver(this.sink, data, sec, ns, nbytes);
    } else if (this.queue.length < PENDING_MAX) {
      this.queue.push({ data, tsSec: sec, tsNsec: ns, originalLength: nbytes });
    } else {
      this.droppedBeforeRun++;
    }
  }

  private deliver(sink: PacketSink, data: Buffer, sec: number, ns: number, original: number): void {
    const p = this.packet;
    p.frame = ++this.frames;
    p.tsSec = sec;
    p.tsNsec = ns;
    p.data = data;
    p.capturedLength = data.length;
    p.originalLength = original;
    this.bytes += data.length;
    sink.packet(p);
  }

  run(sink: PacketSink): Promise<CaptureSummary> {
    if (this.started) return Promise.reject(new Error('PacketSource.run() may only be called once'));
    this.started = true;
    for (const q of this.queue.splice(0)) this.deliver(sink, q.data, q.tsSec, q.tsNsec, q.originalLength);
    if (this.droppedBeforeRun > 0) {
      sink.warning({ code: 'capture-packets-dropped', message: `${this.droppedBeforeRun} packets dropped on ${this.iface} before reading started` });
    }
    this.sink = sink;
    if (this.closed) return Promise.resolve(this.summary());
    return new Promise((resolve) => {
      this.finishRun = resolve;
    });
  }

  stop(): void {
    if (!this.closed) {
      this.closed = true;
      this.handle.close();
      this.handle.removeAllListeners('packet');
    }
    const finish = this.finishRun;
    this.finishRun = null;
    finish?.(this.summary());
  }

  stats(): LiveStats {
    return { engine: 'cap', received: this.received, truncated: this.truncated, droppedBeforeRun: this.droppedBeforeRun, dropped: null, kernelDrops: null, interfaceDrops: null };
  }

  private summary(): CaptureSummary {
    return {
      kind: 'live',
      packets: this.frames,
      linkTypes: [this.linkType],
      bytes: this.bytes,
      gzip: false,
      truncatedPackets: this.truncated,
    };
  }
}
