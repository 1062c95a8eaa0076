/**
 * tcp.stream ids and per-stream bytes compared with tshark 4.0 (golden files made by
 * test/fixtures/tcp/regenerate.sh; tshark itself is not needed to run this test). Captures:
 * synthetic ones (test/fixtures/tcp, incl. reordering, wrap-around, port reuse, capture loss), the
 * Zeek traces (test/fixtures/zeek), and the repository's loopback captures when present.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TcpReassembler } from '../../src/tcp/index.js';
import { decodePacket, newTcpSegment } from '../../src/net/index.js';
import type { TcpSegment } from '../../src/net/types.js';
import { readPcapFrames, readPcapTcp } from './helpers/pcap-tcp.js';
import { type Recorded, Recorder, sideView } from './helpers/recorder.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'tcp');
const corpus = join(import.meta.dirname, '..', 'fixtures', 'zeek');
/** The repository's own loopback captures (re-recordable: a changed file skips its golden). */
const captures = join(import.meta.dirname, '..', '..', 'captures');

interface Golden {
  capture: string;
  captureSha256: string;
  frames: [number, number][];
  streams: {
    stream: number;
    node0: string;
    node1: string;
    data0: { bytes: number; sha256: string };
    data1: { bytes: number; sha256: string };
  }[];
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const endpoint = (e: { ip: string; port: number }): string =>
  e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;

/**
 * One side rendered the way tshark 4.0's Follow TCP Stream shows it: a hole the peer's ACK proved
 * lost ('lost' gap) appears as the text "[N bytes missing in capture file]" + NUL; at a hole never
 * filled nor acknowledged ('unfilled-at-close') tshark drops everything after it.
 */
function followView(rec: Recorded, side: 0 | 1): Uint8Array {
  const parts: Uint8Array[] = [];
  sideView(rec, side); // checks offsets are contiguous (each byte delivered once or in one gap)
  for (const ev of rec.events) {
    if (ev.side !== side || ev.kind === 'end') continue;
    if (ev.kind === 'data') parts.push(ev.bytes);
    else if (ev.gap.reason === 'lost') parts.push(new TextEncoder().encode(`[${ev.gap.length} bytes missing in capture file]\0`));
    else break;
  }
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

type Decoder = 'test helper' | 'net stage';

/** Feeds every TCP segment of the capture; returns [frame, tcp.stream] pairs. */
function feed(capturePath: string, decoder: Decoder, push: (f: number, s: number, ns: number, seg: TcpSegment) => number) {
  const ids: [number, number][] = [];
  if (decoder === 'test helper') {
    for (const p of readPcapTcp(capturePath).packets) ids.push([p.frame, push(p.frame, p.tsSec, p.tsNsec, p.seg)]);
    return ids;
  }
  // The net stage's reusable segment (addresses read from the frame, no views).
  const { linkType, frames } = readPcapFrames(capturePath);
  const seg = newTcpSegment();
  for (const f of frames) {
    if (decodePacket(linkType, f.data, seg, f.originalLength) !== 'tcp') continue;
    ids.push([f.frame, push(f.frame, f.tsSec, f.tsNsec, seg)]);
  }
  return ids;
}

function check(capturePath: string, golden: Golden, decoder: Decoder): void {
  const rec = new Recorder();
  const tcp = new TcpReassembler(rec.factory);
  const ids = feed(capturePath, decoder, (f, s, ns, seg) => tcp.push({ frame: f, tsSec: s, tsNsec: ns }, seg));
  tcp.flush();
  expect(ids).toEqual(golden.frames);
  expect(rec.order.map((r) => r.conn.id)).toEqual(golden.streams.map((s) => s.stream));
  for (const s of golden.streams) {
    const r = rec.get(s.stream);
    expect(r.completed).toBe(true);
    expect(r.afterComplete).toBe(0);
    const names = r.conn.endpoints.map(endpoint);
    // tshark's node 0 is the first packet's source; map it to our side.
    expect(names, `stream ${s.stream}`).toContain(s.node0);
    const side0 = names.indexOf(s.node0);
    expect(names[1 - side0]).toBe(s.node1);
    const f0 = followView(r, side0 as 0 | 1);
    const f1 = followView(r, (1 - side0) as 0 | 1);
    expect({ stream: s.stream, bytes: f0.length, sha256: sha256(f0) })
      .toEqual({ stream: s.stream, bytes: s.data0.bytes, sha256: s.data0.sha256 });
    expect({ stream: s.stream, bytes: f1.length, sha256: sha256(f1) })
      .toEqual({ stream: s.stream, bytes: s.data1.bytes, sha256: s.data1.sha256 });
  }
}

const goldens = readdirSync(join(fixtures, 'golden')).filter((f) => f.endsWith('.json'));
const load = (f: string): Golden => JSON.parse(readFileSync(join(fixtures, 'golden', f), 'utf8')) as Golden;
const fileSha = (path: string): string => sha256(readFileSync(path));

for (const decoder of ['test helper', 'net stage'] as const) {
  describe(`tcp.stream ids and stream bytes equal tshark 4.0 (${decoder} decoder)`, () => {
    for (const f of goldens) {
      const g = load(f);
      const where = [
        { dir: fixtures, what: 'synthetic' },
        { dir: corpus, what: 'zeek corpus' },
        { dir: captures, what: 'loopback capture' },
      ].find((w) => existsSync(join(w.dir, g.capture)));
      if (where === undefined) {
        it(`${g.capture}`, () => {
          expect.fail(`${g.capture}: no such capture in ${fixtures}, ${corpus} or ${captures} (golden ${f} is stale: run test/fixtures/tcp/regenerate.sh)`);
        });
        continue;
      }
      const path = join(where.dir, g.capture);
      const same = fileSha(path) === g.captureSha256;
      it(`${where.what} ${g.capture}`, () => {
        expect(same, `${path} differs from the capture the golden was made from: run test/fixtures/tcp/regenerate.sh`).toBe(true);
        check(path, g, decoder);
      });
    }
  });
}
