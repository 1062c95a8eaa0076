/**
 * The tls stage's options, and how a finished connection waits for late secrets: shared by the
 * stage (tls-stage.ts) and the per-connection state machine (tls-connection.ts) without either
 * importing the other's module.
 */
import type { MemoryCharge } from '../tcp/buffer-budget.js';
import type { DeferBudget } from './deferred-records.js';
import type { TranscriptBudget } from './transcript.js';
import type { DerInterner } from './der-interner.js';
import type { KeyProvider } from './protection.js';

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
  /** The global memory budget of src/tcp: partial handshake messages are charged to it. */
  memory?: MemoryCharge;
  /** Handshake bytes kept over all connections for CertificateVerify checks; absent = per connection. */
  transcriptBudget?: TranscriptBudget;
  /** Check the client's CertificateVerify signature even when the server went on after it (which
   * shows the server verified it): a public-key operation per mTLS handshake. Default: only when
   * the server sent an alert or the connection ended before it went on. */
  checkAllSignatures?: boolean;
  /** Build each handshake event's decoded `details` (default true). False when no consumer reads
   * them (text, Markdown and HTML reports without a display filter): the messages are decoded all
   * the same, only their JSON description is not made. */
  eventDetails?: boolean;
}

export const DEFAULT_TLS_OPTIONS: TlsStageOptions = {
  keepBytes: false,
  maxEvents: 1000,
  maxHandshakeMessage: 1024 * 1024,
  maxEncryptedEvents: 16,
};

/** A finished connection whose kept records may still decrypt when secrets arrive. */
export interface HeldConnection {
  /** When it was held (ms). */
  heldAt: number;
  /** Retry with the secrets known now; true when nothing waits for a secret any more. */
  retryLateKeys(): boolean;
  /** Report it with whatever could be decrypted. */
  finishComplete(): void;
}

/** Where completed connections wait for late secrets (the stage). */
export interface ConnectionHolder {
  hold(c: HeldConnection): void;
}
