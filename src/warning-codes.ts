/**
 * The one catalogue of warnings: every warning any stage gives (capture, net, tcp, tls, quic,
 * analysis, cli) has a stable kebab-case code from here, a class and a one-line meaning. A leaf
 * module (it imports nothing), so every stage may use it without breaking the one-way pipeline.
 *
 * Classes, after Zeek's split of "weird" (odd but survivable) from "violation" (not the protocol):
 * - weird: odd but survivable; nothing was lost, analysis went on unchanged.
 * - malformed: bytes break their format; that part was skipped or decoded as far as it goes.
 * - not-tls: bytes where a TLS record should start are not one; the reader resynchronised.
 * - capture-loss: bytes or packets are missing from the capture (gaps, snaplen, drops, a cut file).
 * - key-material: a key log / secrets problem: some records stay encrypted.
 * - resource-limit: a limit was hit; something was not kept (or reported early).
 *
 * Codes are a contract: existing codes keep their meaning; add codes, never rename. The JSON
 * schema lists them (see WARNING_CODES); docs/warnings.md is generated from this table.
 */

export type WarningClass = 'weird' | 'malformed' | 'not-tls' | 'capture-loss' | 'key-material' | 'resource-limit';

export const WARNING_CLASSES: Readonly<Record<WarningClass, string>> = {
  weird: 'odd but survivable: nothing was lost, analysis went on unchanged',
  malformed: 'bytes break their format: that part was skipped or decoded as far as it goes',
  'not-tls': 'bytes where a TLS record should start are not one: the reader resynchronised',
  'capture-loss': 'bytes or packets are missing from the capture',
  'key-material': 'a key log or secrets problem: some records stay encrypted',
  'resource-limit': 'a limit was hit: something was not kept, or was reported early',
};

interface Entry {
  readonly class: WarningClass;
  readonly meaning: string;
}

const c = (cls: WarningClass, meaning: string): Entry => ({ class: cls, meaning });

/** Every warning code, in the order docs/warnings.md lists them (by stage). */
export const WARNING_CATALOGUE = {
  // ---- capture (source warnings) ----
  'capture-truncated': c('capture-loss', 'the capture file ends inside a header, record or block (the last packet is incomplete)'),
  'capture-file-damaged': c('malformed', 'an impossible length or block header in the capture file: reading stopped there'),
  'capture-version-unsupported': c('malformed', 'the pcap / pcapng version is not one this reader knows: reading stopped'),
  'capture-read-failed': c('capture-loss', 'reading (or gunzipping) the capture failed part way: the rest is missing'),
  'capture-engine-stopped': c('capture-loss', 'the live capture engine (tcpdump, dumpcap) exited before it was asked to stop'),
  'capture-packets-dropped': c('capture-loss', 'packets were dropped on the interface before reading started'),
  'pcap-timestamp-fraction-overflow': c('weird', 'a pcap record timestamp fraction is not below one second: carried into the seconds'),
  'pcapng-block-malformed': c('malformed', 'a pcapng block is too short or overruns itself: that block (or the rest of its options) was skipped'),
  'pcapng-interface-undefined': c('malformed', 'a pcapng packet block names an interface the section did not define: the packet was skipped'),
  'pcapng-dsb-unusable': c('key-material', 'a pcapng Decryption Secrets Block held secrets that could not be used'),
  // ---- key log ----
  'keylog-line-unusable': c('key-material', 'a key log line was not used: not a key log line, too long, or a second value for a secret already logged'),
  // ---- net ----
  'net-frame-malformed': c('malformed', 'a link, IP, TCP or UDP header is damaged or cut short: the frame was not analysed'),
  // ---- tcp ----
  'tcp-syn-sequence-mismatch': c('weird', 'a SYN with a sequence number other than the connection\'s initial one: ignored'),
  'tcp-segment-far-ahead': c('weird', 'a segment more than 1 GiB ahead of the stream: ignored'),
  'tcp-data-after-stream-end': c('weird', 'bytes after the end of a finished stream direction: ignored'),
  'tcp-data-after-fin': c('weird', 'bytes beyond the FIN of a stream direction: ignored or dropped'),
  'tcp-fin-mismatch': c('weird', 'a second FIN at another stream offset than the first: ignored'),
  'tcp-fin-before-delivered': c('weird', 'a FIN before bytes already delivered: taken at the end of the delivered bytes'),
  'tcp-overlap-conflict': c('weird', 'a retransmission carries different bytes than the first copy: the first is kept'),
  'tcp-payload-truncated': c('capture-loss', 'a segment\'s payload was cut by the capture snaplen'),
  'tcp-buffer-limit': c('resource-limit', 'the out-of-order buffer limit was reached: the missing bytes before the buffered ones were skipped as a gap'),
  'tcp-capture-gap': c('capture-loss', 'bytes of a TLS stream are missing from the capture (lost, or skipped at a buffer limit)'),
  // ---- tls records ----
  'tls-record-unknown-content-type': c('not-tls', 'a record header with an unknown content type'),
  'tls-record-bad-version': c('not-tls', 'a record header whose version is not 3.x'),
  'tls-record-zero-length': c('not-tls', 'a record header with length 0'),
  'tls-record-too-long': c('not-tls', 'a record header whose length exceeds the TLS maximum'),
  'sslv2-record-bad-length': c('not-tls', 'an SSL 2.0 record header with an impossible length'),
  'tls-record-resync-skipped': c('not-tls', 'bytes skipped to find the next plausible TLS record header'),
  'tls-record-unfinished': c('weird', 'the connection ended inside a TLS record'),
  'tls-alert-bad-length': c('malformed', 'an alert record whose length is not a multiple of 2'),
  // ---- tls handshake ----
  'tls-handshake-message-too-long': c('resource-limit', 'a handshake message longer than --max-message-kb: skipped'),
  'tls-handshake-cut-by-encryption': c('malformed', 'a handshake message was still incomplete when its direction switched to encryption'),
  'tls-message-malformed': c('malformed', 'a handshake message field overruns the message, or bytes trail after it: the fields after it are unknown'),
  'tls-message-field-invalid': c('malformed', 'a handshake message field has a value its RFC forbids (a length over its maximum, an odd list length, an empty required value)'),
  'tls-message-not-decoded': c('weird', 'a handshake message layout this decoder does not know: its fields are not shown'),
  'tls-certificates-not-kept': c('resource-limit', 'a Certificate message holds more certificates than are kept (32): the rest are counted'),
  'tls-decoder-internal-error': c('weird', 'a decoder bug was caught: the message\'s fields are unknown (please report it with the capture)'),
  // ---- tls decryption ----
  'keylog-secret-missing': c('key-material', 'the key log has this connection but lacks the secret a stage needs'),
  'tls-decryption-unsupported': c('key-material', 'the secrets are there, but this cipher suite / version cannot be decrypted'),
  'tls-record-decrypt-failed': c('key-material', 'a protected record did not decrypt with the logged keys'),
  'tls-deferred-records-limit': c('resource-limit', 'too many protected records to keep for secrets that may arrive later: the rest stay encrypted'),
  // ---- quic ----
  'quic-header-malformed': c('malformed', 'a QUIC packet header is damaged or too short: the rest of the datagram was skipped'),
  'quic-frame-malformed': c('malformed', 'a decrypted QUIC packet holds a malformed frame'),
  'quic-packet-decrypt-failed': c('key-material', 'a QUIC packet did not decrypt with the keys of its packet-number space'),
  'quic-crypto-reassembly-limit': c('resource-limit', 'more out-of-order CRYPTO data than the reassembly limit: dropped'),
  'quic-crypto-incomplete': c('capture-loss', 'CRYPTO data never became contiguous (a packet is missing)'),
  'quic-handshake-unfinished': c('weird', 'the connection ended inside a handshake message'),
  'quic-deferred-packets-limit': c('resource-limit', 'too many protected QUIC packets to keep for later decryption: the rest stay encrypted'),
  'quic-connection-limit': c('resource-limit', 'more QUIC connections open at once than tracked: the oldest were reported early'),
  'quic-cid-limit': c('resource-limit', 'more QUIC connection IDs than tracked: later packets are matched by UDP conversation only'),
  'quic-udp-stream-limit': c('resource-limit', 'more UDP conversations than tracked: udp.stream numbers after that may differ from Wireshark\'s'),
  // ---- analysis ----
  'tls-events-dropped': c('resource-limit', 'TLS events beyond the per-connection limit were not kept'),
  'connection-evicted-limit': c('resource-limit', 'more TCP connections were open at once than --max-connections allows: reported early'),
  'connection-evicted-memory': c('resource-limit', 'the global memory budget (--max-buffer-mb) was full: the least recently active connection was reported early'),
  'warnings-dropped': c('resource-limit', 'more warnings than the per-connection cap: the rest are counted, not shown'),
} as const satisfies Record<string, Entry>;

export type WarningCode = keyof typeof WARNING_CATALOGUE;

/** Every code (catalogue order): the JSON schema's enum of warning codes must equal this list. */
export const WARNING_CODES: readonly WarningCode[] = Object.keys(WARNING_CATALOGUE) as WarningCode[];

/** The one spelling of a direction (as in events and the JSON contract). */
export type WarningDirection = 'client->server' | 'server->client';

/**
 * A warning as reports and the JSON contract carry it (ConnectionModel / SourceModel `warnings`).
 * `frame`: Wireshark's frame number the warning is about; `offset`: a byte offset in the capture
 * file (source warnings) or in the direction's stream (connection warnings: TCP stream, or a QUIC
 * packet-number space's CRYPTO stream); `direction`: the direction it concerns.
 */
export interface Warning {
  code: WarningCode;
  message: string;
  frame?: number;
  offset?: number;
  direction?: WarningDirection;
}

/**
 * A warning as a stage records it: `side` (0/1, the stage's own sides) instead of `direction`,
 * which the analysis resolves once it knows who the client is. Created only when something odd
 * happens, never per packet.
 */
export interface StageWarning {
  code: WarningCode;
  message: string;
  frame?: number;
  offset?: number;
  side?: 0 | 1;
}

/** A warning (fields in the contract's order; undefined / negative frame and offset left out). */
export function warning(code: WarningCode, message: string, frame?: number, offset?: number, side?: 0 | 1): StageWarning {
  const w: StageWarning = { code, message };
  if (frame !== undefined && frame > 0) w.frame = frame;
  if (offset !== undefined && offset >= 0) w.offset = offset;
  if (side !== undefined) w.side = side;
  return w;
}

/** The class of a code (`weird`, `malformed` ...). */
export function warningClass(code: WarningCode): WarningClass {
  return WARNING_CATALOGUE[code].class;
}

/** JSON Schema fragment of a warning object (for report schemas: v1's test fixture, v2's schema/). */
export function warningJsonSchema(): Record<string, unknown> {
  return {
    type: 'object',
    description: 'a warning: a code from the catalogue (docs/warnings.md) and the message the text report prints',
    additionalProperties: false,
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', enum: [...WARNING_CODES] },
      message: { type: 'string' },
      frame: { type: 'integer', minimum: 1 },
      offset: { type: 'integer', minimum: 0 },
      direction: { enum: ['client->server', 'server->client'] },
    },
  };
}

/** docs/warnings.md: the catalogue as a Markdown table (a test keeps the file equal to this). */
export function warningCatalogueMarkdown(): string {
  const lines = [
    '# Warning codes',
    '',
    '<!-- Generated from src/warning-codes.ts by `node test/tools/warnings-doc.mjs`; test/report/warning-codes.test.ts checks it. -->',
    '',
    'Every warning in a report (`connections[].warnings[]`, `source.warnings[]`) is an object',
    '`{ code, message, frame?, offset?, direction? }`. The text, Markdown, HTML and TUI reports print',
    'its `message`; JSON and JSONL carry the whole object. Codes are stable: a code keeps its meaning,',
    'new ones are added, none is renamed. `frame` is Wireshark\'s frame number; `offset` is a byte',
    'offset in the capture file (source warnings) or in that direction\'s stream (connection',
    'warnings: the TCP stream, or the CRYPTO stream of a QUIC packet-number space).',
    '',
    '## Classes',
    '',
    '| class | meaning |',
    '| --- | --- |',
    ...Object.entries(WARNING_CLASSES).map(([k, v]) => `| \`${k}\` | ${v} |`),
    '',
    '## Codes',
    '',
    '| code | class | meaning |',
    '| --- | --- | --- |',
    ...WARNING_CODES.map((k) => `| \`${k}\` | ${WARNING_CATALOGUE[k].class} | ${WARNING_CATALOGUE[k].meaning} |`),
    '',
  ];
  return lines.join('\n');
}
