/**
 * Key material for decryption: key log files (--keylog, SSLKEYLOGFILE, re-read as they grow) and
 * pcapng Decryption Secrets Blocks, matched to connections by ClientHello random, turned into the
 * per-direction RecordProtection the TLS state machine asks for. Secrets never leave this module
 * except inside decryptors; messages name labels, never values.
 */
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import type { DecryptionSecrets } from '../capture/types.js';
import type { TlsFacts } from './events.js';
import type { ConnectionKeys, DecryptResult, KeyProvider, KeyStage, RecordProtection } from './protection.js';
import { ProtocolVersion } from './registry/versions.js';
import {
  KeyLog,
  createTls12Decryptors,
  suiteParams,
  Tls13RecordDecryptor,
  type KeyLogAddResult,
  type RecordDecryptor,
  type SessionSecrets,
} from './decrypt/index.js';
import type { WarningCode } from '../warning-codes.js';

const MAX_ISSUES_SHOWN = 20;

function toProtection(d: RecordDecryptor & { update?(): void }, plaintextOffset: number): RecordProtection {
  let okOnce = false;
  let failures = 0;
  return {
    decrypt(header: Uint8Array, body: Uint8Array): DecryptResult {
      const r = d.decrypt(header, body);
      if (r.ok) {
        okOnce = true;
        failures = 0;
        return { ok: true, contentType: r.contentType, plaintext: r.plaintext, plaintextOffset };
      }
      failures++;
      // the keys are wrong when the very first records fail, or several in a row fail
      return { ok: false, reason: r.reason, fatal: !okOnce ? failures >= 2 : failures >= 4 };
    },
    keyUpdate: d.update ? () => d.update?.() : undefined,
  };
}

export interface KeyFileResult {
  added: number;
  /** Problems as "FILE line N: reason" (never secret text). */
  issues: string[];
}

/** Tail-follows key log files: `refresh()` reads what was appended since the last call. */
class KeyLogFile {
  private offset = 0;
  constructor(readonly path: string) {}

  read(into: KeyLog): KeyLogAddResult {
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = 0; // truncated / rotated: read again
      const total: KeyLogAddResult = { added: 0, duplicates: 0, issues: [] };
      const buf = Buffer.allocUnsafe(64 * 1024);
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const r = into.add(buf.toString('latin1', 0, n), this.path);
        total.added += r.added;
        total.duplicates += r.duplicates;
        total.issues.push(...r.issues);
      }
      return total;
    } finally {
      closeSync(fd);
    }
  }
}

export class KeyMaterial {
  readonly log = new KeyLog();
  private readonly files: KeyLogFile[] = [];
  private dsbCount = 0;
  private gen = 0;
  /** Set by the caller when secrets may arrive after the records they decrypt (pcapng, live). */
  lateKeys = false;

  /** Loads (the new part of) a key log file; throws the fs error for the caller to word. */
  addFile(path: string, final = true): KeyFileResult {
    let f = this.files.find((x) => x.path === path);
    if (!f) {
      f = new KeyLogFile(path);
      this.files.push(f);
    }
    const r = f.read(this.log);
    if (r.added > 0) this.gen++;
    if (final) {
      const t = this.log.finish(path);
      r.added += t.added;
      r.issues.push(...t.issues);
    }
    return { added: r.added, issues: r.issues.slice(0, MAX_ISSUES_SHOWN).map((i) => `${path} line ${i.line}: ${i.reason}`) };
  }

  /** Follows a key log file that does not exist yet (live capture): read once it appears. */
  follow(path: string): void {
    if (!this.files.some((x) => x.path === path)) this.files.push(new KeyLogFile(path));
  }

  /** Re-reads every key log file for appended lines (live capture). */
  refresh(): number {
    let added = 0;
    for (const f of this.files) {
      try {
        added += f.read(this.log).added;
        if (added > 0) this.gen++;
      } catch {
        // a file that disappeared keeps its secrets; nothing to add
      }
    }
    return added;
  }

  /** A pcapng Decryption Secrets Block. */
  addSecretsBlock(s: DecryptionSecrets): { added: number; warning?: string } {
    this.dsbCount++;
    const r = this.log.addDsb(s.secretsType, s.data, `pcapng DSB #${this.dsbCount}`);
    if (r.added > 0) this.gen++;
    const warning =
      r.issues.length > 0
        ? `Decryption Secrets Block #${this.dsbCount} at byte offset ${s.offset}: ${r.issues[0].reason}${r.issues.length > 1 ? ` (+${r.issues.length - 1} more)` : ''}`
        : undefined;
    return { added: r.added, warning };
  }

  /** The key log files' text, for embedding in a written pcapng (the user asked for it with -w). */
  keyLogText(read: (path: string, enc: 'latin1') => string): string {
    let text = '';
    for (const f of this.files) {
      try {
        const t = read(f.path, 'latin1');
        text += t.endsWith('\n') || t.length === 0 ? t : `${t}\n`;
      } catch {
        // unreadable now: nothing to embed from it
      }
    }
    return text;
  }

  secretCount(): number {
    return this.log.counts().values;
  }

  provider(): KeyProvider {
    const self = this;
    return {
      generation: () => this.gen,
      get lateKeysPossible() {
        return self.lateKeys;
      },
      lookup: (facts, warn) => {
        const random = facts.clientRandom;
        if (!random || this.log.size === 0) return null;
        const secrets = this.log.lookup(random);
        if (!secrets) {
          facts.missingSecrets = facts.version === ProtocolVersion.TLS13 ? this.log.missingTls13(random).missing : ['CLIENT_RANDOM'];
          return null;
        }
        facts.keysFound = true;
        const missing = facts.version === ProtocolVersion.TLS13 ? this.log.missingTls13(random) : this.log.missingTls12(random);
        if (!missing.complete) facts.missingSecrets = missing.missing;
        return new SessionKeys(secrets, facts);
      },
      tls13Secret: (random, label) => this.log.lookup(random)?.get(label)?.reveal(),
    };
  }
}

class SessionKeys implements ConnectionKeys {
  private tls12: { client: RecordDecryptor; server: RecordDecryptor; offset: number } | null = null;
  private tls12Failed = false;
  private early: RecordProtection | null | undefined;

  constructor(
    private readonly secrets: SessionSecrets,
    private readonly facts: TlsFacts,
  ) {}

  protection(isClient: boolean, stage: KeyStage, warn: (code: WarningCode, msg: string) => void): RecordProtection | null {
    const f = this.facts;
    if (stage === 'tls12-ccs') return this.tls12Protection(isClient, warn);
    // one early-data decryptor per connection: its sequence numbers run across 0-RTT records
    if (stage === 'tls13-early' && this.early !== undefined) return this.early;
    const params = suiteParams(f.cipherSuite);
    if (!params || params.protocol !== 'tls13') {
      warn('tls-decryption-unsupported', `cannot decrypt: cipher suite 0x${f.cipherSuite.toString(16).padStart(4, '0')} is not a supported TLS 1.3 suite`);
      return null;
    }
    const label =
      stage === 'tls13-early'
        ? 'CLIENT_EARLY_TRAFFIC_SECRET'
        : stage === 'tls13-handshake'
          ? isClient
            ? 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
            : 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
          : isClient
            ? 'CLIENT_TRAFFIC_SECRET_0'
            : 'SERVER_TRAFFIC_SECRET_0';
    const secret = this.secrets.get(label);
    const what = stage === 'tls13-early' ? '0-RTT early data' : `${isClient ? 'client' : 'server'} ${stage === 'tls13-handshake' ? 'handshake' : 'application'} records`;
    let prot: RecordProtection | null = null;
    if (!secret) warn('keylog-secret-missing', `cannot decrypt ${what}: ${label} missing from the key log`);
    else {
      try {
        prot = toProtection(new Tls13RecordDecryptor(params, secret), 0);
      } catch (e) {
        warn('tls-decryption-unsupported', `cannot decrypt: ${(e as Error).message}`);
      }
    }
    if (stage === 'tls13-early') this.early = prot;
    if (stage === 'tls13-handshake' && isClient && f.earlyDataOffered) return withEarlyData(prot, this.protection(true, 'tls13-early', () => undefined));
    return prot;
  }

  private tls12Protection(isClient: boolean, warn: (code: WarningCode, msg: string) => void): RecordProtection | null {
    if (this.tls12Failed) return null;
    if (!this.tls12) {
      const f = this.facts;
      const master = this.secrets.get('CLIENT_RANDOM');
      if (!master || !f.clientRandom || !f.serverRandom) {
        this.tls12Failed = true;
        warn('keylog-secret-missing', 'cannot decrypt: CLIENT_RANDOM (master secret) missing from the key log');
        return null;
      }
      const d = createTls12Decryptors(master.reveal(), f.clientRandom, f.serverRandom, f.cipherSuite, f.version, f.encryptThenMac);
      if (!d.ok) {
        this.tls12Failed = true;
        warn('tls-decryption-unsupported', `cannot decrypt: ${d.reason}`);
        return null;
      }
      const p = d.params;
      const offset = p.kind === 'aead' ? p.explicitNonceLength : f.version >= 0x0302 ? p.blockLength : 0;
      this.tls12 = { client: d.client, server: d.server, offset };
    }
    return toProtection(isClient ? this.tls12.client : this.tls12.server, this.tls12.offset);
  }
}

/**
 * The client's records after ServerHello when 0-RTT was offered: early data (under
 * CLIENT_EARLY_TRAFFIC_SECRET, up to EndOfEarlyData) may precede the handshake records. Try the
 * handshake key; until it has worked once, try the early key, else skip the record as early data
 * (RFC 8446 §4.2.10: a server that rejects 0-RTT skips such records the same way).
 */
function withEarlyData(hs: RecordProtection | null, early: RecordProtection | null): RecordProtection | null {
  if (!hs && !early) return null;
  let hsWorked = false;
  return {
    decrypt(header: Uint8Array, body: Uint8Array): DecryptResult {
      const r = hs ? hs.decrypt(header, body) : null;
      if (r?.ok) {
        hsWorked = true;
        return r;
      }
      if (!hsWorked) {
        const e = early?.decrypt(header, body);
        if (e?.ok) return e;
        return { ok: false, reason: '0-RTT early data (no CLIENT_EARLY_TRAFFIC_SECRET to decrypt it)', fatal: false };
      }
      return r ?? { ok: false, reason: 'no handshake key', fatal: true };
    },
    keyUpdate: hs?.keyUpdate,
  };
}
