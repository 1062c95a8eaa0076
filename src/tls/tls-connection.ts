/**
 * The TLS state machine of one TCP connection: a StreamConsumer (src/tcp) that frames records per
 * direction, reassembles handshake messages, decodes them, follows the switch to encryption
 * (TLS 1.2 ChangeCipherSpec, TLS 1.3 ServerHello), decrypts when keys are known, and reports
 * TlsEvents to a TlsObserver (src/analysis).
 */
import type { Side, StreamChunk, StreamConsumer, StreamGap, TcpConnection } from '../tcp/types.js';
import type { TlsEvent, TlsFacts, TlsObserver } from './events.js';
import { HandshakeAssembler, type AssembledMessage } from './handshake-assembler.js';
import {
  CONTENT_ALERT,
  CONTENT_APPDATA,
  CONTENT_CCS,
  CONTENT_HANDSHAKE,
  CONTENT_HEARTBEAT,
  RecordReader,
  type RecordInfo,
} from './record-reader.js';
import { findHelloRecord, startsWithTls, STARTTLS_SCAN_LIMIT } from './stream-detect.js';
import { applyMessageFacts, decodeMessage, decodeSslv2Hello } from './message-facts.js';
import type { ConnectionKeys, KeyProvider, RecordProtection } from './protection.js';

export interface TlsStageOptions {
  /** Keep message/record bytes in events (TUI hex pane). */
  keepBytes: boolean;
  /** Max events kept per connection. */
  maxEvents: number;
  /** Max size of one handshake message. */
  maxHandshakeMessage: number;
  /** Encrypted records shown as events per direction before the rest count as application data. */
  maxEncryptedEvents: number;
  /** Key material lookup (decryption); absent = no decryption. */
  keys?: KeyProvider;
}

export const DEFAULT_TLS_OPTIONS: TlsStageOptions = {
  keepBytes: false,
  maxEvents: 1000,
  maxHandshakeMessage: 1024 * 1024,
  maxEncryptedEvents: 16,
};

const MAX_WARNINGS = 50;

type Detect = 'unknown' | 'tls' | 'scanning' | 'not-tls';

class SideState {
  detect: Detect = 'unknown';
  plaintextBytes = 0;
  /** Records of this side are protected (after CCS in TLS 1.2, after ServerHello in TLS 1.3). */
  encrypted = false;
  prot: RecordProtection | null = null;
  encryptedEvents = 0;
  /** TLS 1.2: first protected handshake record after CCS is the Finished. */
  expectFinished = false;
  /** Visibility of the handshake bytes being fed to the assembler (decrypted after keys). */
  hsVisibility: 'plaintext' | 'decrypted' = 'plaintext';
  constructor(
    readonly reader: RecordReader,
    readonly hs: HandshakeAssembler,
  ) {}
}

export function newTlsFacts(): TlsFacts {
  return {
    isTls: false,
    clientSide: 0,
    sslv2ClientHello: false,
    version: 0,
    cipherSuite: -1,
    helloRetryRequest: false,
    resumed: false,
    encryptThenMac: false,
    extendedMasterSecret: false,
    appData: [
      { records: 0, bytes: 0 },
      { records: 0, bytes: 0 },
    ],
    startTlsOffset: null,
    decrypted: false,
    encryptedRecords: [0, 0],
    events: [],
    eventsDropped: 0,
    warnings: [],
    warningsDropped: 0,
  };
}

export class TlsConnection implements StreamConsumer {
  readonly facts: TlsFacts = newTlsFacts();
  private readonly sides: [SideState, SideState];
  private clientHelloSeen = false;
  private serverHelloSeen = false;
  private keys: ConnectionKeys | null = null;
  private keyLookupDone = false;

  constructor(
    readonly conn: TcpConnection,
    private readonly observer: TlsObserver,
    private readonly opts: TlsStageOptions,
  ) {
    this.sides = [this.makeSide(0), this.makeSide(1)];
  }

  private makeSide(side: Side): SideState {
    const warn = (msg: string, frame: number, off: number) => this.warn(side, `${msg} (frame ${frame})`, off);
    const reader = new RecordReader({
      wantBody: (type, len) => this.wantBody(side, type, len),
      record: (info, header, body) => this.onRecord(side, info, header, body),
      skipped: (info) => this.onSkipped(side, info),
      warning: warn,
    });
    const state: SideState = new SideState(
      reader,
      new HandshakeAssembler((m) => this.onMessage(side, m, state.hsVisibility), warn, this.opts.maxHandshakeMessage),
    );
    return state;
  }

  // ---- StreamConsumer ----

  data(side: Side, chunk: StreamChunk): void {
    const s = this.sides[side];
    let bytes = chunk.bytes;
    let offset = chunk.streamOffset;
    if (s.detect === 'not-tls') return;
    if (s.detect !== 'tls') {
      const start = this.detect(side, s, bytes);
      if (start < 0) return;
      bytes = bytes.subarray(start);
      offset += start;
    }
    s.reader.push(bytes, offset, chunk.frame, chunk.tsSec, chunk.tsNsec);
  }

  gap(side: Side, gap: StreamGap): void {
    const s = this.sides[side];
    if (s.detect !== 'tls') return;
    this.warn(side, `capture gap: ${gap.length} bytes missing at stream offset ${gap.streamOffset} (${gap.reason})`, gap.streamOffset);
    s.reader.gap(gap.streamOffset, gap.length, gap.frames[gap.frames.length - 1] ?? 0);
    s.hs.reset();
    this.facts.gaps ??= [];
    if (this.facts.gaps.length < 20) {
      this.facts.gaps.push({ side, streamOffset: gap.streamOffset, length: gap.length, frames: gap.frames.slice(0, 4) });
    }
  }

  end(): void {
    // FIN/RST frames are on the TcpConnection; nothing to flush at record level
  }

  complete(conn: TcpConnection): void {
    for (const side of [0, 1] as Side[]) {
      const s = this.sides[side];
      const pending = s.reader.pendingBytes();
      if (pending > 0 && s.detect === 'tls') {
        this.warn(side, `connection ended inside a TLS record (${pending} bytes of an unfinished record)`, -1);
      }
    }
    this.observer.complete(conn, this.facts);
  }

  // ---- detection ----

  /** Returns the offset in `bytes` where TLS starts, or -1 when this chunk holds none. */
  private detect(side: Side, s: SideState, bytes: Uint8Array): number {
    if (s.detect === 'unknown') {
      if (bytes.length < 5 && s.plaintextBytes === 0) {
        // too short to judge: decide on the next chunk (count it as plaintext prefix)
      } else if (s.plaintextBytes === 0 && startsWithTls(bytes)) {
        this.markTls(side, s);
        return 0;
      }
      s.detect = 'scanning';
    }
    // scanning a plaintext prefix (STARTTLS) for the Hello that starts TLS
    const other = this.sides[side === 0 ? 1 : 0];
    const want: 1 | 2 = other.detect === 'tls' && this.clientHelloSeen ? 2 : 1;
    let at = findHelloRecord(bytes, 0, want);
    if (at < 0 && want === 1) at = findHelloRecord(bytes, 0, 2);
    if (at >= 0) {
      s.plaintextBytes += at;
      this.markTls(side, s);
      this.facts.startTlsOffset ??= [0, 0];
      this.facts.startTlsOffset[side] = s.plaintextBytes;
      return at;
    }
    s.plaintextBytes += bytes.length;
    if (s.plaintextBytes > STARTTLS_SCAN_LIMIT) s.detect = 'not-tls';
    return -1;
  }

  private markTls(_side: Side, s: SideState): void {
    s.detect = 'tls';
    this.facts.isTls = true;
  }

  // ---- records ----

  private wantBody(side: Side, type: number, _len: number): boolean {
    if (type !== CONTENT_APPDATA) return true;
    const s = this.sides[side];
    // application data is needed only when it may hide handshake messages/alerts we can decrypt
    return s.prot !== null;
  }

  private onSkipped(side: Side, info: RecordInfo): void {
    // only application data is ever skipped
    const s = this.sides[side];
    if (s.encrypted && this.inHandshakePhase(side) && s.encryptedEvents < this.opts.maxEncryptedEvents) {
      s.encryptedEvents++;
      this.facts.encryptedRecords[side]++;
      this.push(this.recordEvent(side, info, 'encrypted', 'plaintext'));
      return;
    }
    this.facts.encryptedRecords[side]++;
    this.countAppData(side, info.length);
  }

  /** TLS 1.3 without keys: encrypted records are shown as events until the handshake is surely over. */
  private inHandshakePhase(side: Side): boolean {
    return this.facts.version === 0x0304 || this.sides[side].expectFinished;
  }

  private countAppData(side: Side, len: number): void {
    const a = this.facts.appData[side];
    a.records++;
    a.bytes += len;
  }

  private onRecord(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    const s = this.sides[side];
    if (info.sslv2) {
      this.onSslv2Record(side, info, body);
      return;
    }
    const type = info.contentType;
    if (type === CONTENT_CCS) {
      this.push(this.recordEvent(side, info, 'change_cipher_spec', 'plaintext', header, body));
      if (this.facts.version !== 0x0304) {
        s.encrypted = true;
        s.expectFinished = true;
        this.installKeys(side, 'tls12-ccs');
      }
      return;
    }
    if (s.encrypted && (type !== CONTENT_APPDATA || this.facts.version === 0x0304 || s.prot !== null)) {
      if (s.prot !== null) {
        this.decryptRecord(side, s, info, header, body);
        return;
      }
      this.onUndecryptable(side, s, info, header, body);
      return;
    }
    this.onPlainRecord(side, info, type, header, body, 'plaintext');
  }

  private onPlainRecord(
    side: Side,
    info: RecordInfo,
    type: number,
    header: Uint8Array,
    body: Uint8Array,
    vis: 'plaintext' | 'decrypted',
    bodyOffset = 5,
  ): void {
    const s = this.sides[side];
    switch (type) {
      case CONTENT_HANDSHAKE:
        if (s.hsVisibility !== vis) {
          // a message cannot continue across the switch to encryption
          if (s.hs.pending) this.warn(side, `handshake message cut by the switch to encryption (frame ${info.frame})`, info.streamOffset);
          s.hs.reset();
          s.hsVisibility = vis;
        }
        s.hs.push({ record: info, bodyStreamOffset: info.streamOffset + bodyOffset }, body);
        return;
      case CONTENT_ALERT:
        this.onAlert(side, info, header, body, vis);
        return;
      case CONTENT_HEARTBEAT: {
        const ev = this.recordEvent(side, info, 'heartbeat', vis, header, body);
        ev.type = body.length > 0 ? (body[0] === 1 ? 'heartbeat_request' : body[0] === 2 ? 'heartbeat_response' : 'heartbeat') : 'heartbeat';
        this.push(ev);
        return;
      }
      case CONTENT_APPDATA:
        this.countAppData(side, body.length);
        return;
      default:
        return;
    }
  }

  private onAlert(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array, vis: 'plaintext' | 'decrypted'): void {
    if (body.length < 2 || body.length % 2 !== 0) {
      this.warn(side, `alert record of ${body.length} bytes (expected 2) in frame ${info.frame}`, info.streamOffset);
    }
    for (let i = 0; i + 1 < body.length && i < 16; i += 2) {
      const ev = this.recordEvent(side, info, 'alert', vis, header, body);
      ev.alertLevel = body[i];
      ev.alertCode = body[i + 1];
      ev.length = 2;
      this.push(ev);
    }
  }

  /** A protected record we cannot decrypt. */
  private onUndecryptable(side: Side, s: SideState, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    this.facts.encryptedRecords[side]++;
    const type = info.contentType;
    if (type === CONTENT_APPDATA && !this.inHandshakePhase(side)) {
      this.countAppData(side, info.length);
      return;
    }
    if (s.encryptedEvents >= this.opts.maxEncryptedEvents && type === CONTENT_APPDATA) {
      this.countAppData(side, info.length);
      return;
    }
    s.encryptedEvents++;
    const ev = this.recordEvent(side, info, 'encrypted', 'plaintext', header, body);
    if (type === CONTENT_ALERT) {
      ev.type = 'Alert';
      ev.reason = 'encrypted alert: the record type (21) is visible, its description is not';
    } else if (type === CONTENT_HANDSHAKE && s.expectFinished) {
      ev.type = 'Finished';
      ev.visibility = 'inferred';
      ev.reason = 'first encrypted handshake record after ChangeCipherSpec: the Finished message (RFC 5246 §7.4.9)';
      s.expectFinished = false;
    } else if (type === CONTENT_HANDSHAKE) {
      ev.reason = 'encrypted handshake record (renegotiation or post-handshake message)';
    }
    this.push(ev);
  }

  private decryptRecord(side: Side, s: SideState, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    const prot = s.prot as RecordProtection;
    const r = prot.decrypt(header, body);
    if (!r.ok) {
      this.warn(side, `record ${info.index} in frame ${info.frame} did not decrypt: ${r.reason}`, info.streamOffset);
      if (r.fatal) {
        s.prot = null;
        this.facts.keyProblem ??= 'key log entry for this ClientHello random does not decrypt this connection';
      }
      this.onUndecryptable(side, s, info, header, body);
      return;
    }
    this.facts.decrypted = true;
    if (r.contentType === CONTENT_HANDSHAKE) s.expectFinished = false;
    this.onPlainRecord(side, info, r.contentType, header, r.plaintext, 'decrypted', 5 + r.plaintextOffset);
  }

  // ---- handshake messages ----

  private onMessage(side: Side, m: AssembledMessage, vis: 'plaintext' | 'decrypted'): void {
    const f = this.facts;
    const tls13 = f.version === 0x0304;
    const decoded = decodeMessage(m.type, m.body, {
      tls13,
      cipherSuite: f.cipherSuite,
      fromServer: m.type === 1 ? false : m.type === 2 ? true : side !== f.clientSide,
      version: f.version || undefined,
    });
    const ev: TlsEvent = {
      side,
      kind: 'handshake',
      visibility: vis,
      frame: m.frame,
      frames: m.frames,
      tsSec: m.tsSec,
      tsNsec: m.tsNsec,
      streamOffset: m.streamOffset,
      recordIndex: m.recordIndex,
      handshakeType: m.type,
      type: decoded.name,
      length: m.length,
      details: decoded.details,
    };
    if (decoded.certificates) ev.certificates = decoded.certificates.map((c) => c.slice());
    if (decoded.certificateAuthorities) ev.certificateAuthorities = decoded.certificateAuthorities.map((c) => c.slice());
    if (decoded.warnings.length > 0) ev.warnings = decoded.warnings.slice(0, 10);
    if (this.opts.keepBytes) ev.raw = m.raw.slice();
    const change = applyMessageFacts(f, side, m.type, decoded, this.clientHelloSeen);
    if (m.type === 1 && !this.clientHelloSeen) this.clientHelloSeen = true;
    this.push(ev);
    if (change === 'server-hello') this.onServerHello(side);
    else if (change === 'hello-retry') this.serverHelloSeen = false;
    else if (change === 'finished') this.onFinished(side);
    else if (change === 'key-update') this.sides[side].prot?.keyUpdate?.();
  }

  private onServerHello(serverSide: Side): void {
    this.serverHelloSeen = true;
    const f = this.facts;
    if (f.version === 0x0304) {
      // RFC 8446 §2: everything after ServerHello is protected, both directions
      this.sides[serverSide].encrypted = true;
      this.sides[serverSide === 0 ? 1 : 0].encrypted = true;
      this.installKeys(serverSide, 'tls13-handshake');
      this.installKeys(serverSide === 0 ? 1 : 0, 'tls13-handshake');
    }
  }

  private onFinished(side: Side): void {
    if (this.facts.version === 0x0304) this.installKeys(side, 'tls13-application');
  }

  private installKeys(side: Side, stage: 'tls12-ccs' | 'tls13-handshake' | 'tls13-application'): void {
    const provider = this.opts.keys;
    if (!provider || !this.facts.clientRandom) return;
    if (!this.keyLookupDone) {
      this.keyLookupDone = true;
      this.keys = provider.lookup(this.facts, (msg) => this.warn(side, msg, -1));
    }
    if (!this.keys) return;
    const isClient = side === this.facts.clientSide;
    const prot = this.keys.protection(isClient, stage, (msg) => this.warn(side, msg, -1));
    this.sides[side].prot = prot;
    if (prot) this.sides[side].hs.reset();
  }

  /** SSL 2.0 records: CLIENT-HELLO (decoded), SERVER-HELLO, CLIENT-MASTER-KEY, then encrypted. */
  private onSslv2Record(side: Side, info: RecordInfo, body: Uint8Array): void {
    const s = this.sides[side];
    const type = body.length > 0 ? body[0] : -1;
    if (type === 1 && !this.clientHelloSeen) {
      const decoded = decodeSslv2Hello(body);
      this.facts.sslv2ClientHello = true;
      this.facts.clientSide = side;
      this.clientHelloSeen = true;
      const ev = this.recordEvent(side, info, 'handshake', 'plaintext', undefined, body);
      ev.handshakeType = 1;
      ev.type = 'ClientHello';
      ev.details = decoded.details;
      ev.length = body.length;
      if (decoded.warnings.length > 0) ev.warnings = decoded.warnings;
      if (decoded.random) this.facts.clientRandom = decoded.random;
      this.push(ev);
      return;
    }
    if (!s.encrypted && (type === 4 || type === 2)) {
      // SERVER-HELLO (the server stays in SSL 2.0) / CLIENT-MASTER-KEY: the last plaintext messages
      const ev = this.recordEvent(side, info, 'handshake', 'plaintext', undefined, body);
      ev.type = type === 4 ? 'ServerHello' : 'ClientMasterKey';
      ev.details = { sslv2: true, messageType: type };
      ev.length = body.length;
      if (type === 4) {
        this.facts.version = 0x0002;
        ev.handshakeType = 2;
      }
      s.encrypted = type === 2 || side !== this.facts.clientSide;
      if (type === 4) s.encrypted = true;
      this.push(ev);
      return;
    }
    this.facts.encryptedRecords[side]++;
    if (s.encryptedEvents < this.opts.maxEncryptedEvents) {
      s.encryptedEvents++;
      const ev = this.recordEvent(side, info, 'encrypted', 'plaintext', undefined, body);
      ev.reason = 'SSL 2.0 encrypted record';
      this.push(ev);
    } else this.countAppData(side, info.length);
  }

  // ---- helpers ----

  private recordEvent(
    side: Side,
    info: RecordInfo,
    kind: TlsEvent['kind'],
    vis: TlsEvent['visibility'],
    header?: Uint8Array,
    body?: Uint8Array,
  ): TlsEvent {
    const ev: TlsEvent = {
      side,
      kind,
      visibility: vis,
      frame: info.frame,
      frames: info.frames,
      tsSec: info.tsSec,
      tsNsec: info.tsNsec,
      streamOffset: info.streamOffset,
      recordIndex: info.index,
      length: info.length,
    };
    if (this.opts.keepBytes && header && body) {
      const rec = new Uint8Array(header.length + body.length);
      rec.set(header);
      rec.set(body, header.length);
      ev.record = rec;
      ev.raw = rec;
      ev.rawOffset = 0;
    }
    return ev;
  }

  private push(ev: TlsEvent): void {
    const f = this.facts;
    if (f.events.length >= this.opts.maxEvents) {
      f.eventsDropped++;
      return;
    }
    f.events.push(ev);
    this.observer.event?.(this.conn, f, ev);
  }

  private warn(side: Side, msg: string, _offset: number): void {
    const f = this.facts;
    if (f.warnings.length >= MAX_WARNINGS) {
      f.warningsDropped++;
      return;
    }
    f.warnings.push(`${side === f.clientSide ? 'client->server' : 'server->client'}: ${msg}`);
  }
}

/** The tls stage's factory for src/tcp. */
export function createTlsStage(observer: TlsObserver, opts: Partial<TlsStageOptions> = {}) {
  const o: TlsStageOptions = { ...DEFAULT_TLS_OPTIONS, ...opts };
  return (conn: TcpConnection): StreamConsumer => new TlsConnection(conn, observer, o);
}
