/** The bounded look at decrypted application data (src/tls/app-data.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { APP_EVENTS_PER_SIDE, APP_PEEK_BYTES, AppDataState, appDataEvent, inspectAppData } from '../../src/tls/app-data.js';
import type { RecordInfo } from '../../src/tls/record-reader.js';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** An HTTP/2 frame header + payload. */
function h2(type: number, flags: number, stream: number, payload: Uint8Array | number[]): Uint8Array {
  const p = payload instanceof Uint8Array ? payload : new Uint8Array(payload);
  const f = new Uint8Array(9 + p.length);
  f[0] = p.length >> 16;
  f[1] = (p.length >> 8) & 0xff;
  f[2] = p.length & 0xff;
  f[3] = type;
  f[4] = flags;
  new DataView(f.buffer).setUint32(5, stream);
  f.set(p, 9);
  return f;
}
const PREFACE = ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const goaway = (last: number, code: number) => {
  const p = new Uint8Array(8);
  new DataView(p.buffer).setUint32(0, last);
  new DataView(p.buffer).setUint32(4, code);
  return h2(7, 0, 0, p);
};

describe('HTTP/1.x', () => {
  it('request and status lines; the error page title', () => {
    expect(inspectAppData(new AppDataState(), ascii('GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n'), false)).toEqual({ protocol: 'http/1.x', firstLine: 'GET /a?b=c HTTP/1.1' });
    const page = 'HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>';
    expect(inspectAppData(new AppDataState(), ascii(page), false)).toEqual({
      protocol: 'http/1.x',
      firstLine: 'HTTP/1.1 400 Bad Request',
      status: 400,
      title: '400 No required SSL certificate was sent',
    });
    expect(inspectAppData(new AppDataState(), ascii('HTTP/1.0 200 OK'), false)).toMatchObject({ firstLine: 'HTTP/1.0 200 OK', status: 200 });
  });

  it('not HTTP: binary, control bytes in the line, lower-case methods, an empty record', () => {
    for (const s of ['\x00\x01\x02', 'GET / HTTP/1.1\x1b[31m\r\n', 'get / HTTP/1.1\r\n', 'HTTP/1.1 99 x\r\n', 'SSH-2.0-OpenSSH\r\n', '']) {
      expect(inspectAppData(new AppDataState(), ascii(s), false)).toEqual({ protocol: 'unknown' });
    }
  });

  it('long lines are cut at 200 characters; a title beyond the first bytes is not looked for', () => {
    const long = `HTTP/1.1 400 ${'x'.repeat(500)}\r\n`;
    const r = inspectAppData(new AppDataState(), ascii(long), false);
    expect(r.firstLine).toHaveLength(200);
    expect(r.status).toBe(400);
    const far = `HTTP/1.1 400 Bad Request\r\n\r\n${' '.repeat(APP_PEEK_BYTES)}<title>late</title>`;
    expect(inspectAppData(new AppDataState(), ascii(far), false).title).toBeUndefined();
  });
});

describe('HTTP/2', () => {
  it('client preface and frames; HEADERS :status from an HPACK static index, also when padded', () => {
    const st = new AppDataState();
    expect(inspectAppData(st, cat(PREFACE, h2(4, 0, 0, []), h2(8, 0, 0, [0, 0, 0, 1])), false)).toEqual({
      protocol: 'http2',
      preface: true,
      frames: ['SETTINGS', 'WINDOW_UPDATE'],
    });
    const srv = new AppDataState();
    expect(inspectAppData(srv, h2(1, 0x4 | 0x8, 1, [2, 0x8c, 0, 0]), true)).toEqual({ protocol: 'http2', status: 400, frames: ['HEADERS'] });
    // PRIORITY flag: 5 bytes before the header block
    expect(inspectAppData(new AppDataState(), h2(1, 0x20, 1, [0, 0, 0, 0, 16, 0x88]), true).status).toBe(200);
    // a literal :status (not indexed) is not decoded
    expect(inspectAppData(new AppDataState(), h2(1, 0, 1, [0x48, 3, 0x34, 0x30, 0x33]), true).status).toBeUndefined();
  });

  it('GOAWAY with its error code', () => {
    const st = new AppDataState();
    st.h2 = true;
    expect(inspectAppData(st, goaway(3, 1), false)).toEqual({
      protocol: 'http2',
      frames: ['GOAWAY'],
      goaway: { lastStreamId: 3, errorCode: 1, error: 'PROTOCOL_ERROR' },
    });
    expect(inspectAppData(st, goaway(0, 0x99), false).goaway?.error).toBe('0x99');
  });

  it('a frame continuing into the next record is skipped there; a split frame header loses the framing', () => {
    const st = new AppDataState();
    const data = h2(0, 0, 1, new Uint8Array(100));
    expect(inspectAppData(st, cat(PREFACE, data.subarray(0, 40)), false).frames).toEqual(['DATA']);
    expect(inspectAppData(st, data.subarray(40, 80), false)).toEqual({ protocol: 'http2' });
    expect(inspectAppData(st, cat(data.subarray(80), goaway(1, 0)), false)).toMatchObject({ frames: ['GOAWAY'], goaway: { error: 'NO_ERROR' } });
    const g = goaway(1, 2);
    expect(inspectAppData(st, g.subarray(0, 4), false)).toEqual({ protocol: 'http2' });
    expect(inspectAppData(st, g.subarray(4), false)).toEqual({ protocol: 'unknown' });
  });
});

describe('budget and robustness', () => {
  const info: RecordInfo = { index: 0, contentType: 23, version: 0x0303, length: 10, streamOffset: 0, firstFrame: 1, frame: 1, frames: [1], tsSec: 0, tsNsec: 0, sslv2: false };

  it(`only the first ${APP_EVENTS_PER_SIDE} records of a direction become events`, () => {
    const st = new AppDataState();
    const rec = ascii('GET / HTTP/1.1\r\n\r\n');
    const evs = Array.from({ length: APP_EVENTS_PER_SIDE + 3 }, () => appDataEvent(st, 0, info, rec, false, false, new Uint8Array(5), rec));
    expect(evs.filter((e) => e !== null)).toHaveLength(APP_EVENTS_PER_SIDE);
    expect(evs[0]).toMatchObject({ kind: 'encrypted', visibility: 'decrypted', type: 'ApplicationData', length: rec.length, app: { firstLine: 'GET / HTTP/1.1' } });
    expect(evs[0]!.raw).toBeUndefined();
  });

  it('random bytes: never throws, strings bounded and printable', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (recs, alpn) => {
        const st = new AppDataState();
        for (const r of recs) {
          const a = inspectAppData(st, r, alpn);
          expect((a.firstLine ?? '').length).toBeLessThanOrEqual(200);
          expect((a.title ?? '').length).toBeLessThanOrEqual(120);
          expect((a.frames ?? []).length).toBeLessThanOrEqual(16);
          expect(`${a.firstLine ?? ''}${a.title ?? ''}`).toMatch(/^[\x20-\x7e]*$/);
        }
      }),
    );
  });

  it('random HTTP-looking text: a status line always gives its status', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.string({ maxLength: 300 }), (status, rest) => {
        const a = inspectAppData(new AppDataState(), ascii(`HTTP/1.1 ${status} ${rest.replace(/[^\x20-\x7e]/g, '')}\r\n`), false);
        expect(a.status).toBe(status);
      }),
    );
  });
});
