/**
 * Entry to the terminal UI for `file` on a terminal. The TUI opens at once and fills in while the
 * same Pipeline as the reports reads the capture (keeping message bytes for the hex pane); the
 * user can browse, and quit, while loading continues.
 */
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import type { PacketSource } from '../capture/types.js';
import { connectionKey, type ConnectionModel } from '../analysis/model.js';
import type { CertInfo } from '../tls/x509/index.js';
import type { KeyMaterial } from '../tls/keys.js';
import type { ReassemblyLimits } from '../tcp/types.js';
import type { Pipeline } from './pipeline.js';
import { TuiApp } from '../tui/index.js';
import type { ProgressInfo } from '../tui/index.js';

export interface TuiFileOptions {
  limits: Partial<ReassemblyLimits>;
  keys: KeyMaterial;
  all: boolean;
  trusted?: CertInfo[];
  maxMessage: number;
}

/** Packets between progress updates (a progress call is cheap; rendering is throttled). */
const PROGRESS_EVERY = 2000;

/** File size and per-record overhead for the progress estimate; none for stdin or gzip. */
function sizeInfo(path: string): Pick<ProgressInfo, 'fileSize' | 'perPacketOverhead'> {
  if (path === '-') return {};
  try {
    const head = Buffer.alloc(4);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, head, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
    if (head[0] === 0x1f && head[1] === 0x8b) return {}; // gzip: decompressed size unknown
    const pcapng = head.readUInt32BE(0) === 0x0a0d0d0a;
    return { fileSize: statSync(path).size, perPacketOverhead: pcapng ? 32 : 16 };
  } catch {
    return {};
  }
}

/** Draws the app now, lets the terminal output go out, then runs `load`. */
async function afterPaint<T>(app: TuiApp, load: () => Promise<T>): Promise<T> {
  app.render();
  await new Promise((resolve) => setImmediate(resolve));
  return load();
}

export async function runTuiForFile(
  source: PacketSource,
  path: string,
  o: TuiFileOptions,
  filter: (c: ConnectionModel) => boolean,
): Promise<number> {
  const size = sizeInfo(path);
  const app = new TuiApp({ source: path === '-' ? 'stdin' : path, mode: 'file' });
  app.setProgress({ packets: 0, bytes: 0, ...size });
  app.setStatus('reading the capture ...');
  // the first screen is on the terminal before the pipeline's modules (X.509/ASN.1 ...) load
  const { Pipeline } = await afterPaint(app, () => import('./pipeline.js'));
  const pipeline = new Pipeline({
    limits: o.limits,
    keys: o.keys,
    tls: { maxHandshakeMessage: o.maxMessage, keepBytes: true },
    analysis: { includeNonTls: o.all, trusted: o.trusted, keepBytes: true },
    progressEvery: PROGRESS_EVERY,
    onProgress: (packets, bytes) => app.setProgress({ packets, bytes, ...size }),
    onConnection: (c) => {
      if (filter(c)) app.addConnection(c);
    },
  });
  const loading = pipeline.run(source).then(
    (res) => {
      app.setProgress({ packets: res.capture.packets, bytes: res.capture.bytes, done: true });
      const summary = res.analyzer.summary();
      app.setLoadFacts({ frames: res.capture.packets, tcpConnections: summary.connections, tlsConnections: summary.tlsConnections, skipped: res.net.skipped(), all: o.all });
      const warnings = res.captureWarnings.length + res.net.malformedMessages.length;
      const secrets = o.keys.secretCount();
      const parts = [`${res.analyzer.summary().tlsConnections} TLS connections`];
      if (secrets > 0) parts.push(`${secrets} key-log secrets`);
      if (warnings > 0) parts.push(`${warnings} capture warnings (see --no-tui report)`);
      app.setStatus(parts.join(', '), warnings > 0 ? 'warning' : 'info');
    },
    (err: unknown) => {
      app.setStatus(`reading stopped: ${err instanceof Error ? err.message : String(err)}`, 'error');
    },
  );
  const code = await app.waitForQuit();
  source.stop();
  await loading;
  return code;
}

export interface TuiLiveOptions {
  iface: string;
  pipeline: import('./pipeline.js').PipelineOptions;
  filter: (c: ConnectionModel) => boolean;
  /** Live stats of the capture (received / dropped). */
  stats: () => { received: number; dropped: number | null; engine?: string; droppedBeforeRun?: number };
  /** Called every second: key-log refresh etc. Returns nothing. */
  tick: (p: Pipeline) => void;
}

/** `live` on a terminal: the same TUI, fed by the live Pipeline; in-progress connections are shown
 * from snapshots and replaced when they finish; a status line tells what the capture is doing. */
export async function runTuiForLive(source: PacketSource, o: TuiLiveOptions): Promise<number> {
  const app = new TuiApp({ source: `live: ${o.iface}`, mode: 'live' });
  const { Pipeline: LivePipeline } = await afterPaint(app, () => import('./pipeline.js'));
  let packets = 0;
  const dirty = new Set<number>();
  const pipeline: Pipeline = new LivePipeline({
    ...o.pipeline,
    tls: { ...o.pipeline.tls, keepBytes: true },
    analysis: { ...o.pipeline.analysis, keepBytes: true },
    progressEvery: 200,
    onProgress: (p) => {
      packets = p;
    },
    // only the connection that changed is rebuilt on the next tick
    onActivity: (id) => dirty.add(id),
    onConnection: (c) => {
      dirty.delete(connectionKey(c));
      if (o.filter(c)) app.addConnection(c);
    },
  });
  const timer = setInterval(() => {
    o.tick(pipeline);
    for (const id of dirty) {
      const snap = pipeline.analyzer.snapshot(id);
      if (snap && o.filter(snap)) app.addConnection(snap);
    }
    dirty.clear();
    const s = o.stats();
    const mem = Math.round(process.memoryUsage().rss / (1024 * 1024));
    app.setLiveStatus(
      `${Math.max(packets, s.received)} packets, kernel drops ${s.dropped ?? (s.engine === 'cap' || s.engine === undefined ? 'n/a (the libpcap binding reports no drop counts)' : 'reported when the capture stops')}` +
        `${s.droppedBeforeRun ? `, shed ${s.droppedBeforeRun}` : ''}, ${pipeline.analyzer.summary().connectionsWithGaps} connections with gaps; ` +
        `${pipeline.analyzer.open.size} open / ${pipeline.analyzer.finished} finished connections` +
        (app.droppedRows > 0 ? ` (${app.droppedRows} oldest rows dropped)` : '') +
        `; RSS ${mem} MB`,
    );
  }, 1000);
  const running = pipeline.run(source).then(
    () => app.setStatus('capture stopped', 'info'),
    (err: unknown) => app.setStatus(`capture stopped: ${err instanceof Error ? err.message : String(err)}`, 'error'),
  );
  const code = await app.waitForQuit();
  clearInterval(timer);
  source.stop();
  await running;
  return code;
}
