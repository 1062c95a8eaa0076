/**
 * Live capture through an external capture process — Wireshark's dumpcap (pcapng) or tcpdump
 * (pcap, nanosecond) — writing to a pipe that the ordinary streaming readers (pcapng.ts, pcap.ts)
 * read: the split Wireshark and termshark use. The capture process owns a large kernel ring (-B),
 * stamps packets in the kernel, and reports its drops: dumpcap in the Interface Statistics Block it
 * writes when it stops (isb_ifdrop = libpcap's ps_drop plus its own) and in its stderr summary
 * ("ps_ifdrop:N"); tcpdump in its stderr summary ("N packets dropped by kernel"), which SIGUSR1
 * makes it print while running.
 *
 * Back-pressure: when analysis falls behind, the pipe (64 KiB) and node's stream buffer fill, the
 * capture process blocks on write and packets wait in its kernel ring (-B); when that is full the
 * kernel drops them and counts them. Nothing queues without bound in this process.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import { openCaptureStream } from './open.js';
import type { LiveCaptureSource, LiveStats } from './live.js';
import { CaptureError, LinkType, type CaptureSummary, type InterfaceStatistics, type PacketSink, type PacketSource } from './types.js';

export type ExternalEngine = 'dumpcap' | 'tcpdump';

export interface ExternalCaptureOptions {
  engine: ExternalEngine;
  iface: string;
  filter: string;
  /** Bytes kept per packet (both engines accept at most 262144). */
  snaplen: number;
  /** Kernel capture buffer in bytes (rounded up to MiB for dumpcap, KiB for tcpdump). */
  bufferSize: number;
  /** Path of the program (default: found in PATH, /usr/sbin, /sbin). */
  program?: string;
  /** How often tcpdump is asked (SIGUSR1) for its counters, ms (default 1000; 0 = never). */
  statsEveryMs?: number;
}

const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];
/** stderr kept from the capture process (its summary and errors are short). */
const STDERR_KEEP = 16 * 1024;
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;

/** The program's path, or null when it is not installed (PATH plus the sbin directories). */
export function findProgram(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of [...path.split(delimiter).filter(Boolean), ...EXTRA_DIRS]) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** DLT names `-L` prints, to LINKTYPE_* values. */
const DLT_NAMES: Record<string, number> = {
  EN10MB: LinkType.ETHERNET, NULL: LinkType.NULL, RAW: LinkType.RAW, LOOP: LinkType.LOOP,
  LINUX_SLL: LinkType.LINUX_SLL, LINUX_SLL2: LinkType.LINUX_SLL2, IPV4: LinkType.IPV4, IPV6: LinkType.IPV6,
};

/** One-line error for what a capture program printed when it failed. */
export function classifyFailure(engine: ExternalEngine, iface: string, filter: string, text: string): CaptureError {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !/^Running as user|^Capturing on|^tcpdump: listening/.test(l)) ?? 'exited without a message';
  if (/permission|not permitted|EPERM|EACCES/i.test(text)) {
    return new CaptureError(`permission denied capturing on ${iface} with ${engine}: run as root or give ${engine} cap_net_raw,cap_net_admin (or use --capture-engine cap)`);
  }
  if (/no such device|doesn't exist|no device named|not found on this system/i.test(text)) return new CaptureError(`no such interface: ${iface}`);
  if (/filter|syntax error|parse|unknown (port|host)/i.test(text)) {
    // dumpcap: libpcap's message is in "That string isn't a valid capture filter (…)."
    const why = /valid capture filter \((.+)\)\.?\s*$/m.exec(text)?.[1] ?? line.replace(/^(tcpdump|dumpcap): /, '');
    return new CaptureError(`invalid capture filter "${filter}": ${why}`);
  }
  return new CaptureError(`cannot capture on ${iface} with ${engine}: ${line}`);
}

function runSync(program: string, args: string[]) {
  const r = spawnSync(program, args, { encoding: 'utf8', timeout: START_TIMEOUT_MS });
  if (r.error) throw new CaptureError(`cannot run ${program}: ${r.error.message.split('\n')[0]}`);
  return { status: r.status, out: r.stdout ?? '', text: `${r.stdout ?? ''}\n${r.stderr ?? ''}` };
}

/** The interface names `ENGINE -D` lists ("1. eth0", "3. lo (Loopback)"). */
function interfaceNames(program: string): string[] {
  try {
    return [...runSync(program, ['-D']).out.matchAll(/^\d+\.\s*(\S+)/gm)].map((m) => m[1]!);
  } catch {
    return [];
  }
}

/**
 * Checks interface, permission and filter before capturing (`-d` compiles the filter on the opened
 * interface: dumpcap exits 0 even for a bad filter, so success is the BPF listing), then reads the
 * interface's link type from `-L`. Throws a one-line CaptureError.
 */
function preflight(engine: ExternalEngine, program: string, iface: string, filter: string): number {
  const d = runSync(program, engine === 'dumpcap' ? ['-i', iface, '-f', filter, '-d'] : ['-i', iface, '-d', filter]);
  if (d.status !== 0 || !/^\(000\)/m.test(d.out)) {
    const err = classifyFailure(engine, iface, filter, d.text);
    if (err.message.startsWith('no such interface')) {
      const names = interfaceNames(program);
      if (names.length > 0) throw new CaptureError(`${err.message} (available: ${names.join(", ")})`);
    }
    throw err;
  }
  const l = runSync(program, ['-i', iface, '-L']);
  if (l.status !== 0) throw classifyFailure(engine, iface, filter, l.text);
  const m = /use option -y to set\):\s*\n\s+(\S+)/.exec(l.text);
  const lt = m ? DLT_NAMES[m[1]!] : undefined;
  if (lt === undefined) throw new CaptureError(`cannot capture on ${iface}: unsupported link type ${m?.[1] ?? '(none listed)'}`);
  return lt;
}

/** Counters from the capture program's stderr (the last value of each wins). */
export function parseStderrStats(text: string): { kernelDrops: number | null; interfaceDrops: number | null } {
  const last = (re: RegExp): number | null => {
    let v: number | null = null;
    for (const m of text.matchAll(re)) v = Number(m[1]);
    return v;
  };
  const kernel = last(/(\d+) packets? dropped by kernel/g);
  const ifdrop = last(/(\d+) packets? dropped by interface/g) ?? last(/ps_ifdrop:(\d+)/g);
  // tcpdump prints the interface line only when the count is not zero
  return { kernelDrops: kernel, interfaceDrops: ifdrop ?? (kernel !== null ? 0 : null) };
}

type Proc = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Starts the capture program and waits until it captures ("Capturing on" / "listening on");
 * throws a one-line CaptureError when the program is missing or refuses (permission, interface,
 * filter). Packets are captured from then on and wait in the pipe and kernel ring until run().
 */
export async function openExternalCapture(o: ExternalCaptureOptions): Promise<LiveCaptureSource> {
  const program = o.program ?? findProgram(o.engine);
  if (program === null) {
    const pkg = o.engine === 'dumpcap' ? 'wireshark-common' : 'tcpdump';
    throw new CaptureError(`capture engine ${o.engine} is not installed: apt-get install ${pkg}, or use --capture-engine cap`);
  }
  const linkType = preflight(o.engine, program, o.iface, o.filter);
  const snap = String(Math.min(o.snaplen, 262_144));
  const args =
    o.engine === 'dumpcap'
      ? ['-i', o.iface, '-f', o.filter, '-s', snap, '-B', String(Math.max(1, Math.ceil(o.bufferSize / (1 << 20)))), '-w', '-']
      : ['-i', o.iface, '--immediate-mode', '-U', '-n', '-B', String(Math.max(1, Math.ceil(o.bufferSize / 1024))), '-s', snap,
          '--time-stamp-precision', 'nano', '-w', '-', o.filter];
  const proc: Proc = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const src = new ExternalSource(o, proc, linkType);
  await src.started();
  return src;
}

class ExternalSource implements LiveCaptureSource {
  readonly kind = 'live' as const;
  readonly iface: string;
  private stderr = '';
  private exited = false;
  private exitInfo = '';
  private stopRequested = false;
  private received = 0;
  private truncated = 0;
  /** Latest ISB counters per interface id (cumulative, so the last block counts). */
  private readonly isb = new Map<number, InterfaceStatistics>();
  private statsTimer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private inner: PacketSource | null = null;
  private readonly exitPromise: Promise<void>;

  constructor(
    private readonly o: ExternalCaptureOptions,
    private readonly proc: Proc,
    readonly linkType: number,
  ) {
    this.iface = o.iface;
    proc.stderr.setEncoding('utf8').on('data', (s: string) => {
      this.stderr += s;
      if (this.stderr.length > 2 * STDERR_KEEP) this.stderr = this.stderr.slice(-STDERR_KEEP);
    });
    this.exitPromise = new Promise((resolve) => {
      proc.on('error', (err) => {
        this.exitInfo = err.message;
        this.exited = true;
        resolve();
      });
      proc.on('exit', (code, signal) => {
        this.exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
        this.exited = true;
        this.clearTimers();
        resolve();
      });
    });
  }

  /** Resolves when the program captures; rejects (one line) when it exits or hangs first. */
  async started(): Promise<void> {
    // dumpcap prints "Capturing on" before it opens the interface; "File: -" comes once the
    // capture and its output are open. tcpdump prints "listening on" after activating the filter.
    const ready = this.o.engine === 'dumpcap' ? /^File: /m : /listening on/;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!ready.test(this.stderr)) {
      if (this.exited) {
        // 'exit' can come before the last of stderr: let it drain (bounded) for the message
        await new Promise((r) => {
          const t = setTimeout(r, 500);
          this.proc.stderr.once('close', () => (clearTimeout(t), r(undefined)));
        });
        throw classifyFailure(this.o.engine, this.o.iface, this.o.filter, `${this.stderr}\n${this.exitInfo}`);
      }
      if (Date.now() > deadline) {
        this.proc.kill('SIGKILL');
        throw new CaptureError(`${this.o.engine} did not start capturing on ${this.o.iface} within ${START_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const every = this.o.statsEveryMs ?? 1000;
    if (this.o.engine === 'tcpdump' && every > 0) {
      this.statsTimer = setInterval(() => {
        if (!this.exited) this.proc.kill('SIGUSR1');
      }, every);
      this.statsTimer.unref();
    }
  }

  async run(sink: PacketSink): Promise<CaptureSummary> {
    if (this.inner !== null) throw new Error('PacketSource.run() may only be called once');
    const name = `${this.o.engine} on ${this.o.iface}`;
    let inner: PacketSource;
    try {
      inner = await openCaptureStream(this.proc.stdout, name, { ownsStream: true });
    } catch (err) {
      await this.exitPromise;
      if (this.stopRequested) return this.summaryOf(null);
      throw err instanceof CaptureError && this.stderr.trim() !== '' ? classifyFailure(this.o.engine, this.o.iface, this.o.filter, this.stderr) : err;
    }
    this.inner = inner;
    const s = await inner.run({
      packet: (p) => {
        this.received++;
        if (p.originalLength > p.data.length) this.truncated++;
        sink.packet(p);
      },
      secrets: (x) => sink.secrets(x),
      warning: (w) => sink.warning(w),
      interfaceStats: (st) => this.isb.set(st.interfaceId, st),
    });
    await this.exitPromise;
    if (!this.stopRequested) {
      sink.warning({ code: 'capture-engine-stopped', message: `${this.o.engine} stopped capturing (${this.exitInfo}): ${this.stderr.trim().split('\n').pop() ?? ''}` });
    }
    return this.summaryOf(s);
  }

  private summaryOf(s: CaptureSummary | null): CaptureSummary {
    return {
      kind: 'live',
      packets: s?.packets ?? 0,
      linkTypes: s?.linkTypes ?? [this.linkType],
      bytes: s?.bytes ?? 0,
      gzip: false,
      truncatedPackets: s?.truncatedPackets ?? 0,
    };
  }

  stop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.clearTimers();
    if (this.exited) return;
    // SIGINT: the program writes its statistics (ISB / stderr summary) and exits; the reader
    // drains the pipe to its end
    this.proc.kill('SIGINT');
    this.killTimer = setTimeout(() => {
      if (!this.exited) this.proc.kill('SIGKILL');
    }, STOP_GRACE_MS);
    this.killTimer.unref();
  }

  private clearTimers(): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    if (this.exited && this.killTimer) clearTimeout(this.killTimer);
  }

  stats(): LiveStats {
    const fromErr = parseStderrStats(this.stderr);
    let kernel: number | null = null;
    for (const st of this.isb.values()) {
      if (st.ifDrop !== null || st.osDrop !== null) kernel = (kernel ?? 0) + (st.ifDrop ?? 0) + (st.osDrop ?? 0);
    }
    kernel ??= fromErr.kernelDrops;
    return {
      engine: this.o.engine,
      received: this.received,
      truncated: this.truncated,
      droppedBeforeRun: 0,
      dropped: kernel,
      kernelDrops: kernel,
      interfaceDrops: fromErr.interfaceDrops,
    };
  }
}
