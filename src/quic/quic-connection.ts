/**
 * One QUIC connection: its packets (already matched to it and to a side by the stage) are
 * unprotected with the Initial keys or, once the ServerHello named the suite, with packet keys
 * derived from the key log's traffic secrets; CRYPTO frames are reassembled per packet number
 * space and direction and fed to the TLS handshake assembler and message decoders of src/tls, so
 * the TlsFacts it builds are those of a TLS 1.3 connection over TCP. CONNECTION_CLOSE with a
 * crypto error (0x0100 + alert) becomes a TLS alert event.
 */
import type { Side, TcpConnection } from '../tcp/types.js';
import type { QuicFacts, TlsEvent, TlsFacts, TlsObserver } from '../tls/events.js';
import { HandshakeAssembler, type AssembledMessage } from '../tls/handshake-assembler.js';
import { applyMessageFacts, decodeMessage } from '../tls/message-facts.js';
import { newTlsFacts } from '../tls/facts.js';
import type { RecordInfo } from '../tls/record-reader.js';
import type { TlsStageOptions } from '../tls/tls-stage.js';
import { copyBytes } from '../net/bytes.js';
import { CryptoStream, type CryptoMeta } from './crypto-stream.js';
import { parseFrames, type FrameSink } from './frames.js';
import { unprotect, type PacketHeader } from './packet.js';
import { initialKeys, secretKeys, type PacketKeys, type QuicVersion } from './protection.js';
import { cidHex } from './wire.js';
import { KeptPackets, newKeptBudget, type KeptBudget, type KeptPacket } from './kept-packets.js';
import { warning, type WarningCode } from '../warning-codes.js';

/** Packet number spaces (RFC 9000 §12.3); 0-RTT shares the application space. */
export const SPACE_INITIAL = 0;
export const SPACE_HANDSHAKE = 1;
export const SPACE_APP = 2;
const SPACE_NAMES = ['Initial', 'Handshake', '1-RTT'];

const MAX_WARNINGS = 50;
const MAX_CLOSES = 8;
/** Encrypted-packet events shown per side before the rest are only counted. */
const MAX_ENCRYPTED_EVENTS = 16;
/** After HANDSHAKE_DONE, 1-RTT packets decrypted per side before only small ones are. */
const MAX_APP_DECRYPTED = 16;
const SMALL_APP_PACKET = 128;

interface Space {
  stream: CryptoStream;
  hs: HandshakeAssembler;
  largest: number;
  keys: PacketKeys | null;
  /** Why there are no keys (said once, when a packet of this space stays encrypted). */
  noKeys: string | null;
  noKeysCode: WarningCode;
}

export class QuicConnection {
  readonly facts: TlsFacts = newTlsFacts();
  readonly quic: QuicFacts;
  private readonly spaces: [Space[], Space[]];
  private clientHelloSeen = false;
  private keysLookedUp = false;
  private encryptedEvents: [number, number] = [0, 0];
  private alertSides = [false, false];
  private handshakeDone = false;
  private appDecrypted: [number, number] = [0, 0];
  /** Current packet (for the frame sink). */
  private cur: { side: Side; space: number; meta: CryptoMeta; type: string } | null = null;
  private readonly info: RecordInfo = {
    index: 0, contentType: 22, version: 0x0304, length: 0, streamOffset: 0, firstFrame: 0, frame: 0, frames: [], tsSec: 0, tsNsec: 0, sslv2: false,
  };
  private readonly sink: FrameSink;
  /** Last time (capture seconds) a packet came. */
  lastSec = 0;

  constructor(
    readonly conn: TcpConnection,
    public version: QuicVersion,
    private initialDcid: Uint8Array,
    private readonly observer: TlsObserver,
    private readonly opts: TlsStageOptions,
  ) {
    this.quic = {
      udpStream: conn.id, version: version.number, versionName: version.name, originalDcid: cidHex(initialDcid),
      packets: {}, undecrypted: [0, 0], closes: [],
    };
    this.facts.quic = this.quic;
    this.spaces = [this.makeSpaces(0), this.makeSpaces(1)];
    this.installInitialKeys();
    this.sink = {
      crypto: (off, data) => this.onCrypto(off, data),
      close: (code, ft, reason, app) => this.onClose(code, ft, reason, app),
      newConnectionId: (cid) => this.onNewCid?.(cid),
      handshakeDone: () => (this.handshakeDone = true),
    };
  }

  /** Set by the stage: a NEW_CONNECTION_ID frame announced a CID of this connection. */
  onNewCid: ((cid: Uint8Array) => void) | null = null;

  private makeSpaces(side: Side): Space[] {
    const out: Space[] = [];
    for (let sp = 0; sp < 3; sp++) {
      const warn = (code: WarningCode, msg: string, frame: number, offset = -1) => this.warn(side, code, `${SPACE_NAMES[sp]}: ${msg} (frame ${frame})`, frame, offset);
      const hs = new HandshakeAssembler((m) => this.onMessage(side, sp, m), warn, this.opts.maxHandshakeMessage);
      const stream = new CryptoStream((off, bytes, meta) => this.feed(hs, off, bytes, meta), warn);
      out.push({ stream, hs, largest: -1, keys: null, noKeys: null, noKeysCode: 'keylog-secret-missing' });
    }
    return out;
  }

  private installInitialKeys(): void {
    const k = initialKeys(this.version, this.initialDcid);
    this.spaces[0][SPACE_INITIAL].keys = k.client;
    this.spaces[1][SPACE_INITIAL].keys = k.server;
  }

  /** A Retry: the client's next Initial (and the server's) use keys from the Retry's SCID. */
  retry(frame: number, scid: Uint8Array, tokenLength: number): void {
    this.quic.retry ??= { frame, tokenLength };
    this.initialDcid = copyBytes(scid);
    this.installInitialKeys();
  }

  versionNegotiation(frame: number, versions: number[]): void {
    this.quic.versionNegotiation ??= { frame, versions: versions.slice() };
  }

  /** One QUIC packet of `type` (coalesced packets count one each). */
  count(side: Side, type: string): void {
    const p = (this.quic.packets[type] ??= [0, 0]);
    p[side]++;
  }

  /** One UDP datagram of the connection: the `tcp`-shaped counters hold datagrams and UDP payload bytes. */
  datagram(side: Side, bytes: number): void {
    const st = this.conn.stats[side];
    st.packets++;
    st.bytes += bytes;
  }

  /** One protected packet (long or short header) of this connection from `side`. */
  packet(side: Side, d: Uint8Array, h: PacketHeader, frame: number, tsSec: number, tsNsec: number): void {
    const type = h.type;
    const sp = type === 'Initial' ? SPACE_INITIAL : type === 'Handshake' ? SPACE_HANDSHAKE : SPACE_APP;
    const space = this.spaces[side][sp]!;
    if (!space.keys) {
      // the secret may still come (DSB later in the file, live key log): keep the packet
      const worth = sp === SPACE_HANDSHAKE || (sp === SPACE_APP && this.oneRttKept++ < 16); // 1-RTT: its first packets (tickets, CONNECTION_CLOSE)
      const kept = worth && this.opts.keys?.lateKeysPossible && !this.replaying ? this.keptPackets().keep(side, d, h, frame, tsSec, tsNsec) : null;
      const r = this.undecrypted(side, sp, h, frame, tsSec, tsNsec, space.noKeys ?? 'no keys');
      if (kept) Object.assign(kept, r);
      return;
    }
    if (sp === SPACE_APP && this.handshakeDone && this.appDecrypted[side]! >= MAX_APP_DECRYPTED && h.end - h.pnOffset > SMALL_APP_PACKET) {
      // the handshake is over: large 1-RTT packets are application data, not decrypted (cost);
      // small ones still are (a CONNECTION_CLOSE with its alert or error code)
      const a = this.facts.appData[side];
      a.records++;
      a.bytes += h.end - h.pnOffset;
      return;
    }
    let r = unprotect(d, h, space.keys, space.largest);
    if (typeof r === 'string' && sp === SPACE_INITIAL && space.largest < 0 && this.version.altSalt) {
      // an unknown version: the other Initial salt, once
      this.version = { ...this.version, salt: this.version.altSalt, altSalt: undefined };
      this.installInitialKeys();
      r = unprotect(d, h, this.spaces[side][sp]!.keys!, space.largest);
    }
    if (typeof r === 'string') {
      this.undecrypted(side, sp, h, frame, tsSec, tsNsec, r);
      return;
    }
    if (r.pn > space.largest) space.largest = r.pn;
    if (sp === SPACE_APP) this.appDecrypted[side]!++;
    if (sp !== SPACE_INITIAL) this.facts.decrypted = true;
    this.cur = { side, space: sp, meta: { frame, pn: r.pn, tsSec, tsNsec }, type };
    const why = parseFrames(r.payload, this.sink);
    this.cur = null;
    if (why) this.warn(side, 'quic-frame-malformed', `${type} packet ${r.pn} in frame ${frame}: ${why}`, frame);
  }

  private undecrypted(side: Side, sp: number, h: PacketHeader, frame: number, tsSec: number, tsNsec: number, why: string): { event: TlsEvent | null; app: boolean } {
    this.quic.undecrypted[side]++;
    if (sp === SPACE_APP) {
      // 1-RTT without keys is application data as far as the handshake is concerned
      const a = this.facts.appData[side];
      a.records++;
      a.bytes += h.end - h.pnOffset;
      if (this.spaces[side][sp]!.keys) this.warn(side, 'quic-packet-decrypt-failed', `1-RTT packet in frame ${frame} did not decrypt: ${why}`, frame);
      return { event: null, app: true };
    }
    const space = this.spaces[side][sp]!;
    if (space.keys) this.warn(side, 'quic-packet-decrypt-failed', `${h.type} packet in frame ${frame} did not decrypt: ${why}`, frame);
    else if (space.noKeys) {
      this.warn(side, space.noKeysCode, space.noKeys, frame);
      space.noKeys = '';
    }
    this.facts.encryptedRecords[side]++;
    if (this.encryptedEvents[side]! >= MAX_ENCRYPTED_EVENTS) return { event: null, app: false };
    this.encryptedEvents[side]!++;
    const ev: TlsEvent = {
      side, kind: 'encrypted', visibility: 'plaintext', frame, frames: [frame], tsSec, tsNsec,
      streamOffset: -1, recordIndex: -1, length: h.end - h.pnOffset,
      details: { quicPacket: h.type },
      reason: `QUIC ${h.type} packet, ${h.end - h.pnOffset} bytes protected (packet number, frames and TLS messages unreadable without the key log)`,
    };
    this.push(ev);
    return { event: ev, app: false };
  }

  // ---- secrets that came late ----

  /** Shared by the stage's connections (set by the stage). */
  keptBudget: KeptBudget | null = null;
  private kept: KeptPackets | null = null;
  private replaying = false;
  private oneRttKept = 0;

  private keptPackets(): KeptPackets {
    this.kept ??= new KeptPackets((this.keptBudget ??= newKeptBudget()));
    return this.kept;
  }

  /** Decrypts the kept packets with the secrets known now, replacing their `encrypted` events. */
  private replayKept(): void {
    const list = this.kept?.take() ?? [];
    if (list.length === 0) return;
    this.keysLookedUp = false;
    this.installSecretKeys();
    const drop = new Set(list.map((k) => k.event));
    this.facts.events = this.facts.events.filter((e) => !drop.has(e));
    this.replaying = true;
    for (const k of list) this.replayOne(k);
    this.replaying = false;
    // back to wire order (sort is stable: within a frame, CRYPTO order stays)
    this.facts.events.sort((a, b) => a.frame - b.frame);
  }

  private replayOne(k: KeptPacket): void {
    const f = this.facts;
    this.quic.undecrypted[k.side]--;
    if (k.app) {
      f.appData[k.side].records--;
      f.appData[k.side].bytes -= k.h.end - k.h.pnOffset;
    } else {
      f.encryptedRecords[k.side]--;
      if (k.event) this.encryptedEvents[k.side]!--;
    }
    this.packet(k.side, k.bytes, k.h, k.frame, k.tsSec, k.tsNsec);
  }

  // ---- frames ----

  private onCrypto(off: number, data: Uint8Array): void {
    const c = this.cur!;
    this.spaces[c.side][c.space]!.stream.push(off, data, c.meta);
  }

  private feed(hs: HandshakeAssembler, off: number, bytes: Uint8Array, meta: CryptoMeta): void {
    const info = this.info;
    info.index = meta.pn;
    info.frame = info.firstFrame = meta.frame;
    info.frames = [meta.carried ?? meta.frame];
    info.tsSec = meta.tsSec;
    info.tsNsec = meta.tsNsec;
    info.streamOffset = off;
    info.length = bytes.length;
    hs.push({ record: info, bodyStreamOffset: off }, bytes);
  }

  private onClose(code: number, frameType: number, reason: Uint8Array, application: boolean): void {
    const c = this.cur!;
    const q = this.quic;
    const text = reason.length > 0 ? Buffer.from(reason.subarray(0, 200)).toString('utf8') : undefined;
    if (q.closes.length < MAX_CLOSES) {
      q.closes.push({ frame: c.meta.frame, side: c.side, packetType: c.type, packetNumber: c.meta.pn, errorCode: code, application, ...(application ? {} : { frameType }), ...(text !== undefined ? { reason: text } : {}) });
    }
    // crypto error 0x0100-0x01ff: the TLS alert (RFC 9001 §4.8), once per sender
    if (application || code < 0x100 || code > 0x1ff || this.alertSides[c.side]) return;
    this.alertSides[c.side] = true;
    this.push({
      side: c.side, kind: 'alert', visibility: c.space === SPACE_INITIAL ? 'plaintext' : 'decrypted',
      frame: c.meta.frame, frames: [c.meta.frame], tsSec: c.meta.tsSec, tsNsec: c.meta.tsNsec,
      streamOffset: -1, recordIndex: c.meta.pn, alertLevel: 2, alertCode: code - 0x100, length: 2,
      details: { quicErrorCode: `0x${code.toString(16).padStart(4, '0')}`, quicPacket: c.type, packetNumber: c.meta.pn },
      reason: `QUIC CONNECTION_CLOSE with crypto error 0x${code.toString(16).padStart(4, '0')} (0x0100 + TLS alert ${code - 0x100}, RFC 9001 §4.8) in ${c.type} packet ${c.meta.pn}`,
    });
  }

  // ---- TLS messages ----

  private onMessage(side: Side, sp: number, m: AssembledMessage): void {
    const f = this.facts;
    f.isTls = true;
    const decoded = decodeMessage(m.type, m.body, {
      tls13: f.version === 0x0304,
      cipherSuite: f.cipherSuite,
      fromServer: m.type === 1 ? false : m.type === 2 ? true : side !== f.clientSide,
      version: f.version || undefined,
    });
    const details = { ...decoded.details, quicPacket: SPACE_NAMES[sp], packetNumber: m.recordIndex, cryptoOffset: m.streamOffset };
    const ev: TlsEvent = {
      side, kind: 'handshake', visibility: sp === SPACE_INITIAL ? 'plaintext' : 'decrypted',
      frame: m.frame, frames: m.frames, tsSec: m.tsSec, tsNsec: m.tsNsec, streamOffset: m.streamOffset,
      recordIndex: m.recordIndex, handshakeType: m.type, type: decoded.name, length: m.length, details,
    };
    const der = this.opts.derInterner;
    if (decoded.certificates) ev.certificates = decoded.certificates.map((c) => (der ? der.intern(c) : copyBytes(c)));
    if (decoded.certificateAuthorities) ev.certificateAuthorities = decoded.certificateAuthorities.map((c) => (der ? der.intern(c) : copyBytes(c)));
    if (decoded.warnings.length > 0) ev.warnings = decoded.warnings.slice(0, 10);
    if (this.opts.keepBytes) ev.raw = copyBytes(m.raw);
    const change = applyMessageFacts(f, side, m.type, decoded, this.clientHelloSeen);
    if (m.type === 1) this.clientHelloSeen = true;
    this.push(ev);
    if (change === 'server-hello') this.installSecretKeys();
  }

  /** After the ServerHello: Handshake and 1-RTT keys of both sides from the key log. */
  private installSecretKeys(): void {
    const f = this.facts;
    const provider = this.opts.keys;
    const missing = (sp: number, label: string) => `cannot decrypt ${SPACE_NAMES[sp]} packets: ${label} missing from the key log`;
    const labels = [
      ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET'],
      ['CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'],
    ];
    // no key log (entry) at all: the encrypted-no-keys diagnosis says so; a warning is for a key
    // log that has this connection but lacks a secret
    if (!provider?.tls13Secret || !f.clientRandom) return;
    if (!this.keysLookedUp) {
      this.keysLookedUp = true;
      provider.lookup(f, (code, msg) => this.warn(f.clientSide, code, msg)); // sets keysFound / missingSecrets
    }
    for (const side of [0, 1] as Side[]) {
      const isClient = side === f.clientSide;
      for (let i = 0; i < 2; i++) {
        const sp = i === 0 ? SPACE_HANDSHAKE : SPACE_APP;
        const label = labels[i]![isClient ? 0 : 1]!;
        const space = this.spaces[side][sp]!;
        const secret = provider.tls13Secret(f.clientRandom, label);
        if (!secret) {
          space.noKeys = f.keysFound ? missing(sp, label) : null;
          space.noKeysCode = 'keylog-secret-missing';
          continue;
        }
        const k = secretKeys(this.version, f.cipherSuite, secret);
        if (typeof k === 'string') {
          space.noKeys = `cannot decrypt ${SPACE_NAMES[sp]} packets: ${k}`;
          space.noKeysCode = 'tls-decryption-unsupported';
        }
        else space.keys = k;
      }
    }
  }

  // ---- end ----

  complete(): void {
    this.replayKept();
    if (this.kept?.full && this.facts.decrypted) this.warn(this.facts.clientSide, 'quic-deferred-packets-limit', 'too many protected QUIC packets to keep for later decryption; the rest stay encrypted');
    for (const side of [0, 1] as Side[]) {
      for (let sp = 0; sp < 3; sp++) {
        const s = this.spaces[side][sp]!;
        if (s.stream.waiting > 0) this.warn(side, 'quic-crypto-incomplete', `${SPACE_NAMES[sp]}: ${s.stream.waiting} bytes of CRYPTO data never became contiguous (a packet is missing)`);
        else if (s.hs.pending) this.warn(side, 'quic-handshake-unfinished', `${SPACE_NAMES[sp]}: the connection ended inside a handshake message`);
      }
    }
    this.observer.complete(this.conn, this.facts);
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

  warn(side: Side, code: WarningCode, msg: string, frame?: number, offset?: number): void {
    const f = this.facts;
    if (f.warnings.length >= MAX_WARNINGS) {
      f.warningsDropped++;
      return;
    }
    f.warnings.push(warning(code, `${side === f.clientSide ? 'client->server' : 'server->client'}: ${msg}`, frame, offset, side));
  }
}
