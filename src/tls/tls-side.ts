/**
 * Per-direction state of the TLS state machine: record framing, handshake assembly, and deciding
 * by content where TLS starts in this direction (STARTTLS included). The direction's protection
 * (keys, phase) is in protection-state.ts.
 */
import type { TlsFacts } from './events.js';
import type { HandshakeAssembler } from './handshake-assembler.js';
import type { RecordReader } from './record-reader.js';
import { AppDataState } from './app-data.js';
import { findHelloRecord, startsWithTls, STARTTLS_SCAN_LIMIT } from './stream-detect.js';

export type Detect = 'unknown' | 'tls' | 'scanning' | 'not-tls';

export class SideState {
  detect: Detect = 'unknown';
  plaintextBytes = 0;
  /** Visibility of the handshake bytes being fed to the assembler (decrypted after keys). */
  hsVisibility: 'plaintext' | 'decrypted' = 'plaintext';
  /** Decrypted application data looked at so far (src/tls/app-data.ts). */
  readonly app = new AppDataState();
  reader!: RecordReader;
  hs!: HandshakeAssembler;

  /**
   * Where TLS starts in `bytes` (an in-order chunk of this direction), or -1 when not in this
   * chunk. `wantServerHello`: the other direction already sent a ClientHello.
   */
  findStart(bytes: Uint8Array, facts: TlsFacts, side: 0 | 1, wantServerHello: boolean): number {
    if (this.detect === 'unknown') {
      if (!(bytes.length < 5 && this.plaintextBytes === 0) && this.plaintextBytes === 0 && startsWithTls(bytes)) {
        this.markTls(facts);
        return 0;
      }
      this.detect = 'scanning';
    }
    // a plaintext prefix (STARTTLS): look for the Hello that starts TLS
    let at = findHelloRecord(bytes, 0, wantServerHello ? 2 : 1);
    if (at < 0 && !wantServerHello) at = findHelloRecord(bytes, 0, 2);
    if (at >= 0) {
      this.plaintextBytes += at;
      this.markTls(facts);
      facts.startTlsOffset ??= [0, 0];
      facts.startTlsOffset[side] = this.plaintextBytes;
      return at;
    }
    this.plaintextBytes += bytes.length;
    if (this.plaintextBytes > STARTTLS_SCAN_LIMIT) this.detect = 'not-tls';
    return -1;
  }

  private markTls(facts: TlsFacts): void {
    this.detect = 'tls';
    facts.isTls = true;
  }
}
