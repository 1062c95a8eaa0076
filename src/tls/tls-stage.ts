/**
 * The tls stage: its options, and the StreamConsumer factory for src/tcp that creates one
 * TlsConnection per TCP connection and holds the connections whose secrets may still arrive.
 */
import type { StreamConsumer, TcpConnection } from '../tcp/types.js';
import type { TlsObserver } from './events.js';
import { newDeferBudget, type DeferBudget } from './deferred-records.js';
import { DerInterner } from './der-interner.js';
import type { KeyProvider } from './protection.js';
import { TlsConnection } from './tls-connection.js';
import { newTranscriptBudget, type TranscriptBudget } from './transcript.js';

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
  /** Bytes kept over all connections for deferred decryption. */
  deferBudget?: DeferBudget;
  /** Shared copies of certificates and CA names (one per distinct blob); absent = a copy each. */
  derInterner?: DerInterner;
  /** Handshake bytes kept over all connections for CertificateVerify checks; absent = per connection. */
  transcriptBudget?: TranscriptBudget;
  /** Check the client's CertificateVerify signature even when the server went on after it (which
   * shows the server verified it): a public-key operation per mTLS handshake. Default: only when
   * the server sent an alert or the connection ended before it went on. */
  checkAllSignatures?: boolean;
}

export const DEFAULT_TLS_OPTIONS: TlsStageOptions = {
  keepBytes: false,
  maxEvents: 1000,
  maxHandshakeMessage: 1024 * 1024,
  maxEncryptedEvents: 16,
};

export interface ConnectionHolder {
  hold(c: TlsConnection): void;
}

const MAX_HELD = 10_000;

/**
 * The tls stage: the StreamConsumer factory for src/tcp, plus the connections that finished while
 * their secrets may still arrive (held until `secretsAdded()` decrypts them or `flush()`).
 */
export class TlsStage implements ConnectionHolder {
  private readonly opts: TlsStageOptions;
  private held: TlsConnection[] = [];
  readonly factory: (conn: TcpConnection) => StreamConsumer;

  constructor(observer: TlsObserver, opts: Partial<TlsStageOptions> = {}) {
    const o: TlsStageOptions = { ...DEFAULT_TLS_OPTIONS, ...opts };
    o.derInterner ??= new DerInterner();
    o.transcriptBudget ??= newTranscriptBudget();
    this.opts = o;
    this.factory = (conn) => {
      if (o.keys?.lateKeysPossible && !o.deferBudget) o.deferBudget = newDeferBudget();
      const c = new TlsConnection(conn, observer, o);
      c.holder = this;
      return c;
    };
  }

  hold(c: TlsConnection): void {
    c.heldAt = Date.now();
    this.held.push(c);
    if (this.held.length > MAX_HELD) this.held.shift()!.finishComplete();
  }

  /** Live runs: report connections whose secrets did not come within `maxWaitMs`. */
  expireHeld(maxWaitMs: number): void {
    const now = Date.now();
    while (this.held.length > 0 && now - this.held[0].heldAt > maxWaitMs) this.held.shift()!.finishComplete();
  }

  /** New secrets arrived: report the held connections they decrypt. */
  secretsAdded(): void {
    if (this.held.length === 0) return;
    const still: TlsConnection[] = [];
    for (const c of this.held) {
      if (c.retryLateKeys()) c.finishComplete();
      else still.push(c);
    }
    this.held = still;
  }

  /** End of input: report every held connection with what could be decrypted. */
  flush(): void {
    const held = this.held;
    this.held = [];
    for (const c of held) {
      c.retryLateKeys();
      c.finishComplete();
    }
  }

  get heldCount(): number {
    return this.held.length;
  }
}
