/**
 * The TLS state machine of one TCP connection: a StreamConsumer (src/tcp) that frames records per
 * direction, reassembles handshake messages, decodes them, follows the switch to encryption
 * (TLS 1.2 ChangeCipherSpec, TLS 1.3 ServerHello), decrypts when keys are known (now or, for
 * secrets that arrive later, from kept records) and reports TlsEvents to a TlsObserver.
 */
import type { Side, StreamChunk, StreamConsumer, StreamGap, TcpConnection } from '../tcp/types.js';
import type { TlsEvent, TlsFacts, TlsObserver } from './events.js';
import { HandshakeAssembler, type AssembledMessage } from './handshake-assembler.js';
import { CONTENT_ALERT, CONTENT_APPDATA, CONTENT_CCS, CONTENT_HANDSHAKE, CONTENT_HEARTBEAT, RecordReader, type RecordInfo } from './record-reader.js';
import { applyMessageFacts, decodeMessage, decodeSslv2Hello } from './message-facts.js';
import type { ConnectionKeys, KeyProvider, KeyStage } from './protection.js';
import { SideState } from './tls-side.js';
import { alertEvents, heartbeatType, recordEvent } from './record-events.js';
import { appDataEvent } from './app-data.js';
import { DeferredRecords, newDeferBudget, type DeferredRecord } from './deferred-records.js';
import { newTlsFacts } from './facts.js';
import { copyBytes } from '../net/bytes.js';
import type { ConnectionHolder, TlsStageOptions } from './tls-stage.js';

const MAX_WARNINGS = 50;

export { newTlsFacts };

export class TlsConnection implements StreamConsumer {
  readonly facts: TlsFacts = newTlsFacts();
  private readonly sides: [SideState, SideState];
  private clientHelloSeen = false;
  private keys: ConnectionKeys | null = null;
  /** Key-log generation of the last failed lookup (retry when it changes); -1 = never looked up. */
  private lookedUpAt = -1;
  private deferred: DeferredRecords | null = null;

  constructor(
    readonly conn: TcpConnection,
    private readonly observer: TlsObserver,
    private readonly opts: TlsStageOptions,
  ) {
    this.sides = [this.makeSide(0), this.makeSide(1)];
    if (opts.keys?.lateKeysPossible) this.deferred = new DeferredRecords(opts.deferBudget ?? newDeferBudget());
  }

  private makeSide(side: Side): SideState {
    const warn = (msg: string, frame: number, off: number) => this.warn(side, `${msg} (frame ${frame})`, off);
    const s = new SideState();
    s.reader = new RecordReader({
      wantBody: (type, len) => type !== CONTENT_APPDATA || s.prot !== null || this.wantDeferred(s, len) || this.isEarlyData(side),
      record: (info, header, body) => this.onRecord(side, info, header, body),
      skipped: (info) => this.onUndecryptable(side, s, info),
      warning: warn,
    });
    s.hs = new HandshakeAssembler((m) => this.onMessage(side, m, s.hsVisibility), warn, this.opts.maxHandshakeMessage);
    return s;
  }

  // ---- StreamConsumer ----

  data(side: Side, chunk: StreamChunk): void {
    const s = this.sides[side];
    if (s.detect === 'not-tls') return;
    let bytes = chunk.bytes;
    let offset = chunk.streamOffset;
    if (s.detect !== 'tls') {
      const other = this.sides[side === 0 ? 1 : 0];
      const start = s.findStart(bytes, this.facts, side, other.detect === 'tls' && this.clientHelloSeen);
      if (start < 0) return;
      bytes = bytes.subarray(start);
      offset += start;
    }
    s.reader.push(bytes, offset, chunk.frame, chunk.tsSec, chunk.tsNsec);
  }

  gap(side: Side, gap: StreamGap): void {
    const s = this.sides[side];
    if (s.detect !== 'tls') {
      // bytes lost before this side's first record was found (its ServerHello, say) in a
      // connection the other side shows to be TLS: still a gap of this TLS connection
      const other = this.sides[side === 0 ? 1 : 0];
      if (s.detect === 'not-tls' || (other.detect !== 'tls' && !this.clientHelloSeen)) return;
    }
    this.warn(side, `capture gap: ${gap.length} bytes missing at stream offset ${gap.streamOffset} (${gap.reason})`, gap.streamOffset);
    if (s.detect === 'tls') {
      s.reader.gap(gap.streamOffset, gap.length, gap.frames[gap.frames.length - 1] ?? 0);
      s.hs.reset();
    }
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
      const pending = this.sides[side].reader.pendingBytes();
      if (pending > 0 && this.sides[side].detect === 'tls') {
        this.warn(side, `connection ended inside a TLS record (${pending} bytes of an unfinished record)`, -1);
      }
    }
    this.tryLateKeys();
    if (this.deferred && this.deferred.records.length > 0 && this.holder) {
      // its secrets may still come (a DSB later in the file): report it when they do, or at the end
      this.holder.hold(this);
      return;
    }
    this.finishComplete();
  }

  /** When it was held waiting for secrets (ms). */
  heldAt = 0;

  /** Hands the connection to the observer (after a hold, with whatever keys arrived meanwhile). */
  finishComplete(): void {
    this.deferred?.take(); // give the kept bytes back to the shared budget
    if (this.deferred?.full && !this.keys) this.warn(this.facts.clientSide, 'too many protected records to keep for later decryption; the rest stay encrypted', -1);
    this.observer.complete(this.conn, this.facts);
  }

  /** Retry decryption of kept records with the secrets known now; true when it decrypted and
   * no record waits for a secret any more (a held connection can then be reported). */
  retryLateKeys(): boolean {
    return this.tryLateKeys() && (this.deferred?.records.length ?? 0) === 0;
  }

  /** Where completed connections wait for late secrets (set by the stage). */
  holder: ConnectionHolder | null = null;

  // ---- records ----

  private wantDeferred(s: SideState, len: number): boolean {
    return s.encrypted && this.deferred !== null && this.mayGetKeys(s) && this.deferred.canStore(len + 5);
  }

  /** Records of this direction may still become decryptable: no keys for the connection yet, or
   * keys without this direction's secret for its current stage (a live key log written line by
   * line: the server's handshake secret can be read before the client's). */
  private mayGetKeys(s: SideState): boolean {
    if (this.keys === null) return true;
    // TLS 1.2 keys come whole from one CLIENT_RANDOM line: nothing more can arrive for them
    return s.prot === null && (s.keyStage === 'tls13-handshake' || s.keyStage === 'tls13-application');
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
      this.onSslv2Record(side, s, info, body);
      return;
    }
    const type = info.contentType;
    if (type === CONTENT_APPDATA && this.isEarlyData(side)) {
      this.onEarlyData(side, info, header, body);
      return;
    }
    if (type === CONTENT_CCS) {
      this.push(recordEvent(side, info, 'change_cipher_spec', 'plaintext', this.opts.keepBytes, header, body));
      // version 0: a CCS before ServerHello is TLS 1.3 middlebox compatibility (0-RTT, HRR)
      if (this.facts.version !== 0x0304 && this.facts.version !== 0) {
        s.encrypted = true;
        s.expectFinished = true;
        this.installKeys(side, 'tls12-ccs');
      }
      return;
    }
    const keepForLater = this.deferred !== null && this.mayGetKeys(s);
    // TLS 1.3 protects only records of outer type application_data: an alert of type 21 sent
    // before the sender switched keys (e.g. OpenSSL rejecting the server's certificate) is plaintext
    const protectedRecord = this.facts.version === 0x0304 ? type === CONTENT_APPDATA : true;
    if (s.encrypted && protectedRecord && (type !== CONTENT_APPDATA || this.facts.version === 0x0304 || s.prot !== null || keepForLater)) {
      if (s.prot === null && this.deferred && this.tryLateKeys()) {
        // secrets arrived meanwhile (live key log): this record is decryptable now
      } else if (s.prot === null && this.keys && s.keyStage && this.opts.keys && this.opts.keys.generation() !== s.keyGen) {
        // keys were found but this stage's secret was missing: the key log grew, try again
        this.installKeys(side, s.keyStage);
      }
      if (s.prot !== null) this.decryptRecord(side, s, info, header, body);
      else this.onUndecryptable(side, s, info, header, body);
      return;
    }
    this.onPlainRecord(side, info, type, header, body, 'plaintext', 5);
  }

  private onPlainRecord(side: Side, info: RecordInfo, type: number, header: Uint8Array, body: Uint8Array, vis: 'plaintext' | 'decrypted', bodyOffset: number): void {
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
        if (body.length < 2 || body.length % 2 !== 0) this.warn(side, `alert record of ${body.length} bytes (expected 2) in frame ${info.frame}`, info.streamOffset);
        for (const ev of alertEvents(side, info, header, body, vis, this.opts.keepBytes)) this.push(ev);
        return;
      case CONTENT_HEARTBEAT: {
        const ev = recordEvent(side, info, 'heartbeat', vis, this.opts.keepBytes, header, body);
        ev.type = heartbeatType(body);
        this.push(ev);
        return;
      }
      case CONTENT_APPDATA: {
        this.countAppData(side, body.length);
        const ev = vis === 'decrypted' ? appDataEvent(s.app, side, info, body, this.facts.alpn === 'h2', this.opts.keepBytes, header, body) : null;
        if (ev) this.push(ev);
        return;
      }
      default:
        return;
    }
  }

  /** A protected record we cannot decrypt (now): an `encrypted` event or application data. */
  private onUndecryptable(side: Side, s: SideState, info: RecordInfo, header?: Uint8Array, body?: Uint8Array): void {
    this.facts.encryptedRecords[side]++;
    if (s.noKeyReason) {
      const w = this.warn(side, s.noKeyReason, info.streamOffset);
      if (w !== null && this.deferred !== null && this.mayGetKeys(s)) s.missingWarnings.push(w);
      s.noKeyReason = null;
    }
    const kept = header && body && this.deferred && this.mayGetKeys(s) ? this.deferred.store(side, info, header, body) : null;
    const type = info.contentType;
    if (type === CONTENT_APPDATA && (!this.inHandshakePhase(side) || s.encryptedEvents >= this.opts.maxEncryptedEvents)) {
      this.countAppData(side, info.length);
      if (kept) kept.countedAppData = true;
      return;
    }
    s.encryptedEvents++;
    const ev = recordEvent(side, info, 'encrypted', 'plaintext', this.opts.keepBytes, header, body);
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
    if (kept) kept.event = ev;
    this.push(ev);
  }

  private decryptRecord(side: Side, s: SideState, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    const r = s.prot!.decrypt(header, body);
    if (!r.ok) {
      this.warn(side, `record ${info.index} in frame ${info.frame} did not decrypt: ${r.reason}`, info.streamOffset);
      if (r.fatal) {
        s.prot = null;
        this.facts.keyProblem ??= 'key log entry for this ClientHello random does not decrypt this connection';
      }
      this.onUndecryptable(side, s, info);
      return;
    }
    this.facts.decrypted = true;
    if (r.contentType === CONTENT_HANDSHAKE) s.expectFinished = false;
    this.onPlainRecord(side, info, r.contentType, header, r.plaintext, 'decrypted', 5 + r.plaintextOffset);
  }

  // ---- handshake messages ----

  private onMessage(side: Side, m: AssembledMessage, vis: 'plaintext' | 'decrypted'): void {
    const f = this.facts;
    const decoded = decodeMessage(m.type, m.body, {
      tls13: f.version === 0x0304,
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
    if (decoded.certificates) ev.certificates = this.keepDer(decoded.certificates);
    if (decoded.certificateAuthorities) ev.certificateAuthorities = this.keepDer(decoded.certificateAuthorities);
    if (decoded.warnings.length > 0) ev.warnings = decoded.warnings.slice(0, 10);
    if (decoded.malformed) ev.malformed = true;
    if (this.opts.keepBytes) ev.raw = copyBytes(m.raw);
    const change = applyMessageFacts(f, side, m.type, decoded, this.clientHelloSeen);
    if (m.type === 1) this.clientHelloSeen = true;
    this.push(ev);
    if (change === 'server-hello' && f.version === 0x0304) {
      // RFC 8446 §2: everything after ServerHello is protected, both directions
      for (const sd of [0, 1] as Side[]) {
        this.sides[sd].encrypted = true;
        this.installKeys(sd, 'tls13-handshake');
      }
      this.replayEarlyData();
    } else if (change === 'finished' && f.version === 0x0304) this.installKeys(side, 'tls13-application');
    else if (change === 'key-update') this.sides[side].prot?.keyUpdate?.();
  }

  /** Certificates / CA names outlive the packet buffers: the shared copy, else a copy each. */
  private keepDer(views: Uint8Array[]): Uint8Array[] {
    const der = this.opts.derInterner;
    return views.map((c) => (der ? der.intern(c) : copyBytes(c)));
  }

  // ---- 0-RTT ----

  /** Client application-data records before the ServerHello of a ClientHello offering early_data. */
  private isEarlyData(side: Side): boolean {
    return this.facts.earlyDataOffered === true && this.facts.serverRandom === undefined && side === this.facts.clientSide && this.clientHelloSeen;
  }

  private readonly early: Array<{ info: RecordInfo; header: Uint8Array; body: Uint8Array; event: TlsEvent }> = [];
  private earlyBytes = 0;

  private onEarlyData(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    this.facts.encryptedRecords[side]++;
    const ev = recordEvent(side, info, 'encrypted', 'plaintext', this.opts.keepBytes, header, body);
    ev.reason = '0-RTT early data (sent before the ServerHello, under the early traffic secret)';
    this.push(ev);
    // kept (bounded) until the ServerHello names the cipher suite the early key needs
    if (this.early.length < 16 && this.earlyBytes + body.length <= 64 * 1024) {
      this.earlyBytes += body.length;
      this.early.push({ info: { ...info, frames: info.frames.slice() }, header: copyBytes(header), body: copyBytes(body), event: ev });
    }
  }

  private replayEarlyData(): void {
    if (this.early.length === 0 || !this.keys) return;
    const side = this.facts.clientSide;
    const early = this.keys.protection(true, 'tls13-early', () => undefined);
    if (!early) return;
    const s = this.sides[side];
    const hsProt = s.prot;
    s.prot = early;
    const replay = this.early.splice(0);
    const drop = new Set(replay.map((r) => r.event));
    this.facts.events = this.facts.events.filter((e) => !drop.has(e));
    for (const r of replay) {
      this.facts.encryptedRecords[side]--;
      this.decryptRecord(side, s, r.info, r.header, r.body);
    }
    s.prot = hsProt;
    this.facts.events = this.facts.events.map((e, i) => ({ e, i })).sort((a, b) => a.e.frame - b.e.frame || a.i - b.i).map((x) => x.e);
  }

  // ---- keys ----

  private lookupKeys(): boolean {
    const provider = this.opts.keys;
    if (this.keys || !provider || !this.facts.clientRandom) return this.keys !== null;
    const gen = provider.generation();
    if (gen === this.lookedUpAt) return false;
    this.lookedUpAt = gen;
    this.keys = provider.lookup(this.facts, (msg) => this.warn(this.facts.clientSide, msg, -1));
    return this.keys !== null;
  }

  private installKeys(side: Side, stage: KeyStage): void {
    const s = this.sides[side];
    s.keyStage = stage;
    s.keyGen = this.opts.keys?.generation() ?? -1;
    if (!this.lookupKeys()) return;
    // why not (a missing secret) is said only if a record of this direction then stays encrypted
    s.noKeyReason = null;
    const prot = this.keys!.protection(side === this.facts.clientSide, stage, (msg) => (s.noKeyReason = msg));
    s.prot = prot;
    if (prot) s.hs.reset();
  }

  /**
   * Secrets that arrived after some protected records (a DSB later in the file, a key log still
   * being written): decrypt the kept records now, replacing their `encrypted` events.
   */
  private tryLateKeys(): boolean {
    const d = this.deferred;
    if (!d) return false;
    if (this.keys) return this.retryMissingStages();
    if (d.records.length === 0 || !this.lookupKeys()) return false;
    const kept = d.take();
    const f = this.facts;
    this.unrecord(kept);
    for (const side of new Set(kept.map((r) => r.side))) {
      this.installKeys(side, f.version === 0x0304 ? 'tls13-handshake' : 'tls12-ccs');
      this.sides[side].expectFinished = f.version !== 0x0304;
    }
    this.replay(kept);
    return true;
  }

  /** Keys were found, but a direction lacked its stage's secret: retry once the key log grew,
   * and decrypt what that direction kept meanwhile. True when a direction got its keys. */
  private retryMissingStages(): boolean {
    const gen = this.opts.keys?.generation() ?? -1;
    let any = false;
    for (const side of [0, 1] as Side[]) {
      const s = this.sides[side];
      if (s.prot !== null || !s.keyStage || s.keyGen === gen) continue;
      this.installKeys(side, s.keyStage);
      if (s.prot === null) continue;
      any = true;
      const kept = this.deferred?.takeSide(side) ?? [];
      if (kept.length === 0) continue;
      // the stage secret those warnings missed is here now
      this.withdraw(s.missingWarnings.splice(0));
      this.unrecord(kept);
      this.replay(kept);
    }
    return any;
  }

  /** Takes kept records out of the facts (events, counters) before they are replayed. */
  private unrecord(kept: DeferredRecord[]): void {
    const f = this.facts;
    const drop = new Set(kept.map((r) => r.event).filter((e): e is TlsEvent => e !== null));
    f.events = f.events.filter((e) => !drop.has(e));
    for (const r of kept) {
      f.encryptedRecords[r.side]--;
      if (r.countedAppData) {
        f.appData[r.side].records--;
        f.appData[r.side].bytes -= r.info.length;
      }
      if (r.event) this.sides[r.side].encryptedEvents--;
    }
  }

  /** Decrypts kept records in order with the protection their direction has now; a record of a
   * stage whose secret is not logged yet (e.g. after the Finished) is kept again. */
  private replay(kept: DeferredRecord[]): void {
    for (const r of kept) {
      const s = this.sides[r.side];
      if (s.prot) this.decryptRecord(r.side, s, r.info, r.header, r.body);
      else this.onUndecryptable(r.side, s, r.info, r.header, r.body);
    }
    this.toWireOrder();
  }

  /** Events back to wire order (a frame carries one direction; within it, stream order). */
  private toWireOrder(): void {
    const f = this.facts;
    f.events = f.events.map((e, i) => ({ e, i })).sort((a, b) => a.e.frame - b.e.frame || a.e.streamOffset - b.e.streamOffset || a.i - b.i).map((x) => x.e);
  }

  // ---- SSL 2.0 ----

  /** SSL 2.0 records: CLIENT-HELLO (decoded), SERVER-HELLO, CLIENT-MASTER-KEY, then encrypted. */
  private onSslv2Record(side: Side, s: SideState, info: RecordInfo, body: Uint8Array): void {
    const type = body.length > 0 ? body[0] : -1;
    const keep = this.opts.keepBytes;
    if (type === 1 && !this.clientHelloSeen) {
      const decoded = decodeSslv2Hello(body);
      Object.assign(this.facts, { sslv2ClientHello: true, clientSide: side });
      this.clientHelloSeen = true;
      const ev = recordEvent(side, info, 'handshake', 'plaintext', keep, undefined, body);
      Object.assign(ev, { handshakeType: 1, type: 'ClientHello', details: decoded.details, length: body.length });
      if (decoded.warnings.length > 0) ev.warnings = decoded.warnings;
      if (decoded.random) this.facts.clientRandom = decoded.random;
      this.push(ev);
      return;
    }
    if (!s.encrypted && (type === 4 || type === 2)) {
      // SERVER-HELLO (the server stays in SSL 2.0) / CLIENT-MASTER-KEY: the last plaintext messages
      const ev = recordEvent(side, info, 'handshake', 'plaintext', keep, undefined, body);
      Object.assign(ev, { type: type === 4 ? 'ServerHello' : 'ClientMasterKey', details: { sslv2: true, messageType: type }, length: body.length });
      if (type === 4) {
        this.facts.version = 0x0002;
        ev.handshakeType = 2;
      }
      s.encrypted = true;
      this.push(ev);
      return;
    }
    this.facts.encryptedRecords[side]++;
    if (s.encryptedEvents < this.opts.maxEncryptedEvents) {
      s.encryptedEvents++;
      const ev = recordEvent(side, info, 'encrypted', 'plaintext', keep, undefined, body);
      ev.reason = 'SSL 2.0 encrypted record';
      this.push(ev);
    } else this.countAppData(side, info.length);
  }

  // ---- helpers ----

  private push(ev: TlsEvent): void {
    const f = this.facts;
    if (f.events.length >= this.opts.maxEvents) {
      f.eventsDropped++;
      return;
    }
    f.events.push(ev);
    this.observer.event?.(this.conn, f, ev);
  }

  /** Adds a warning; returns its text (null when over the cap). */
  private warn(side: Side, msg: string, _offset: number): string | null {
    const f = this.facts;
    if (f.warnings.length >= MAX_WARNINGS) {
      f.warningsDropped++;
      return null;
    }
    const text = `${side === f.clientSide ? 'client->server' : 'server->client'}: ${msg}`;
    f.warnings.push(text);
    return text;
  }

  /** The secret a warning said was missing has arrived: the warning no longer holds. */
  private withdraw(warnings: string[]): void {
    const f = this.facts;
    for (const w of warnings) {
      const i = f.warnings.indexOf(w);
      if (i >= 0) f.warnings.splice(i, 1);
    }
  }
}
