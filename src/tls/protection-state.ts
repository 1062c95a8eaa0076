/**
 * The protection state of one TLS connection, per direction, in one place: the switch to
 * encryption, key lookup and install, records kept for secrets that may still arrive, and their
 * replay. Each direction is in one explicit phase:
 *
 *   plaintext ──switchOn──> protected         (the stage secret is known)
 *                      └──> awaiting-secret   (not known yet, and it may still arrive: the capture
 *                                              or the key log can still bring it; records are kept)
 *                      └──> undecryptable     (no keys, and none can come)
 *   protected ──install (next TLS 1.3 stage)──> protected | awaiting-secret | undecryptable
 *   protected ──fatal decryption failure──────> awaiting-secret | undecryptable
 *   awaiting-secret ──secret arrives (lateSecrets / beforeRecord)──> protected (kept records replayed)
 *   awaiting-secret ──keys found without this direction's stage──> undecryptable (TLS 1.2 keys
 *                                              come whole from one line: nothing more can come)
 *
 * The phase is recomputed from the facts it summarizes after every transition (`settle`), so the
 * record dispatch in tls-connection.ts asks the phase, never a combination of fields.
 */
import type { Side } from '../tcp/types.js';
import type { TlsEvent, TlsFacts } from './events.js';
import type { EventLog } from './event-log.js';
import type { ConnectionKeys, DecryptResult, KeyProvider, KeyStage, RecordProtection } from './protection.js';
import type { RecordInfo } from './record-reader.js';
import { DeferredRecords, newDeferBudget, type DeferBudget, type DeferredRecord } from './deferred-records.js';
import { ProtocolVersion } from './registry/versions.js';
import { copyBytes } from '../net/bytes.js';
import type { StageWarning, WarningCode } from '../warning-codes.js';

const TLS13 = ProtocolVersion.TLS13;

export type ProtectionPhase = 'plaintext' | 'awaiting-secret' | 'protected' | 'undecryptable';

/** One direction's protection. */
export class DirectionProtection {
  phase: ProtectionPhase = 'plaintext';
  /** Records of this direction are protected (after CCS in TLS 1.2, after ServerHello in TLS 1.3). */
  encrypted = false;
  prot: RecordProtection | null = null;
  /** The key stage this direction is in, and the key-log generation its keys were looked up at:
   * when a secret was missing then, a grown key log is tried again (live capture). */
  keyStage: KeyStage | null = null;
  keyGen = -1;
  /** Why no keys could be installed for the current stage (said once a record stays encrypted). */
  noKeyReason: { code: WarningCode; message: string } | null = null;
  /** Warnings given for a missing stage secret, withdrawn when that secret arrives later. */
  missingWarnings: StageWarning[] = [];
  /** `encrypted` events shown for this direction (capped, then counted as application data). */
  encryptedEvents = 0;
  /** TLS 1.2: the first protected handshake record after CCS is the Finished. */
  expectFinished = false;
}

/** What the protection state needs from its connection. */
export interface ProtectionHost {
  readonly facts: TlsFacts;
  readonly log: EventLog;
  /** New protection installed for a direction: a handshake message cannot continue across it. */
  installed(side: Side): void;
  /** A kept record read again, with the protection its direction has now. */
  readProtected(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void;
  /** An early-data record read again under the early traffic secret. */
  readEarly(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): void;
}

interface EarlyRecord {
  info: RecordInfo;
  header: Uint8Array;
  body: Uint8Array;
  event: TlsEvent;
}

const MAX_EARLY_RECORDS = 16;
const MAX_EARLY_BYTES = 64 * 1024;

export class ProtectionState {
  readonly dirs: [DirectionProtection, DirectionProtection] = [new DirectionProtection(), new DirectionProtection()];
  private keys: ConnectionKeys | null = null;
  /** Key-log generation of the last failed lookup (retry when it changes); -1 = never looked up. */
  private lookedUpAt = -1;
  private readonly deferred: DeferredRecords | null;
  private readonly early: EarlyRecord[] = [];
  private earlyBytes = 0;

  constructor(
    private readonly host: ProtectionHost,
    private readonly provider: KeyProvider | undefined,
    deferBudget: DeferBudget | undefined,
  ) {
    this.deferred = provider?.lateKeysPossible ? new DeferredRecords(deferBudget ?? newDeferBudget()) : null;
  }

  phase(side: Side): ProtectionPhase {
    return this.dirs[side].phase;
  }

  get hasKeys(): boolean {
    return this.keys !== null;
  }

  // ---- transitions ----

  /** The direction switches to protected records at `stage` (null: SSL 2.0, no keys ever). */
  switchOn(side: Side, stage: KeyStage | null): void {
    this.dirs[side].encrypted = true;
    if (stage !== null) this.install(side, stage);
    else this.settle();
  }

  /** Keys for the direction's next stage (TLS 1.3 application secrets after its Finished). */
  install(side: Side, stage: KeyStage): void {
    const d = this.dirs[side];
    d.keyStage = stage;
    d.keyGen = this.provider?.generation() ?? -1;
    if (this.lookupKeys()) {
      // why not (a missing secret) is said only if a record of this direction then stays encrypted
      d.noKeyReason = null;
      const prot = this.keys!.protection(side === this.host.facts.clientSide, stage, (code, message) => (d.noKeyReason = { code, message }));
      d.prot = prot;
      if (prot) this.host.installed(side);
    }
    this.settle();
  }

  /** TLS 1.3 KeyUpdate: the direction's next-generation traffic secret. */
  keyUpdate(side: Side): void {
    this.dirs[side].prot?.keyUpdate?.();
  }

  // ---- records ----

  /** Whether an application_data record body is worth reading (decryptable now or kept). */
  wantsBody(side: Side, length: number): boolean {
    const p = this.dirs[side].phase;
    return p === 'protected' || (p === 'awaiting-secret' && this.deferred!.canStore(length + 5));
  }

  /** Whether a record of `type` goes through decryption (or stays an encrypted record). */
  readsAsProtected(side: Side, isAppData: boolean): boolean {
    const p = this.dirs[side].phase;
    if (p === 'plaintext') return false;
    // TLS 1.3 protects only records of outer type application_data: an alert of type 21 sent
    // before the sender switched keys (e.g. OpenSSL rejecting the server's certificate) is plaintext
    if (this.host.facts.version === TLS13) return isAppData;
    // TLS 1.2 application data without keys (and none to come) is only counted
    return !isAppData || p === 'protected' || p === 'awaiting-secret';
  }

  /** Before a protected record: secrets that arrived meanwhile are used now. */
  beforeRecord(side: Side): void {
    const d = this.dirs[side];
    if (d.prot !== null) return;
    if (this.deferred && this.lateSecrets()) {
      // secrets arrived meanwhile (live key log): this record is decryptable now
    } else if (this.keys && d.keyStage && this.provider && this.provider.generation() !== d.keyGen) {
      // keys were found but this stage's secret was missing: the key log grew, try again
      this.install(side, d.keyStage);
    }
  }

  /** Decrypts with the direction's protection; a failure is a warning, a fatal one ends it. */
  decrypt(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): DecryptResult {
    const d = this.dirs[side];
    const r = d.prot!.decrypt(header, body);
    if (!r.ok) {
      this.host.log.warn(side, 'tls-record-decrypt-failed', `record ${info.index} in frame ${info.frame} did not decrypt: ${r.reason}`, info.frame, info.streamOffset);
      if (r.fatal) {
        d.prot = null;
        this.host.facts.keyProblem ??= 'key log entry for this ClientHello random does not decrypt this connection';
        this.settle();
      }
    } else this.host.facts.decrypted = true;
    return r;
  }

  /**
   * A protected record that stays encrypted (now): says once why (a missing secret), and keeps
   * the record when its secret may still arrive. Returns the kept record, if it was kept.
   */
  undecryptable(side: Side, info: RecordInfo, header?: Uint8Array, body?: Uint8Array): DeferredRecord | null {
    const d = this.dirs[side];
    const awaiting = d.phase === 'awaiting-secret';
    if (d.noKeyReason) {
      const w = this.host.log.warn(side, d.noKeyReason.code, d.noKeyReason.message, info.frame, info.streamOffset);
      if (w !== null && awaiting) d.missingWarnings.push(w);
      d.noKeyReason = null;
    }
    return header && body && awaiting ? this.deferred!.store(side, info, header, body) : null;
  }

  // ---- late secrets ----

  /**
   * Secrets that arrived after some protected records (a DSB later in the file, a key log still
   * being written): decrypt the kept records now, replacing their `encrypted` events. True when
   * keys were installed.
   */
  lateSecrets(): boolean {
    const d = this.deferred;
    if (!d) return false;
    if (this.keys) return this.retryMissingStages();
    if (d.records.length === 0 || !this.lookupKeys()) return false;
    this.settle();
    const kept = d.take();
    const tls13 = this.host.facts.version === TLS13;
    this.unrecord(kept);
    for (const side of new Set(kept.map((r) => r.side))) {
      this.install(side, tls13 ? 'tls13-handshake' : 'tls12-ccs');
      this.dirs[side].expectFinished = !tls13;
    }
    this.replay(kept);
    return true;
  }

  /** Records kept for late secrets (none: nothing waits). */
  get keptRecords(): number {
    return this.deferred?.records.length ?? 0;
  }

  /** The connection is reported: the kept bytes go back to the shared budget. */
  release(): void {
    this.deferred?.take();
    if (this.deferred?.full && !this.keys) {
      this.host.log.warn(this.host.facts.clientSide, 'tls-deferred-records-limit', 'too many protected records to keep for later decryption; the rest stay encrypted');
    }
  }

  /** Keys were found, but a direction lacked its stage's secret: retry once the key log grew,
   * and decrypt what that direction kept meanwhile. True when a direction got its keys. */
  private retryMissingStages(): boolean {
    const gen = this.provider?.generation() ?? -1;
    let any = false;
    for (const side of [0, 1] as Side[]) {
      const d = this.dirs[side];
      if (d.prot !== null || !d.keyStage || d.keyGen === gen) continue;
      this.install(side, d.keyStage);
      if (d.prot === null) continue;
      any = true;
      const kept = this.deferred?.takeSide(side) ?? [];
      if (kept.length === 0) continue;
      // the stage secret those warnings missed is here now
      this.host.log.withdraw(d.missingWarnings.splice(0));
      this.unrecord(kept);
      this.replay(kept);
    }
    return any;
  }

  /** Takes kept records out of the facts (events, counters) before they are replayed. */
  private unrecord(kept: DeferredRecord[]): void {
    const f = this.host.facts;
    this.host.log.retract(kept.map((r) => r.event));
    for (const r of kept) {
      f.encryptedRecords[r.side]--;
      if (r.countedAppData) {
        f.appData[r.side].records--;
        f.appData[r.side].bytes -= r.info.length;
      }
      if (r.event) this.dirs[r.side].encryptedEvents--;
    }
  }

  /** Reads kept records again in order with the protection their direction has now; a record of
   * a stage whose secret is not logged yet (e.g. after the Finished) is kept again. */
  private replay(kept: DeferredRecord[]): void {
    for (const r of kept) this.host.readProtected(r.side, r.info, r.header, r.body);
    this.host.log.toWireOrder();
  }

  // ---- 0-RTT ----

  /** Keeps (bounded) a 0-RTT record until the ServerHello names the suite its early key needs. */
  keepEarly(info: RecordInfo, header: Uint8Array, body: Uint8Array, event: TlsEvent): void {
    if (this.early.length < MAX_EARLY_RECORDS && this.earlyBytes + body.length <= MAX_EARLY_BYTES) {
      this.earlyBytes += body.length;
      this.early.push({ info: { ...info, frames: info.frames.slice() }, header: copyBytes(header), body: copyBytes(body), event });
    }
  }

  /** After the ServerHello: decrypt the kept 0-RTT records under the early traffic secret. */
  replayEarly(): void {
    if (this.early.length === 0 || !this.keys) return;
    const f = this.host.facts;
    const side = f.clientSide;
    const early = this.keys.protection(true, 'tls13-early', () => undefined);
    if (!early) return;
    const d = this.dirs[side];
    const hsProt = d.prot;
    d.prot = early;
    this.settle();
    const replay = this.early.splice(0);
    this.host.log.retract(replay.map((r) => r.event));
    for (const r of replay) {
      f.encryptedRecords[side]--;
      this.host.readEarly(side, r.info, r.header, r.body);
    }
    d.prot = hsProt;
    this.settle();
    this.host.log.toWireOrder();
  }

  // ---- keys ----

  private lookupKeys(): boolean {
    const f = this.host.facts;
    if (this.keys || !this.provider || !f.clientRandom) return this.keys !== null;
    const gen = this.provider.generation();
    if (gen === this.lookedUpAt) return false;
    this.lookedUpAt = gen;
    this.keys = this.provider.lookup(f, (code, msg) => this.host.log.warn(f.clientSide, code, msg));
    return this.keys !== null;
  }

  /** Records of a direction may still become decryptable: no keys for the connection yet, or
   * keys without this direction's secret for its current stage (a live key log written line by
   * line: the server's handshake secret can be read before the client's). */
  private mayGetKeys(d: DirectionProtection): boolean {
    if (this.keys === null) return true;
    // TLS 1.2 keys come whole from one CLIENT_RANDOM line: nothing more can arrive for them
    return d.prot === null && (d.keyStage === 'tls13-handshake' || d.keyStage === 'tls13-application');
  }

  /** Each direction's phase, from what it summarizes (after every transition). */
  private settle(): void {
    for (const d of this.dirs) {
      d.phase = !d.encrypted ? 'plaintext'
        : d.prot !== null ? 'protected'
          : this.deferred !== null && this.mayGetKeys(d) ? 'awaiting-secret'
            : 'undecryptable';
    }
  }
}
