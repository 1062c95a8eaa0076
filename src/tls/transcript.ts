/**
 * The handshake transcript of one connection, kept only as far as needed to check the client's
 * CertificateVerify signature (./cert-verify.ts) and turned into the `clientCertificateVerify` fact.
 *
 * TLS 1.3 (RFC 8446 §4.4.1): a running node:crypto Hash of the suite's hash once the ServerHello
 * (or HelloRetryRequest) names it; the ClientHello is buffered until then; after a
 * HelloRetryRequest the first ClientHello is replaced by message_hash (type 254) of its hash; the
 * hash is copied after the client's Certificate. TLS 1.2 (RFC 5246 §7.4.8): the signature covers
 * the messages themselves with the hash the CertificateVerify names (and Ed25519 signs them
 * whole), so the messages are kept — only while a CertificateRequest is pending, bounded — and
 * dropped at the ServerHelloDone of a handshake without client authentication.
 * Checked only when every message is known to be in it: a transcript that started after the
 * ClientHello, lost a message (capture gap, oversized or cut message) or is out of order (TLS 1.3
 * handshake messages not decrypted) gives `checked: false` with the reason, never a verdict.
 */
import { createHash, type Hash } from 'node:crypto';
import type { CertificateVerifyFact, TlsEvent, TlsFacts } from './events.js';
import { copyBytes } from '../net/bytes.js';
import { suiteParams } from './decrypt/suites.js';
import { checkSignature, tls13SignedContent } from './cert-verify.js';
import { signatureSchemeName } from './registry/signature-schemes.js';

/** TLS 1.2 handshake bytes kept for the signature check, at most, per connection. */
export const MAX_TRANSCRIPT_BYTES = 128 * 1024;

/** Transcript bytes kept over all connections of a stage (many handshakes at once stay bounded). */
export interface TranscriptBudget {
  used: number;
  max: number;
  /** A transcript was refused for lack of budget (--jobs: a worker's share was too small). */
  refused?: boolean;
}

export function newTranscriptBudget(max = 32 * 1024 * 1024): TranscriptBudget {
  return { used: 0, max };
}

const NOTHING = new Uint8Array(0);

const HT = { clientHello: 1, serverHello: 2, certificate: 11, certificateRequest: 13, serverHelloDone: 14, certificateVerify: 15, finished: 20 } as const;

export class HandshakeTranscript {
  /** TLS 1.2 (and the TLS 1.3 ClientHello until the hash is known): the messages kept, one after
   * another in one growing buffer (`bytes` of it used); null once they are not needed. */
  private kept: Uint8Array | null = NOTHING;
  private bytes = 0;
  private hash: Hash | null = null;
  /** Why no signature can be checked (set once; the transcript then stops growing). */
  private broken: string | null = null;
  private done = false;
  private started = false;
  private hrrSeen = false;
  private certRequested = false;
  /** TLS 1.3: server Finished seen; TLS 1.2: ServerHelloDone seen. */
  private serverFlightDone = false;
  private leaf: Uint8Array | null = null;
  private certHash: Buffer | null = null;
  private pending: { code: number; signature: Uint8Array; frame: number } | null = null;

  /** `checkAll`: check the signature even when the server's going on already shows it verified. */
  constructor(
    private readonly budget: TranscriptBudget = newTranscriptBudget(MAX_TRANSCRIPT_BYTES),
    private readonly checkAll = false,
  ) {}

  /**
   * One handshake message in wire order (`raw` includes the 4-byte header; a view valid during
   * the call). `leaf`: the client Certificate's first certificate (an owned copy). `lost`: a
   * message of this connection was dropped (capture gap, oversized, cut by a key change).
   */
  message(fromClient: boolean, raw: Uint8Array, f: TlsFacts, lost: boolean, frame: number, leaf?: Uint8Array): void {
    if (this.done) return;
    const type = raw[0];
    if (type === 0) return; // HelloRequest is not part of the transcript (RFC 5246 §7.4.1.1)
    if (!this.started) {
      if (fromClient && type === HT.certificateVerify) {
        this.finish(f, { checked: false, reason: 'the ClientHello was not captured, so the handshake transcript is incomplete', frame });
        return;
      }
      if (type !== HT.clientHello) return;
      this.started = true;
    }
    if (lost && this.broken === null) this.broken = 'a handshake message was lost (capture gap, oversized or cut message), so the transcript is incomplete';
    const tls13 = f.version === 0x0304;
    if (fromClient && type === HT.certificateVerify) {
      this.verify(raw, f, frame);
      return;
    }
    if (type === HT.serverHello && !fromClient) this.onServerHello(raw, f);
    else this.add(raw);
    if (!fromClient && type === HT.certificateRequest) this.certRequested = true;
    if (!fromClient && (tls13 ? type === HT.finished : type === HT.serverHelloDone)) {
      this.serverFlightDone = true;
      if (!tls13 && !this.certRequested) this.stop(); // TLS 1.2 without client authentication
    }
    if (fromClient && type === HT.certificate) {
      if (!this.serverFlightDone && this.broken === null) {
        this.broken = tls13
          ? "the server's encrypted handshake messages were not decrypted before the client's Certificate, so the transcript is incomplete"
          : "the client's Certificate came before the server's ServerHelloDone, so the transcript is incomplete";
      }
      this.leaf = leaf ?? null;
      if (tls13 && this.hash && this.broken === null) this.certHash = this.hash.copy().digest();
      if (tls13) this.hash = null; // nothing after the client Certificate is needed
    }
    if (fromClient && type === HT.finished) this.stop(); // client Finished without CertificateVerify
  }

  private onServerHello(raw: Uint8Array, f: TlsFacts): void {
    if (f.version !== 0x0304) {
      // TLS 1.2: keep the messages; older versions sign an MD5/SHA-1 digest this tool does not check
      if (f.version < 0x0303) this.broken ??= `${f.version === 0x0300 ? 'SSL 3.0' : 'TLS 1.0/1.1'} CertificateVerify signatures are not checked`;
      if (f.resumed) this.stop();
      this.add(raw);
      return;
    }
    const params = suiteParams(f.cipherSuite);
    if (!params || params.protocol !== 'tls13') {
      this.broken ??= `cipher suite 0x${f.cipherSuite.toString(16).padStart(4, '0')} has no known transcript hash`;
      this.kept = null;
      return;
    }
    const isHrr = f.helloRetryRequest && !this.hrrSeen;
    if (this.hash === null) {
      this.hash = createHash(params.hash);
      if (this.kept !== null && this.bytes > 0) this.hash.update(this.kept.subarray(0, this.bytes));
      this.release();
    }
    if (isHrr) {
      // RFC 8446 §4.4.1: ClientHello1 is replaced by message_hash || 00 00 Hash.length || Hash(ClientHello1)
      this.hrrSeen = true;
      const ch1 = this.hash.digest();
      this.hash = createHash(params.hash);
      this.hash.update(new Uint8Array([254, 0, 0, ch1.length]));
      this.hash.update(ch1);
    }
    this.hash.update(raw);
    if (f.resumed && !isHrr) this.stop(); // PSK resumption: no client Certificate
  }

  private add(raw: Uint8Array): void {
    if (this.broken !== null) return;
    if (this.hash) {
      this.hash.update(raw);
      return;
    }
    if (this.kept === null) return;
    if (this.bytes + raw.length > MAX_TRANSCRIPT_BYTES) {
      this.broken = `the handshake is longer than ${MAX_TRANSCRIPT_BYTES / 1024} KiB, more than this tool keeps to check the signature`;
      this.release();
      return;
    }
    if (this.budget.used + raw.length > this.budget.max) {
      this.budget.refused = true;
      this.broken = `too many handshakes in progress at once: their transcripts exceed ${Math.round(this.budget.max / 1048576)} MiB, more than this tool keeps to check signatures`;
      this.release();
      return;
    }
    this.keep(this.kept, raw);
    this.budget.used += raw.length;
  }

  /** Appends `raw` to the kept messages (a copy: `raw` is a view valid during the call); the buffer
   * doubles when full (no copy per message, no concatenation at the check). */
  private keep(kept: Uint8Array, raw: Uint8Array): void {
    const need = this.bytes + raw.length;
    if (need > kept.length) {
      // not zero-filled (every byte up to `bytes` is written before it is read); small sizes come
      // from Node's buffer pool instead of a backing store of their own
      const grown = Buffer.allocUnsafe(Math.min(MAX_TRANSCRIPT_BYTES, Math.max(need, 2 * kept.length, 2048)));
      grown.set(kept.subarray(0, this.bytes));
      this.kept = kept = grown;
    }
    kept.set(raw, this.bytes);
    this.bytes = need;
  }

  private verify(raw: Uint8Array, f: TlsFacts, frame: number): void {
    const body = raw.subarray(4);
    const tls13 = f.version === 0x0304;
    const withScheme = tls13 || f.version >= 0x0303;
    const code = withScheme && body.length >= 2 ? (body[0] << 8) | body[1] : -1;
    const scheme = code >= 0 ? signatureSchemeName(code) : undefined;
    const fail = (reason: string): void => this.finish(f, { checked: false, scheme, reason, frame });
    if (this.broken !== null) return fail(this.broken);
    if (!this.leaf) return fail('no client certificate precedes the CertificateVerify');
    const sigLen = body.length >= 4 ? (body[2] << 8) | body[3] : -1;
    if (code < 0 || sigLen < 0 || sigLen + 4 !== body.length) return fail('the CertificateVerify message is malformed');
    if (tls13 && !this.certHash) return fail('the transcript hash is not known');
    if (!tls13 && !this.kept) return fail('the handshake messages were not kept');
    this.pending = { code, signature: copyBytes(body, 4), frame };
    this.done = true;
    if (this.checkAll) this.settle(f);
  }

  /** A CertificateVerify waits for the server's answer: checked when the server rejects something
   * or the connection ends, not when the server goes on (it verified the signature itself). */
  get awaiting(): boolean {
    return this.pending !== null;
  }

  /** A server event: its answer to the client's flight is an alert (check the signature now) or
   * going on. */
  serverEvent(ev: TlsEvent, f: TlsFacts): void {
    if (this.pending === null) return;
    if (ev.kind === 'alert' || ev.type === 'Alert') this.settle(f);
    else this.serverContinued(f);
  }

  /** The server went on after the client's CertificateVerify (ChangeCipherSpec, Finished,
   * tickets, application data): it verified the signature — checking it again costs a public-key
   * operation per connection and proves nothing more. */
  serverContinued(f: TlsFacts): void {
    const p = this.pending;
    if (!p) return;
    this.finish(f, {
      checked: false,
      scheme: signatureSchemeName(p.code),
      reason: 'not needed: the server went on with the handshake after it, which a server does only once the signature verified (RFC 8446 §4.4.3, RFC 5246 §7.4.8)',
      frame: p.frame,
    });
  }

  /** Checks a waiting CertificateVerify now (the server sent an alert, or the connection ended). */
  settle(f: TlsFacts): void {
    const p = this.pending;
    if (!p || !this.leaf) return;
    const signed = f.version === 0x0304 ? tls13SignedContent(this.certHash!, false) : (this.kept ?? NOTHING).subarray(0, this.bytes);
    const r = checkSignature(this.leaf, p.code, p.signature, signed);
    const fact: CertificateVerifyFact = { checked: r.checked, scheme: r.scheme, frame: p.frame };
    if (r.checked) fact.valid = r.valid;
    if (r.reason) fact.reason = r.reason;
    this.finish(f, fact);
  }

  private finish(f: TlsFacts, fact: CertificateVerifyFact): void {
    f.clientCertificateVerify = fact;
    this.stop();
  }

  /** Gives the kept messages back to the shared budget (also when the connection ends mid-handshake). */
  release(): void {
    this.budget.used -= this.bytes;
    this.bytes = 0;
    this.kept = null;
  }

  private stop(): void {
    this.done = true;
    this.pending = null;
    this.release();
    this.hash = null;
    this.leaf = null;
    this.certHash = null;
  }
}
