/**
 * Fuzz targets for the TLS stage: record framing (+ handshake reassembly), every handshake message
 * decoder in both TLS 1.2 and TLS 1.3 contexts, the X.509 cache and the key log parser.
 */
import { HandshakeAssembler } from '../../src/tls/handshake-assembler.js';
import { MAX_RECORD_LENGTH, RecordReader, type RecordInfo } from '../../src/tls/record-reader.js';
import { decodeHandshake, decodeSslv2Handshake } from '../../src/tls/messages/index.js';
import { CertificateCache } from '../../src/tls/x509/index.js';
import { KeyLog } from '../../src/tls/decrypt/index.js';
import { certificateSeeds, handshakeSeeds, keyLogTexts, type HandshakeSeed } from './corpus.js';
import type { FuzzTarget } from './harness.js';
import { Rng, concat, hexPreview, mutate } from './rng.js';

// ---------- record layer + handshake assembler ----------

export interface RecordInput {
  stream: Uint8Array;
  /** Chunk sizes; a negative size is a gap of that many bytes. */
  pieces: number[];
  maxMessage: number;
}

function recordStream(rng: Rng, seeds: HandshakeSeed[]): Uint8Array {
  const parts: Uint8Array[] = [];
  if (rng.bool(0.1)) parts.push(Uint8Array.of(0x80, 0x2e, 1, 3, 1, 0, 0x15, 0, 0, 0, 0x10)); // SSLv2 hello start
  for (let i = 0, n = 1 + rng.int(8); i < n; i++) {
    const s = rng.pick(seeds);
    const msg = concat(Uint8Array.of(s.type, s.body.length >> 16, (s.body.length >> 8) & 0xff, s.body.length & 0xff), s.body);
    // split a message over records of random sizes, or put several in one record
    for (let o = 0; o < msg.length; ) {
      const len = Math.min(msg.length - o, 1 + rng.int(rng.bool(0.5) ? 64 : 16384));
      const type = rng.bool(0.85) ? 22 : rng.pick([20, 21, 23, 24]);
      parts.push(Uint8Array.of(type, 3, rng.int(5), len >> 8, len & 0xff), msg.subarray(o, o + len));
      o += len;
    }
  }
  return mutate(rng, concat(...parts), 0, 200_000);
}

let hsSeeds: HandshakeSeed[] | null = null;

export const recordTarget: FuzzTarget<RecordInput> = {
  name: 'tls-records',
  weight: 10,
  gen(rng) {
    hsSeeds ??= handshakeSeeds();
    const stream = rng.bool(0.1) ? rng.bytes(rng.int(3000)) : recordStream(rng, hsSeeds);
    const pieces: number[] = [];
    for (let left = stream.length; left > 0; ) {
      const n = Math.min(left, 1 + rng.int(rng.bool(0.3) ? 10 : 3000));
      pieces.push(rng.bool(0.03) ? -n : n);
      left -= n;
    }
    return { stream, pieces, maxMessage: rng.pick([100, 4096, 256 * 1024, 1024 * 1024]) };
  },
  check({ stream, pieces, maxMessage }) {
    let lastOffset = -1;
    let records = 0;
    const asm = new HandshakeAssembler(
      (m) => {
        // a message inside one record is a view (no buffering): the limit bounds assembled ones
        if (m.length > Math.max(maxMessage, MAX_RECORD_LENGTH)) throw new Error(`message of ${m.length} bytes over the limit ${maxMessage}`);
        if (m.body.length !== m.length) throw new Error('body length differs from the header');
      },
      () => undefined,
      maxMessage,
    );
    const reader = new RecordReader({
      wantBody: (type) => type !== 23,
      record(info: RecordInfo, _h, body) {
        records++;
        if (info.length > 32767 || (!info.sslv2 && info.length > MAX_RECORD_LENGTH)) throw new Error(`record of ${info.length} bytes`);
        if (body.length !== info.length) throw new Error(`body ${body.length} for length ${info.length}`);
        if (info.streamOffset <= lastOffset) throw new Error(`record offset ${info.streamOffset} after ${lastOffset}`);
        lastOffset = info.streamOffset;
        if (info.contentType === 22) asm.push({ record: info, bodyStreamOffset: info.streamOffset + 5 }, body);
      },
      skipped(info) {
        records++;
        lastOffset = info.streamOffset;
      },
      warning(msg) {
        if (msg.length === 0) throw new Error('empty warning');
      },
    });
    let off = 0;
    pieces.forEach((p, i) => {
      if (p < 0) {
        reader.gap(off, -p, i);
        asm.reset();
        off -= p;
      } else {
        reader.push(stream.subarray(off, off + p), off, i + 1, 0, 0);
        off += p;
      }
      if (reader.pendingBytes() > 32767 + 5) throw new Error(`${reader.pendingBytes()} bytes pending`);
    });
    if (records > stream.length) throw new Error(`${records} records from ${stream.length} bytes`);
  },
  show: (i) => `maxMessage ${i.maxMessage}, pieces ${JSON.stringify(i.pieces.slice(0, 30))}, stream ${hexPreview(i.stream, 160)}`,
};

// ---------- handshake message decoders ----------

export interface HandshakeInput {
  type: number;
  body: Uint8Array;
  tls13: boolean;
  fromServer: boolean;
  cipherSuite?: number;
  version?: number;
  sslv2: boolean;
}

const SUITES = [undefined, 0xc02f, 0x009e, 0x0039, 0x002f, 0x00aa, 0xd001, 0x0003, 0xc01d, 0x1301, 0x1303, 0xffff];
const TYPES = [0, 1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 254, 255];

export const handshakeTarget: FuzzTarget<HandshakeInput> = {
  name: 'handshake',
  weight: 20,
  gen(rng, index) {
    hsSeeds ??= handshakeSeeds();
    const s = rng.pick(hsSeeds);
    const body = rng.bool(0.05) ? rng.bytes(rng.int(600)) : mutate(rng, s.body, 0, 100_000);
    // every type in both contexts: the seed's own type most of the time, any type otherwise
    const type = rng.bool(0.6) ? s.type : rng.bool(0.7) ? rng.pick(TYPES) : rng.int(256);
    return {
      type, body, tls13: index % 2 === 0, fromServer: rng.bool(), cipherSuite: rng.pick(SUITES),
      version: rng.pick([undefined, 0x0300, 0x0301, 0x0302, 0x0303]), sslv2: s.sslv2 && rng.bool(0.5),
    };
  },
  check(i) {
    const r = i.sslv2
      ? decodeSslv2Handshake(i.body)
      : decodeHandshake(i.type, i.body, { tls13: i.tls13, fromServer: i.fromServer, cipherSuite: i.cipherSuite, version: i.version });
    const internal = r.warnings.find((w) => typeof w !== 'string' && w.code === 'tls-decoder-internal-error');
    if (internal !== undefined) throw new Error(`decoder threw (caught by decodeHandshake): ${typeof internal === 'string' ? internal : internal.message}`);
    const json = JSON.stringify(r.details);
    if (json.length > 64 * i.body.length + 4096) throw new Error(`details of ${json.length} characters from ${i.body.length} bytes`);
    for (const list of [r.certificates, r.certificateAuthorities]) {
      for (const v of list ?? []) {
        if (v.buffer !== i.body.buffer || v.byteOffset < i.body.byteOffset || v.byteOffset + v.length > i.body.byteOffset + i.body.length) {
          throw new Error('a view outside the message body');
        }
      }
    }
  },
  show: (i) => `type ${i.type} tls13=${i.tls13} fromServer=${i.fromServer} suite=${i.cipherSuite} version=${i.version} sslv2=${i.sslv2} body ${hexPreview(i.body, 160)}`,
};

// ---------- X.509 ----------

let certs: Uint8Array[] | null = null;
const cache = new CertificateCache(256);

export const x509Target: FuzzTarget<Uint8Array> = {
  name: 'x509',
  weight: 6,
  gen(rng) {
    certs ??= certificateSeeds();
    return rng.bool(0.03) ? rng.bytes(rng.int(2000)) : mutate(rng, rng.pick(certs), 0, 64 * 1024);
  },
  check(der) {
    const info = cache.get(der);
    if (!/^[0-9a-f]{64}$/.test(info.sha256)) throw new Error(`sha256 ${info.sha256}`);
    if (typeof info.subject !== 'string' || typeof info.issuer !== 'string') throw new Error('subject/issuer not strings');
    if (info.error !== undefined && info.error.length === 0) throw new Error('empty error');
    JSON.stringify({ ...info, der: undefined, subjectDer: undefined, issuerDer: undefined });
  },
  show: (der) => hexPreview(der, 200),
};

// ---------- key log ----------

export interface KeyLogInput {
  text: string;
  cuts: number[];
}

let logs: string[] | null = null;

export const keylogTarget: FuzzTarget<KeyLogInput> = {
  name: 'keylog',
  weight: 9,
  gen(rng) {
    logs ??= keyLogTexts();
    const seed = new TextEncoder().encode(rng.pick(logs));
    const bytes = mutate(rng, seed, 0, 300_000);
    const text = rng.bool(0.5) ? Buffer.from(bytes).toString('latin1') : new TextDecoder().decode(bytes);
    const cuts = Array.from({ length: rng.int(6) }, () => rng.int(text.length + 1)).sort((a, b) => a - b);
    return { text, cuts };
  },
  check({ text, cuts }) {
    const log = new KeyLog();
    let at = 0;
    for (const c of [...cuts, text.length]) {
      log.add(text.slice(at, c), 'fuzz');
      at = c;
    }
    log.finish('fuzz');
    const counts = log.counts();
    if (counts.values < 0 || counts.issues < log.issues().length) throw new Error(`inconsistent counts ${JSON.stringify(counts)}`);
    // problems are reported by line number and reason, never with the secret text
    const secrets = [...text.matchAll(/\b[0-9a-fA-F]{64,}\b/g)].map((m) => m[0].toLowerCase());
    for (const issue of log.issues()) {
      const r = issue.reason.toLowerCase();
      for (const s of secrets) if (r.includes(s.slice(0, 32))) throw new Error(`issue quotes key material: ${issue.reason}`);
    }
    for (const s of secrets) {
      if (JSON.stringify(log).toLowerCase().includes(s.slice(0, 32))) throw new Error('KeyLog JSON shows key material');
    }
  },
  show: (i) => `cuts ${JSON.stringify(i.cuts)} text ${JSON.stringify(i.text.slice(0, 300))}${i.text.length > 300 ? `… (${i.text.length} chars)` : ''}`,
};
