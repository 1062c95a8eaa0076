/**
 * Key log store: secrets grouped by client random, fed incrementally (a key log file that grows
 * while a capture is analysed, or pcapng Decryption Secrets Blocks found anywhere in a file).
 */
import { inspect } from 'node:util';
import {
  KNOWN_LABELS, MAX_LINE_LENGTH, TLS13_LABELS, parseDsbSecrets, parseKeyLogLine,
  type KeyLogIssue, type KnownLabel,
} from './keylog-parse.js';
import { Secret, toHex } from './secret.js';

export {
  KNOWN_LABELS, TLS13_LABELS, DSB_TLS_KEY_LOG, parseDsbSecrets, parseKeyLogLine, parseKeyLogText,
  type DsbSecrets, type KeyLogEntry, type KeyLogIssue, type KnownLabel, type ParsedKeyLog, type Tls13Label,
} from './keylog-parse.js';

/** The secrets logged for one client random. Prints (JSON, inspect) as labels only. */
export class SessionSecrets {
  /** 64 lower-case hex characters. */
  readonly clientRandom: string;
  /** Flat [label, secret, line, source, label, ...]: a handful of labels per random, and one
   * array costs far less than a Map plus an object per value (long live runs keep many). */
  readonly #values: (string | Secret | number)[] = [];

  constructor(clientRandom: string) {
    this.clientRandom = clientRandom;
  }

  #find(label: string): number {
    const v = this.#values;
    for (let i = 0; i < v.length; i += 4) if (v[i] === label) return i;
    return -1;
  }

  get(label: KnownLabel | string): Secret | undefined {
    const i = this.#find(label);
    return i < 0 ? undefined : (this.#values[i + 1] as Secret);
  }

  has(label: KnownLabel | string): boolean {
    return this.#find(label) >= 0;
  }

  /** Labels present, in insertion order (unknown labels such as ECH_SECRET included). */
  labels(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.#values.length; i += 4) out.push(this.#values[i] as string);
    return out;
  }

  /** TLS 1.2 and earlier: the 48-byte master secret (CLIENT_RANDOM line). */
  get masterSecret(): Secret | undefined { return this.get('CLIENT_RANDOM'); }
  get clientHandshakeTrafficSecret(): Secret | undefined { return this.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET'); }
  get serverHandshakeTrafficSecret(): Secret | undefined { return this.get('SERVER_HANDSHAKE_TRAFFIC_SECRET'); }
  get clientTrafficSecret0(): Secret | undefined { return this.get('CLIENT_TRAFFIC_SECRET_0'); }
  get serverTrafficSecret0(): Secret | undefined { return this.get('SERVER_TRAFFIC_SECRET_0'); }
  get clientEarlyTrafficSecret(): Secret | undefined { return this.get('CLIENT_EARLY_TRAFFIC_SECRET'); }

  /** Stores a value; returns 'added', 'duplicate' (same value) or the earlier origin on conflict. */
  set(label: string, secret: Secret, line: number, source: string):
    'added' | 'duplicate' | { line: number; source: string } {
    const i = this.#find(label);
    if (i < 0) {
      this.#values.push(label, secret, line, source);
      return 'added';
    }
    const v = this.#values;
    return (v[i + 1] as Secret).equals(secret) ? 'duplicate' : { line: v[i + 2] as number, source: v[i + 3] as string };
  }

  toJSON(): object {
    return { clientRandom: this.clientRandom, labels: this.labels() };
  }

  [inspect.custom](): string {
    return `SessionSecrets { ${this.clientRandom}: ${this.labels().join(', ')} [values redacted] }`;
  }
}

export interface SourcedIssue extends KeyLogIssue {
  source: string;
}

export interface KeyLogAddResult {
  /** New (label, client random) values stored. */
  added: number;
  duplicates: number;
  /** Problems found by this call (the first MAX_KEPT_ISSUES; also kept in `issues()`). */
  issues: SourcedIssue[];
}

export interface KeyLogCounts {
  clientRandoms: number;
  values: number;
  /** Values stored per known label (plus RSA lines, valid but unused). */
  byLabel: Record<string, number>;
  /** Label-shaped words this parser does not use (e.g. ECH_SECRET, ECH_CONFIG). */
  unknownLabels: Record<string, number>;
  duplicates: number;
  conflicts: number;
  issues: number;
  /** Client randoms dropped to stay within `maxClientRandoms` (live capture). */
  forgotten: number;
}

export interface MissingSecrets {
  complete: boolean;
  missing: string[];
  /** One sentence per missing secret, then hints. Never contains secret values. */
  messages: string[];
}

interface SourceState {
  pending: string;
  pendingTooLong: boolean;
  nextLine: number;
}

/** Issues kept in memory; further ones are only counted. */
export const MAX_KEPT_ISSUES = 1000;
const KNOWN = new Set<string>([...KNOWN_LABELS, 'RSA']);

export class KeyLog {
  readonly #sessions = new Map<string, SessionSecrets>();
  readonly #sources = new Map<string, SourceState>();
  readonly #issues: SourcedIssue[] = [];
  readonly #byLabel = new Map<string, number>();
  #issueCount = 0;
  /** Client randoms forgotten because `maxClientRandoms` was reached (oldest first). */
  #forgotten = 0;
  /**
   * At most this many client randoms are kept; beyond it the oldest is forgotten (live capture:
   * a key log grows with every connection for as long as the capture runs). Unlimited by default:
   * a file's key log may hold the secrets of any connection in the capture.
   */
  maxClientRandoms = Number.POSITIVE_INFINITY;
  #duplicates = 0;
  #conflicts = 0;
  #values = 0;

  /**
   * Feeds key log text from `source` (a file name, "pcapng DSB #2", ...). Complete lines are
   * parsed; a last line without its newline is kept until more text or `finish(source)` arrives,
   * so a growing file can be fed chunk by chunk.
   */
  add(text: string, source = 'keylog'): KeyLogAddResult {
    const st = this.#state(source);
    const result: KeyLogAddResult = { added: 0, duplicates: 0, issues: [] };
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      start = nl + 1;
      const line = st.nextLine++;
      if (st.pendingTooLong) {
        st.pendingTooLong = false;
        st.pending = '';
        this.#issue(result, { line, reason: `line longer than ${MAX_LINE_LENGTH} characters`, source });
        continue;
      }
      const full = st.pending.length > 0 ? st.pending + piece : piece;
      st.pending = '';
      this.#ingest(full, line, source, result);
    }
    if (start < text.length) {
      if (st.pendingTooLong || st.pending.length + (text.length - start) > MAX_LINE_LENGTH) {
        st.pending = '';
        st.pendingTooLong = true;
      } else {
        st.pending += text.slice(start);
      }
    }
    return result;
  }

  /** End of `source`: parses a last line that had no newline. */
  finish(source = 'keylog'): KeyLogAddResult {
    const st = this.#state(source);
    if (st.pending.length === 0 && !st.pendingTooLong) return { added: 0, duplicates: 0, issues: [] };
    return this.add('\n', source);
  }

  /** Adds the secrets of a pcapng Decryption Secrets Block; other secrets types become an issue. */
  addDsb(secretsType: number, data: Uint8Array, source = 'pcapng DSB'): KeyLogAddResult {
    const r = parseDsbSecrets(secretsType, data);
    if (!r.ok) {
      const result: KeyLogAddResult = { added: 0, duplicates: 0, issues: [] };
      this.#issue(result, { line: 0, reason: r.reason, source });
      return result;
    }
    const result = this.add(r.text, source);
    const tail = this.finish(source);
    result.added += tail.added;
    result.duplicates += tail.duplicates;
    result.issues.push(...tail.issues);
    return result;
  }

  /** Secrets for a ClientHello random (hex, any case, or the 32 bytes). */
  lookup(clientRandom: string | Uint8Array): SessionSecrets | undefined {
    const key = typeof clientRandom === 'string' ? clientRandom.toLowerCase() : toHex(clientRandom);
    return this.#sessions.get(key);
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Kept issues (the first MAX_KEPT_ISSUES); `counts().issues` has the total. */
  issues(): readonly SourcedIssue[] {
    return this.#issues;
  }

  counts(): KeyLogCounts {
    const byLabel: Record<string, number> = {};
    const unknownLabels: Record<string, number> = {};
    for (const [label, n] of this.#byLabel) (KNOWN.has(label) ? byLabel : unknownLabels)[label] = n;
    return {
      clientRandoms: this.#sessions.size, values: this.#values, byLabel, unknownLabels,
      duplicates: this.#duplicates, conflicts: this.#conflicts, issues: this.#issueCount, forgotten: this.#forgotten,
    };
  }

  /**
   * Which TLS 1.3 secrets are missing to decrypt a handshake with this ClientHello random
   * (`earlyData`: the ClientHello offered 0-RTT, so CLIENT_EARLY_TRAFFIC_SECRET is needed too).
   */
  missingTls13(clientRandom: string | Uint8Array, opts: { earlyData?: boolean } = {}): MissingSecrets {
    const s = this.lookup(clientRandom);
    const wanted: string[] = [...TLS13_LABELS];
    if (opts.earlyData) wanted.push('CLIENT_EARLY_TRAFFIC_SECRET');
    const missing = wanted.filter((l) => !s?.has(l));
    const messages = missing.map((l) => `${l} missing for this ClientHello random`);
    if (!s) {
      messages.push(`the key log has no line for this ClientHello random (it holds ${this.#sessions.size} client randoms)`);
    } else if (s.has('CLIENT_RANDOM') && missing.length >= TLS13_LABELS.length) {
      messages.push('only CLIENT_RANDOM (a TLS 1.2 master secret) is logged for this ClientHello random: TLS 1.3 needs the *_TRAFFIC_SECRET lines');
    } else if (s.has('CLIENT_HANDSHAKE_TRAFFIC_SECRET') && s.has('SERVER_HANDSHAKE_TRAFFIC_SECRET')
      && (!s.has('CLIENT_TRAFFIC_SECRET_0') || !s.has('SERVER_TRAFFIC_SECRET_0'))) {
      messages.push('handshake secrets are logged but not all application secrets: the handshake may have failed before Finished; the handshake records can still be decrypted');
    }
    return { complete: missing.length === 0, missing, messages };
  }

  /** Whether the TLS 1.0-1.2 master secret (CLIENT_RANDOM line) is known for this random. */
  missingTls12(clientRandom: string | Uint8Array): MissingSecrets {
    const s = this.lookup(clientRandom);
    if (s?.has('CLIENT_RANDOM')) return { complete: true, missing: [], messages: [] };
    const messages = ['CLIENT_RANDOM missing for this ClientHello random'];
    if (s && TLS13_LABELS.some((l) => s.has(l))) {
      messages.push('only TLS 1.3 traffic secrets are logged for this ClientHello random, but the connection uses TLS 1.2 or earlier');
    }
    return { complete: false, missing: ['CLIENT_RANDOM'], messages };
  }

  toJSON(): object {
    return { counts: this.counts() };
  }

  [inspect.custom](): string {
    return `KeyLog { ${this.#sessions.size} client randoms, ${this.#values} values [redacted] }`;
  }

  #state(source: string): SourceState {
    let st = this.#sources.get(source);
    if (!st) {
      st = { pending: '', pendingTooLong: false, nextLine: 1 };
      this.#sources.set(source, st);
    }
    return st;
  }

  #ingest(text: string, line: number, source: string, result: KeyLogAddResult): void {
    const r = parseKeyLogLine(text, line);
    if (r.kind === 'skip') return;
    if (r.kind === 'unkeyed') {
      this.#byLabel.set(r.label, (this.#byLabel.get(r.label) ?? 0) + 1);
      return;
    }
    if (r.kind === 'issue') {
      this.#issue(result, { ...r.issue, source });
      return;
    }
    const e = r.entry;
    let session = this.#sessions.get(e.clientRandom);
    if (!session) {
      session = new SessionSecrets(e.clientRandom);
      this.#sessions.set(e.clientRandom, session);
      if (this.#sessions.size > this.maxClientRandoms) {
        // Map iteration is insertion order: the first key is the oldest client random
        const oldest = this.#sessions.keys().next().value as string;
        this.#sessions.delete(oldest);
        this.#forgotten++;
      }
    }
    const outcome = session.set(e.label, e.secret, line, source);
    if (outcome === 'added') {
      result.added++;
      this.#values++;
      this.#byLabel.set(e.label, (this.#byLabel.get(e.label) ?? 0) + 1);
    } else if (outcome === 'duplicate') {
      result.duplicates++;
      this.#duplicates++;
    } else {
      this.#conflicts++;
      this.#issue(result, {
        line, source,
        reason: `${e.label}: a different value for this client random was already logged (line ${outcome.line} of ${outcome.source}); the first one is kept`,
      });
    }
  }

  #issue(result: KeyLogAddResult, issue: SourcedIssue): void {
    this.#issueCount++;
    if (result.issues.length < MAX_KEPT_ISSUES) result.issues.push(issue);
    if (this.#issues.length < MAX_KEPT_ISSUES) this.#issues.push(issue);
  }
}
