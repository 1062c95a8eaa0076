/**
 * NSS key log format (SSLKEYLOGFILE): `<LABEL> <client random hex> <secret hex>` per line, `#`
 * comments. https://udn.realityripple.com/docs/Mozilla/Projects/NSS/Key_Log_Format and
 * draft-ietf-tls-keylogfile.
 *
 * Messages never contain the text of a field: a bad line may be a secret pasted in the wrong place.
 */
import { HEX_RE, Secret, fromHex } from './secret.js';

export const TLS13_LABELS = [
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
] as const;

export const KNOWN_LABELS = [
  'CLIENT_RANDOM',
  ...TLS13_LABELS,
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'EXPORTER_SECRET',
  'EARLY_EXPORTER_SECRET',
] as const;

export type KnownLabel = (typeof KNOWN_LABELS)[number];
export type Tls13Label = (typeof TLS13_LABELS)[number];

const KNOWN = new Set<string>(KNOWN_LABELS);
/** The label constants themselves, so a stored label does not keep its line's text alive. */
const CANONICAL = new Map<string, string>(KNOWN_LABELS.map((l) => [l, l]));

/**
 * A copy of `s` that does not point into a bigger string: V8 makes substrings (split, slice) views
 * of their parent, and a stored client random would otherwise keep a whole chunk of key log
 * text alive for as long as its secrets are kept.
 */
function ownString(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** Longest line accepted (an ECH_CONFIG line can hold a few hundred bytes of hex). */
export const MAX_LINE_LENGTH = 8192;
/** Largest value of an unknown label kept (bytes). */
const MAX_UNKNOWN_VALUE = 2048;

export interface KeyLogIssue {
  /** 1-based line number in its source. */
  line: number;
  reason: string;
}

export interface KeyLogEntry {
  /** A known label, or an unknown label-shaped word (e.g. ECH_SECRET). */
  label: string;
  known: boolean;
  /** 64 lower-case hex characters. */
  clientRandom: string;
  secret: Secret;
  line: number;
}

export type LineResult =
  | { kind: 'skip' }
  /** A valid line not keyed by client random (RSA pre-master secret): counted, not stored. */
  | { kind: 'unkeyed'; label: string }
  | { kind: 'entry'; entry: KeyLogEntry }
  | { kind: 'issue'; issue: KeyLogIssue };

/** A word that may be shown in a message: label-shaped and not pure hex (which could be a secret). */
function printableLabel(word: string): boolean {
  return /^[A-Z][A-Z0-9_]{0,63}$/.test(word) && !HEX_RE.test(word);
}

function expectedLengths(label: string): number[] {
  return label === 'CLIENT_RANDOM' ? [48] : [32, 48];
}

const SKIP: LineResult = { kind: 'skip' };

/** Parses one line (without its line terminator). */
export function parseKeyLogLine(raw: string, line: number): LineResult {
  if (raw.length > MAX_LINE_LENGTH) {
    return { kind: 'issue', issue: { line, reason: `line longer than ${MAX_LINE_LENGTH} characters` } };
  }
  const text = raw.trim();
  if (text.length === 0 || text.startsWith('#')) return SKIP;
  const fields = text.split(/\s+/);
  const issue = (reason: string): LineResult => ({ kind: 'issue', issue: { line, reason } });
  const label = fields[0]!;
  const known = KNOWN.has(label);
  if (!known && !printableLabel(label)) {
    return issue('not a key log line: the first field is not a label such as CLIENT_RANDOM');
  }
  if (fields.length !== 3) {
    return issue(`${label}: expected 3 fields (label, client random, secret), found ${fields.length}`);
  }
  const random = fields[1]!;
  const value = fields[2]!;
  if (label === 'RSA') return checkRsaLine(random, value, line);
  if (!HEX_RE.test(random)) return issue(`${label}: client random is not hexadecimal`);
  if (random.length !== 64) {
    return issue(`${label}: client random is ${random.length} hex digits, expected 64 (32 bytes)`);
  }
  if (!HEX_RE.test(value)) return issue(`${label}: secret is not hexadecimal`);
  if (value.length % 2 !== 0) return issue(`${label}: secret has an odd number of hex digits (${value.length})`);
  const bytes = value.length / 2;
  if (known) {
    const allowed = expectedLengths(label);
    if (!allowed.includes(bytes)) {
      const what = label === 'CLIENT_RANDOM' ? 'master secret' : 'secret';
      return issue(`${label}: ${what} is ${bytes} bytes, expected ${allowed.join(' or ')}`);
    }
  } else if (bytes === 0 || bytes > MAX_UNKNOWN_VALUE) {
    return issue(`${label}: value is ${bytes} bytes, expected 1..${MAX_UNKNOWN_VALUE}`);
  }
  return {
    kind: 'entry',
    entry: {
      label: CANONICAL.get(label) ?? ownString(label),
      known,
      clientRandom: ownString(random.toLowerCase()),
      secret: new Secret(fromHex(value)),
      line,
    },
  };
}

/**
 * `RSA <first 8 bytes of the encrypted pre-master secret> <48-byte pre-master secret>`: NSS and
 * OpenSSL log it for RSA key exchange, together with the CLIENT_RANDOM line this module uses.
 */
function checkRsaLine(prefix: string, value: string, line: number): LineResult {
  if (!HEX_RE.test(prefix) || prefix.length !== 16) {
    return { kind: 'issue', issue: { line, reason: 'RSA: encrypted pre-master prefix is not 16 hex digits' } };
  }
  if (!HEX_RE.test(value) || value.length !== 96) {
    return { kind: 'issue', issue: { line, reason: 'RSA: pre-master secret is not 96 hex digits (48 bytes)' } };
  }
  return { kind: 'unkeyed', label: 'RSA' };
}

export interface ParsedKeyLog {
  entries: KeyLogEntry[];
  issues: KeyLogIssue[];
  /** Valid lines not keyed by client random (RSA). */
  unkeyed: { label: string; line: number }[];
}

/**
 * Parses a complete key log text (LF or CRLF line ends). Duplicate detection and grouping by
 * client random are the `KeyLog` store's job.
 */
export function parseKeyLogText(text: string, firstLine = 1): ParsedKeyLog {
  const entries: KeyLogEntry[] = [];
  const issues: KeyLogIssue[] = [];
  const unkeyed: { label: string; line: number }[] = [];
  let line = firstLine;
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const r = parseKeyLogLine(text.slice(start, nl), line);
    if (r.kind === 'entry') entries.push(r.entry);
    else if (r.kind === 'issue') issues.push(r.issue);
    else if (r.kind === 'unkeyed') unkeyed.push({ label: r.label, line });
    start = nl + 1;
    line++;
  }
  return { entries, issues, unkeyed };
}

/** pcapng Decryption Secrets Block secrets types (pcapng spec; Wireshark wiretap/secrets-types.h). */
export const DSB_TLS_KEY_LOG = 0x544c534b; // "TLSK"
const DSB_NAMES: Record<number, string> = {
  0x5353484b: 'SSH key log',
  0x57474b4c: 'WireGuard key log',
  0x5a4e574b: 'Zigbee NWK key',
  0x5a415053: 'Zigbee APS key',
  0x55414b4c: 'OPC UA key log',
  0x45535053: 'ESP SA key',
};

export type DsbSecrets = { ok: true; text: string } | { ok: false; reason: string };

/**
 * The key log text of a pcapng Decryption Secrets Block (type 0x0000000A), given its Secrets
 * Type and Secrets Data (exactly Secrets Length bytes). Only TLS key logs (0x544c534b "TLSK") are
 * accepted; trailing NUL padding is dropped.
 */
export function parseDsbSecrets(secretsType: number, data: Uint8Array): DsbSecrets {
  if (secretsType !== DSB_TLS_KEY_LOG) {
    const hex = `0x${(secretsType >>> 0).toString(16).padStart(8, '0')}`;
    const name = DSB_NAMES[secretsType];
    return { ok: false, reason: `Decryption Secrets Block type ${hex}${name ? ` (${name})` : ''} is not a TLS key log; ignored` };
  }
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  const text = new TextDecoder('utf-8').decode(data.subarray(0, end));
  return { ok: true, text };
}
