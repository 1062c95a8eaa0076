/**
 * The seam between the TLS state machine and decryption (src/tls/decrypt): the state machine asks a
 * KeyProvider for a connection's keys once it knows the ClientHello random, then asks for a
 * RecordProtection per direction at each key change.
 */
import type { TlsFacts } from './events.js';
import type { WarningCode } from '../warning-codes.js';

export type DecryptResult =
  | {
      ok: true;
      /** Inner content type (TLS 1.3) or the record's own type (TLS 1.2). */
      contentType: number;
      plaintext: Uint8Array;
      /** Offset of the plaintext inside the record body (explicit nonce / IV), for stream offsets. */
      plaintextOffset: number;
    }
  | {
      ok: false;
      reason: string;
      /** The keys are wrong (not a one-off bad record): stop decrypting this direction. */
      fatal: boolean;
    };

export interface RecordProtection {
  decrypt(header: Uint8Array, body: Uint8Array): DecryptResult;
  /** TLS 1.3 KeyUpdate: switch to the next-generation traffic secret. */
  keyUpdate?(): void;
}

export type KeyStage = 'tls12-ccs' | 'tls13-early' | 'tls13-handshake' | 'tls13-application';

export interface ConnectionKeys {
  /** Protection for the given direction at the given stage, or null (warns why) when impossible. */
  protection(isClient: boolean, stage: KeyStage, warn: (code: WarningCode, msg: string) => void): RecordProtection | null;
}

export interface KeyProvider {
  /** Keys for a connection (by facts.clientRandom), or null when the key log has none. */
  lookup(facts: TlsFacts, warn: (code: WarningCode, msg: string) => void): ConnectionKeys | null;
  /** Changes whenever secrets are added: a failed lookup is worth retrying after a change. */
  generation(): number;
  /** Secrets may still arrive (pcapng DSB later in the file, a key log being written live): keep
   * protected records of connections without keys for deferred decryption. */
  readonly lateKeysPossible: boolean;
  /** A TLS 1.3 secret by key-log label for a ClientHello random, as raw bytes (QUIC derives its
   * own packet keys from it, RFC 9001 §5.1); undefined when not logged. Never print the result. */
  tls13Secret?(clientRandom: Uint8Array, label: string): Uint8Array | undefined;
}
