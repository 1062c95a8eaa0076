/**
 * Seeds for the fuzz targets, read from the committed captures and fixtures with small readers
 * written here (independent of src/): capture files, their frames, handshake message bodies,
 * certificates and key logs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const CAPTURES = join(REPO, 'captures');
export const FIXTURES = join(REPO, 'test', 'fixtures');

export interface CaptureFile {
  name: string;
  path: string;
  bytes: Uint8Array;
  /** Key log next to it (captures/X.keys), when there is one. */
  keysPath?: string;
}

function listFiles(dir: string, filter: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, filter));
    else if (filter(e.name)) out.push(p);
  }
  return out.sort();
}

/**
 * captures/*.pcap(ng) and test/fixtures/**\/*.pcap(ng), smallest first; not the third-party Zeek
 * traces in test/fixtures/zeek (their handshakes are seeds already, via tls-messages/).
 */
export function captureFiles(maxBytes = Infinity): CaptureFile[] {
  const zeek = join(FIXTURES, 'zeek');
  const paths = [
    ...listFiles(CAPTURES, (n) => /\.pcap(ng)?$/.test(n)).filter((p) => !p.includes('/logs/') && !p.includes('/www/')),
    ...listFiles(FIXTURES, (n) => /\.pcap(ng)?$/.test(n)).filter((p) => !p.startsWith(zeek)),
  ];
  const files: CaptureFile[] = [];
  for (const path of paths) {
    const bytes = new Uint8Array(readFileSync(path));
    if (bytes.length > maxBytes) continue;
    const keys = path.replace(/\.pcap(ng)?$/, '.keys');
    const f: CaptureFile = { name: path.slice(REPO.length + 1), path, bytes };
    if (existsSync(keys)) f.keysPath = keys;
    files.push(f);
  }
  return files.sort((a, b) => a.bytes.length - b.bytes.length);
}

export interface Frame {
  linkType: number;
  data: Uint8Array;
}

/** Frames of a classic pcap file (both byte orders; micro or nano magic). */
export function pcapFrames(b: Uint8Array): Frame[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = dv.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const linkType = dv.getUint32(20, le) & 0x03ffffff;
  const frames: Frame[] = [];
  for (let o = 24; o + 16 <= b.length; ) {
    const cap = dv.getUint32(o + 8, le);
    if (o + 16 + cap > b.length) break;
    frames.push({ linkType, data: b.subarray(o + 16, o + 16 + cap) });
    o += 16 + cap;
  }
  return frames;
}

/** Frames of every small classic pcap in the corpus. */
export function corpusFrames(): Frame[] {
  return captureFiles(30_000)
    .filter((f) => f.name.endsWith('.pcap'))
    .flatMap((f) => pcapFrames(f.bytes));
}

export interface HandshakeSeed {
  type: number;
  body: Uint8Array;
  /** Decoded after a TLS 1.3 ServerHello in its capture. */
  tls13: boolean;
  fromServer: boolean;
  sslv2: boolean;
}

/** Handshake message bodies of test/fixtures/tls-messages/*.messages.json (cut from real captures). */
export function handshakeSeeds(): HandshakeSeed[] {
  const dir = join(FIXTURES, 'tls-messages');
  const out: HandshakeSeed[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.messages.json')).sort()) {
    const j = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
      messages: Array<{ type: number; dir: string; hex?: string; sslv2?: boolean; stream: number }>;
    };
    const tls13Streams = new Set<number>();
    for (const m of j.messages) {
      if (m.hex === undefined) continue;
      const body = new Uint8Array(Buffer.from(m.hex, 'hex'));
      // ServerHello: legacy_version(2) random(32) sid; supported_versions 0x0304 means TLS 1.3
      if (m.type === 2 && !m.sslv2 && /002b00020304/.test(m.hex)) tls13Streams.add(m.stream);
      out.push({ type: m.type, body, tls13: tls13Streams.has(m.stream), fromServer: m.dir === 's2c', sslv2: m.sslv2 === true });
    }
  }
  return out;
}

/** DER certificates: the PEM and DER fixtures of test/fixtures/x509. */
export function certificateSeeds(): Uint8Array[] {
  const dir = join(FIXTURES, 'x509');
  const out: Uint8Array[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.pem')) {
      const text = readFileSync(join(dir, f), 'ascii');
      for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
        out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
      }
    } else if (f.endsWith('.der') && f.includes('certificate-frame')) {
      out.push(new Uint8Array(readFileSync(join(dir, f))));
    }
  }
  return out;
}

/** Text of every committed key log (captures/*.keys, test/fixtures/**\/*.keys). */
export function keyLogTexts(): string[] {
  return [...listFiles(CAPTURES, (n) => n.endsWith('.keys')), ...listFiles(FIXTURES, (n) => n.endsWith('.keys'))]
    .map((p) => readFileSync(p, 'utf8'));
}
