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
import { SideState } from './tls-side.js';
import { alertEvents, encryptedAlertEvent, heartbeatType, plausibleAlerts, recordEvent } from './record-events.js';
import { appDataEvent } from './app-data.js';
import { newTlsFacts } from './facts.js';
import { copyBytes } from '../net/bytes.js';
import { EventLog } from './event-log.js';
import { ProtectionState, type ProtectionHost } from './protection-state.js';
import { ProtocolVersion } from './registry/versions.js';
import type { ConnectionHolder, HeldConnection, TlsStageOptions } from './stage-options.js';
import { HandshakeTranscript } from './transcript.js';
import type { WarningCode } from '../warning-codes.js';

const TLS13 = ProtocolVersion.TLS13;

export { newTlsFacts };

export class TlsConnection implements StreamConsumer, HeldConnection, ProtectionHost {
  readonly facts: TlsFacts = newTlsFacts();
  /** Where events and warnings are written (wire order, retract/replace). */
  readonly log: EventLog;
  /** Per-direction protection: switch to encryption, keys, kept records, replay. */
  private readonly protection: ProtectionState;
  private readonly sides: [SideState, SideState];
  private clientHelloSeen = false;
  /** For checking the client's CertificateVerify signature. */
  private readonly transcript: HandshakeTranscript;

  constructor(
    readonly conn: TcpConnection,
    private readonly observer: TlsObserver,
    private readonly opts: TlsStageOptions,
  ) {
    this.log = new EventLog(this.facts, opts.maxEvents, conn, observer);
    this.protection = new ProtectionState(this, opts.keys, opts.deferBudget);
    this.sides = [this.makeSide(0), this.makeSide(1)];
    this.transcript = new HandshakeTranscript(opts.transcriptBudget, opts.checkAllSignatures);
  }

  private makeSide(side: Side): SideState {
    const warn = (code: WarningCode, msg: string, frame: number, off: number) => this.warn(side, code, `${msg} (frame ${frame})`, frame, off);
    const s = new SideState();
    s.reader = new RecordReader({
      wantBody: (type, len) => type !== CONTENT_APPDATA || this.protection.wantsBody(side, len) || this.isEarlyData(side),
      record: (info, header, body) => this.onRecord(side, info, header, body),
      skipped: (info) => this.onUndecryptable(side, info),
      warning: warn,
    });
    s.hs = new HandshakeAssembler((m) => this.onMessage(side, m, s.hsVisibility), warn, this.opts.maxHandshakeMessage, this.opts.memory);
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
    this.warn(side, 'tcp-capture-gap', `capture gap: ${gap.length} bytes missing at stream offset ${gap.streamOffset} (${gap.reason})`, gap.frames[gap.frames.length - 1], gap.streamOffset);
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
        this.warn(side, 'tls-record-unfinished', `connection ended inside a TLS record (${pending} bytes of an unfinished record)`);
      }
    }
    this.protection.lateSecrets();
    if (this.protection.keptRecords > 0 && this.holder) {
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
    this.transcript.settle(this.facts);
    this.transcript.release();
    this.protection.release(); // give the kept bytes back to the shared budget
    for (const s of this.sides) s.hs.reset(); // and a partial handshake message's to the global one
    this.observer.complete(this.conn, this.facts);
  }

  /** Retry decryption of kept records with the secrets known now; true when it decrypted and
   * no record waits for a secret any more (a held connection can then be reported). */
  retryLateKeys(): boolean {
    return this.protection.lateSecrets() && this.protection.keptRecords === 0;
  }

  /** Where completed connections wait for late secrets (set by the stage). */
  holder: ConnectionHolder | null = null;

  // ---- records ----

  /** No Hello was captured (yet): the capture started after the ClientHello and ServerHello. */
  private helloMissing(): boolean {
    return !this.clientHelloSeen && this.facts.version === 0;
  }

  /** TLS 1.3 without keys: encrypted records are shown as events until the handshake is surely over. */
  private inHandshakePhase(side: Side): boolean {
    return this.facts.version === TLS13 || this.protection.dirs[side].expectFinished;
  }

  private countAppData(side: Side, len: number): void {
    if (side !== this.facts.clientSide && this.transcript.awaiting) this.transcript.serverContinued(this.facts);
    const a = this.facts.appData[side];
    a.records++;
    a.bytes += len;
  }

  private onRecord(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    if (info.sslv2) {
      this.onSslv2Record(side, info, body);
      return;
    }
    const type = info.contentType;
    if (type === CONTENT_APPDATA && this.isEarlyData(side)) {
      this.onEarlyData(side, info, header, body);
      return;
    }
    if (type === CONTENT_CCS) {
      this.push(recordEvent(side, info, 'change_cipher_spec', 'plaintext', this.opts.keepBytes, header, body));
      // version 0 after a ClientHello: a CCS before ServerHello is TLS 1.3 middlebox compatibility
      // (0-RTT, HRR); without any Hello (capture started mid-handshake) it is the TLS 1.2 key change
      if (this.facts.version !== TLS13 && (this.facts.version !== 0 || this.helloMissing())) {
        this.protection.dirs[side].expectFinished = true;
        this.protection.switchOn(side, 'tls12-ccs');
      }
      return;
    }
    // capture started after the handshake: application data flows only after the key change, so
    // every later record of this direction is protected (never decoded as plaintext alerts)
    if (type === CONTENT_APPDATA && this.protection.phase(side) === 'plaintext' && this.helloMissing()) this.protection.switchOn(side, null);
    if (this.protection.readsAsProtected(side, type === CONTENT_APPDATA)) {
      this.protection.beforeRecord(side);
      this.readProtected(side, info, header, body);
      return;
    }
    this.onPlainRecord(side, info, type, header, body, 'plaintext', 5);
  }

  /** A protected record: decrypted when its direction has keys, else an encrypted record. */
  readProtected(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    if (this.protection.phase(side) === 'protected') this.decryptRecord(side, info, header, body);
    else this.onUndecryptable(side, info, header, body);
  }

  /** A kept 0-RTT record, under the early traffic secret its direction has for the moment. */
  readEarly(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    this.decryptRecord(side, info, header, body);
  }

  /** New keys for a direction: a handshake message cannot continue across them. */
  installed(side: Side): void {
    this.sides[side].hs.reset();
  }

  private onPlainRecord(side: Side, info: RecordInfo, type: number, header: Uint8Array, body: Uint8Array, vis: 'plaintext' | 'decrypted', bodyOffset: number): void {
    const s = this.sides[side];
    switch (type) {
      case CONTENT_HANDSHAKE:
        if (s.hsVisibility !== vis) {
          // a message cannot continue across the switch to encryption
          if (s.hs.pending) this.warn(side, 'tls-handshake-cut-by-encryption', `handshake message cut by the switch to encryption (frame ${info.frame})`, info.frame, info.streamOffset);
          s.hs.reset();
          s.hsVisibility = vis;
        }
        s.hs.push({ record: info, bodyStreamOffset: info.streamOffset + bodyOffset }, body);
        return;
      case CONTENT_ALERT:
        if (vis === 'plaintext' && !plausibleAlerts(body)) {
          // not level + description pairs: ciphertext (a key change we did not see), never alerts
          this.facts.encryptedRecords[side]++;
          this.push(encryptedAlertEvent(side, info, header, body, this.opts.keepBytes));
          return;
        }
        if (body.length < 2 || body.length % 2 !== 0) this.warn(side, 'tls-alert-bad-length', `alert record of ${body.length} bytes (expected 2) in frame ${info.frame}`, info.frame, info.streamOffset);
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
  private onUndecryptable(side: Side, info: RecordInfo, header?: Uint8Array, body?: Uint8Array): void {
    this.facts.encryptedRecords[side]++;
    const s = this.protection.dirs[side];
    const kept = this.protection.undecryptable(side, info, header, body);
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

  private decryptRecord(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    const r = this.protection.decrypt(side, info, header, body);
    if (!r.ok) {
      this.onUndecryptable(side, info);
      return;
    }
    if (r.contentType === CONTENT_HANDSHAKE) this.protection.dirs[side].expectFinished = false;
    this.onPlainRecord(side, info, r.contentType, header, r.plaintext, 'decrypted', 5 + r.plaintextOffset);
  }

  // ---- handshake messages ----

  private onMessage(side: Side, m: AssembledMessage, vis: 'plaintext' | 'decrypted'): void {
    const f = this.facts;
    const decoded = decodeMessage(m.type, m.body, {
      tls13: f.version === TLS13,
      cipherSuite: f.cipherSuite,
      fromServer: m.type === 1 ? false : m.type === 2 ? true : side !== f.clientSide,
      version: f.version || undefined,
      details: this.opts.eventDetails,
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
      details: this.opts.eventDetails === false ? undefined : decoded.details,
    };
    if (decoded.certificates) {
      ev.certificates = this.keepDer(decoded.certificates);
      const notKept = (decoded.typed as { notKept?: number }).notKept;
      if (notKept !== undefined && notKept > 0) ev.certificatesNotKept = notKept;
    }
    if (decoded.certificateAuthorities) ev.certificateAuthorities = this.keepDer(decoded.certificateAuthorities);
    if (decoded.warnings.length > 0) ev.warnings = decoded.warnings.slice(0, 10);
    if (decoded.malformed) ev.malformed = true;
    if (this.opts.keepBytes) ev.raw = copyBytes(m.raw);
    const change = applyMessageFacts(f, side, m.type, decoded, this.clientHelloSeen);
    if (m.type === 1) this.clientHelloSeen = true;
    const lost = this.sides[0].hs.dropped + this.sides[1].hs.dropped > 0 || f.gaps !== undefined;
    this.transcript.message(side === f.clientSide, m.raw, f, lost, m.frame, m.type === 11 ? ev.certificates?.[0] : undefined);
    this.push(ev);
    if (change === 'server-hello' && f.version === TLS13) {
      // RFC 8446 §2: everything after ServerHello is protected, both directions
      for (const sd of [0, 1] as Side[]) this.protection.switchOn(sd, 'tls13-handshake');
      this.protection.replayEarly();
    } else if (change === 'finished' && f.version === TLS13 && this.protection.dirs[side].keyStage !== 'tls13-application') {
      // the handshake's Finished switches to the application keys; a post-handshake
      // authentication Finished (RFC 8446 §4.6.2) travels under them and changes nothing
      this.protection.install(side, 'tls13-application');
    } else if (change === 'key-update') this.protection.keyUpdate(side);
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

  private onEarlyData(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    this.facts.encryptedRecords[side]++;
    const ev = recordEvent(side, info, 'encrypted', 'plaintext', this.opts.keepBytes, header, body);
    ev.reason = '0-RTT early data (sent before the ServerHello, under the early traffic secret)';
    this.push(ev);
    // kept (bounded) until the ServerHello names the cipher suite the early key needs
    this.protection.keepEarly(info, header, body, ev);
  }

  // ---- SSL 2.0 ----

  /** SSL 2.0 records: CLIENT-HELLO (decoded), SERVER-HELLO, CLIENT-MASTER-KEY, then encrypted. */
  private onSslv2Record(side: Side, info: RecordInfo, body: Uint8Array): void {
    const s = this.protection.dirs[side];
    const type = body.length > 0 ? body[0] : -1;
    const keep = this.opts.keepBytes;
    if (type === 1 && !this.clientHelloSeen) {
      const decoded = decodeSslv2Hello(body);
      Object.assign(this.facts, { sslv2ClientHello: true, clientSide: side, clientSideBy: 'client-hello' });
      this.clientHelloSeen = true;
      const ev = recordEvent(side, info, 'handshake', 'plaintext', keep, undefined, body);
      Object.assign(ev, { handshakeType: 1, type: 'ClientHello', details: decoded.details, length: body.length });
      if (decoded.warnings.length > 0) ev.warnings = decoded.warnings;
      if (decoded.random) this.facts.clientRandom = decoded.random;
      this.push(ev);
      return;
    }
    if (this.protection.phase(side) === 'plaintext' && (type === 4 || type === 2)) {
      // SERVER-HELLO (the server stays in SSL 2.0) / CLIENT-MASTER-KEY: the last plaintext messages
      const ev = recordEvent(side, info, 'handshake', 'plaintext', keep, undefined, body);
      Object.assign(ev, { type: type === 4 ? 'ServerHello' : 'ClientMasterKey', details: { sslv2: true, messageType: type }, length: body.length });
      if (type === 4) {
        this.facts.version = ProtocolVersion.SSL2;
        ev.handshakeType = 2;
      }
      this.protection.switchOn(side, null);
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
    this.log.push(ev);
    if (ev.side !== this.facts.clientSide) this.transcript.serverEvent(ev, this.facts);
  }

  /** Adds a warning (a frame and stream offset when it concerns them). */
  private warn(side: Side, code: WarningCode, msg: string, frame?: number, offset?: number): void {
    this.log.warn(side, code, msg, frame, offset);
  }
}
