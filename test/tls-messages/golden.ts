/**
 * Test helpers: load the hex fixtures cut from real captures and the `tshark -V` golden text of
 * the same captures (see test/fixtures/tls-messages/extract.mjs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'tls-messages');

export interface FixtureMessage {
  stream: number;
  dir: 'c2s' | 's2c';
  frame: number;
  type: number;
  length: number;
  /** Body hex; absent when the message was too large to commit. */
  hex?: string;
  sslv2?: boolean;
  decrypted?: boolean;
}

export interface Fixture {
  base: string;
  messages: FixtureMessage[];
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.messages.json'))
    .map((f) => f.slice(0, -'.messages.json'.length))
    .sort();
}

export function loadFixture(base: string): Fixture {
  const j = JSON.parse(readFileSync(join(FIXTURES, `${base}.messages.json`), 'utf8')) as { messages: FixtureMessage[] };
  return { base, messages: j.messages };
}

/** A fresh, exactly sized Uint8Array (its own ArrayBuffer) holding the body. */
export function bodyOf(m: FixtureMessage): Uint8Array {
  return new Uint8Array(Buffer.from(m.hex ?? '', 'hex'));
}

/** One "Handshake Protocol: X" (or SSLv2 record) subtree of the tshark -V output. */
export interface TsharkBlock {
  /** e.g. "Client Hello", "Hello Retry Request" (from the record line for HRR). */
  title: string;
  lines: string[];
}

/** Frame number -> handshake blocks in order. */
export function loadTshark(base: string): Map<number, TsharkBlock[]> {
  const text = readFileSync(join(FIXTURES, `${base}.tshark.txt`), 'utf8');
  const frames = new Map<number, TsharkBlock[]>();
  let frame = 0;
  let block: TsharkBlock | null = null;
  let blockIndent = 0;
  let recordTitle = '';
  for (const line of text.split('\n')) {
    const f = /^Frame (\d+):/.exec(line);
    if (f) {
      frame = Number(f[1]);
      block = null;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const rec = /Record Layer: Handshake Protocol: (.+)$/.exec(line);
    if (rec) recordTitle = rec[1];
    const hs = /^(\s+)Handshake Protocol: (.+)$/.exec(line);
    const v2 = /^(\s+)SSLv2 Record Layer: (.+)$/.exec(line);
    if (hs || v2) {
      const title = v2 ? v2[2] : recordTitle === 'Hello Retry Request' ? 'Hello Retry Request' : hs![2];
      block = { title, lines: [] };
      blockIndent = (hs ?? v2)![1].length;
      if (!frames.has(frame)) frames.set(frame, []);
      frames.get(frame)!.push(block);
      continue;
    }
    // `<`, not `<=`: tshark prints some fields (KeyUpdate's request) at the message's own indent.
    if (block && line.trim() !== '' && indent < blockIndent) block = null;
    if (block) block.lines.push(line);
  }
  return frames;
}

/** All matches of `re` (with one capture group) in the block, in order. */
export function values(block: TsharkBlock, re: RegExp): string[] {
  const out: string[] = [];
  for (const l of block.lines) {
    const m = re.exec(l);
    if (m) out.push(m[1]);
  }
  return out;
}

/** The lines of one extension (`Extension: <name> (len=N)`) inside a message block. */
export function extensionBlock(block: TsharkBlock, name: string): TsharkBlock {
  const lines: string[] = [];
  let inside = false;
  for (const l of block.lines) {
    const m = /^ {12}Extension: (\S+) \(len=\d+\)$/.exec(l);
    if (m) inside = m[1] === name;
    else if (inside && /^ {0,12}\S/.test(l)) inside = false;
    if (inside) lines.push(l);
  }
  return { title: name, lines };
}

export function numbers(block: TsharkBlock, re: RegExp): number[] {
  return values(block, re).map((v) => (v.startsWith('0x') ? parseInt(v, 16) : Number(v)));
}

/** tshark's message title -> our PascalCase name. */
export function pascal(title: string): string {
  return title
    .split(' ')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}
