import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecordReader, type RecordInfo } from '../../src/tls/record-reader.js';
import { HandshakeAssembler, type AssembledMessage } from '../../src/tls/handshake-assembler.js';

interface Rec {
  type: number;
  body: Uint8Array;
}

function encode(recs: Rec[]): Uint8Array {
  const total = recs.reduce((n, r) => n + 5 + r.body.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const r of recs) {
    out.set([r.type, 3, 3, r.body.length >> 8, r.body.length & 0xff], o);
    out.set(r.body, o + 5);
    o += 5 + r.body.length;
  }
  return out;
}

function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const ps = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of ps) {
    if (p > last) out.push(bytes.subarray(last, p));
    last = Math.max(last, p);
  }
  if (last < bytes.length) out.push(bytes.subarray(last));
  return out;
}

function collect(skipAppData: boolean) {
  const got: Array<{ info: RecordInfo; body: Uint8Array | null }> = [];
  const warnings: string[] = [];
  const codes: string[] = [];
  const reader = new RecordReader({
    wantBody: (type) => !(skipAppData && type === 23),
    record: (info, _h, body) => got.push({ info: { ...info, frames: [...info.frames] }, body: body.slice() }),
    skipped: (info) => got.push({ info: { ...info }, body: null }),
    warning: (code, m, frame, offset) => {
      codes.push(`${code}@${frame}:${offset}`);
      warnings.push(m);
    },
  });
  return { reader, got, warnings, codes };
}

const recArb = fc.record({
  type: fc.constantFrom(20, 21, 22, 23, 24),
  body: fc.uint8Array({ minLength: 1, maxLength: 300 }),
});

describe('RecordReader', () => {
  it('delivers every record exactly once whatever the chunking (bodies, offsets, frames)', () => {
    fc.assert(
      fc.property(fc.array(recArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), fc.boolean(), (recs, points, skip) => {
        const bytes = encode(recs);
        const { reader, got, warnings } = collect(skip);
        let off = 0;
        let frame = 1;
        for (const chunk of cut(bytes, points)) {
          reader.push(chunk, off, frame++, 0, 0);
          off += chunk.length;
        }
        expect(warnings).toEqual([]);
        expect(got.length).toBe(recs.length);
        let expectOff = 0;
        recs.forEach((r, i) => {
          const g = got[i];
          expect(g.info.contentType).toBe(r.type);
          expect(g.info.length).toBe(r.body.length);
          expect(g.info.index).toBe(i);
          expect(g.info.streamOffset).toBe(expectOff);
          if (skip && r.type === 23) expect(g.body).toBeNull();
          else expect(Buffer.from(g.body!).equals(Buffer.from(r.body))).toBe(true);
          expectOff += 5 + r.body.length;
        });
        expect(reader.pendingBytes()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('resynchronises on the next plausible header after a gap and reports the skipped bytes', () => {
    const recs: Rec[] = [
      { type: 22, body: new Uint8Array(100).fill(1) },
      { type: 23, body: new Uint8Array(50).fill(2) },
      { type: 21, body: new Uint8Array([2, 48]) },
    ];
    const bytes = encode(recs);
    const { reader, got, warnings, codes } = collect(false);
    reader.push(bytes.subarray(0, 40), 0, 1, 0, 0);
    // bytes 40..80 are lost
    reader.gap(40, 40, 1);
    reader.push(bytes.subarray(80), 80, 2, 0, 0);
    expect(got.map((g) => g.info.contentType)).toEqual([23, 21]);
    expect(got[0].info.streamOffset).toBe(105);
    expect(warnings.join('\n')).toMatch(/skipped 25 bytes after stream offset 80/);
    expect(codes).toContain('tls-record-resync-skipped@1:80');
  });

  it('rejects an over-long record with a warning and resyncs', () => {
    const bad = new Uint8Array([22, 3, 3, 0x50, 0x00]);
    const good = encode([{ type: 21, body: new Uint8Array([1, 0]) }]);
    const { reader, got, warnings, codes } = collect(false);
    const all = new Uint8Array(bad.length + 7 + good.length);
    all.set(bad);
    all.set(good, bad.length + 7);
    reader.push(all, 0, 1, 0, 0);
    expect(warnings[0]).toMatch(/record length 20480 exceeds the maximum 18432 at stream offset 0/);
    expect(codes[0]).toBe('tls-record-too-long@1:0');
    expect(codes[1]).toBe('tls-record-resync-skipped@1:0');
    expect(got.map((g) => g.info.contentType)).toEqual([21]);
  });

  it('never throws or loops on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, points) => {
        const { reader, got } = collect(false);
        let off = 0;
        for (const chunk of cut(bytes, points)) {
          reader.push(chunk, off, 1, 0, 0);
          off += chunk.length;
        }
        for (const g of got) expect(g.info.length).toBeLessThanOrEqual(18432);
      }),
      { numRuns: 300 },
    );
  });

  it('reads an SSLv2-format ClientHello at the start of a stream', () => {
    const body = new Uint8Array([1, 3, 1, 0, 3, 0, 0, 0, 16, 0, 0, 4, ...new Array(16).fill(7)]);
    const bytes = new Uint8Array([0x80 | (body.length >> 8), body.length & 0xff, ...body]);
    const { reader, got } = collect(false);
    reader.push(bytes.subarray(0, 3), 0, 1, 0, 0);
    reader.push(bytes.subarray(3), 3, 2, 0, 0);
    expect(got.length).toBe(1);
    expect(got[0].info.sslv2).toBe(true);
    expect(Buffer.from(got[0].body!).equals(Buffer.from(body))).toBe(true);
  });
});

describe('HandshakeAssembler', () => {
  const msgArb = fc.record({ type: fc.integer({ min: 0, max: 30 }), body: fc.uint8Array({ maxLength: 400 }) });

  it('reassembles messages spread over records of any size, with their offsets and record index', () => {
    fc.assert(
      fc.property(fc.array(msgArb, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 40 }), (msgs, sizes) => {
        const stream: number[] = [];
        const starts: number[] = [];
        for (const m of msgs) {
          starts.push(stream.length);
          stream.push(m.type, (m.body.length >> 16) & 0xff, (m.body.length >> 8) & 0xff, m.body.length & 0xff, ...m.body);
        }
        const bytes = Uint8Array.from(stream);
        const out: AssembledMessage[] = [];
        const asm = new HandshakeAssembler((m) => out.push({ ...m, body: m.body.slice() }), () => undefined);
        let pos = 0;
        let idx = 0;
        let streamOff = 0;
        const recordOfByte: number[] = [];
        while (pos < bytes.length) {
          const n = Math.min(sizes[idx % sizes.length], bytes.length - pos);
          const info: RecordInfo = { index: idx, contentType: 22, version: 0x303, length: n, streamOffset: streamOff, firstFrame: idx + 1, frame: idx + 1, frames: [idx + 1], tsSec: 0, tsNsec: 0, sslv2: false };
          for (let i = 0; i < n; i++) recordOfByte.push(idx);
          asm.push({ record: info, bodyStreamOffset: streamOff + 5 }, bytes.subarray(pos, pos + n));
          pos += n;
          streamOff += 5 + n;
          idx++;
        }
        expect(out.length).toBe(msgs.length);
        msgs.forEach((m, i) => {
          expect(out[i].type).toBe(m.type);
          expect(Buffer.from(out[i].body).equals(Buffer.from(m.body))).toBe(true);
          const rec = recordOfByte[starts[i]];
          expect(out[i].recordIndex).toBe(rec);
          // stream offset = record header offset + 5 + offset inside the record
          let recStartByte = 0;
          while (recordOfByte[recStartByte] !== rec) recStartByte++;
          expect(out[i].streamOffset).toBe(rec * 5 + 5 + starts[i]);
          expect(recStartByte).toBeLessThanOrEqual(starts[i]);
        });
        expect(asm.pending).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('skips a message over the size limit with a warning and keeps going', () => {
    const warnings: string[] = [];
    const out: number[] = [];
    const codes: string[] = [];
    const asm = new HandshakeAssembler((m) => out.push(m.type), (code, w) => {
      codes.push(code);
      warnings.push(w);
    }, 100);
    const big = new Uint8Array(4 + 200);
    big.set([11, 0, 0, 200]);
    const small = new Uint8Array([14, 0, 0, 0]);
    const info: RecordInfo = { index: 0, contentType: 22, version: 0x303, length: 0, streamOffset: 0, firstFrame: 1, frame: 1, frames: [1], tsSec: 0, tsNsec: 0, sslv2: false };
    asm.push({ record: info, bodyStreamOffset: 5 }, big.subarray(0, 50));
    asm.push({ record: { ...info, index: 1 }, bodyStreamOffset: 60 }, Uint8Array.from([...big.subarray(50), ...small]));
    expect(warnings[0]).toMatch(/length 200 exceeds the limit 100/);
    expect(codes).toEqual(['tls-handshake-message-too-long']);
    expect(out).toEqual([14]);
  });
});
