import { describe, expect, it } from 'vitest';
import { bytesPerLine, eventHex, hexLines } from '../../src/tui/view-model/hex.js';
import { lineText } from '../../src/tui/view-model/styled.js';
import type { EventModel } from '../../src/analysis/model.js';

const SHD: EventModel = { frame: 68, time: 't', direction: 'server->client', kind: 'handshake', visibility: 'plaintext', type: 'ServerHelloDone', length: 0, recordIndex: 4 };

describe('hex pane', () => {
  it('offset, hex and ASCII columns; only printable ASCII in the text column', () => {
    const bytes = new Uint8Array([0x16, 0x03, 0x03, 0x00, 0x04, 0x41, 0x7b, 0x1b, 0x7f]);
    const [l] = hexLines(bytes, [], 16);
    expect(lineText(l)).toBe(`000000  16 03 03 00 04 41 7b 1b 7f ${'   '.repeat(7)} .....A{..`);
  });

  it('the message is highlighted inside its record; the handshake header apart', () => {
    // ServerHelloDone record (RFC 5246 §7.4.5): 16 03 03 00 04 | 0e 00 00 00
    const record = new Uint8Array([0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00]);
    const v = eventHex(SHD, { raw: record.subarray(5), record, rawOffset: 5 }, 80);
    expect(v.title).toBe('record 4 (9 bytes), message at 5..9 highlighted');
    const line = v.rows.row(0);
    const header = line.find((s) => s.style === 'highlight-header');
    expect(header?.text).toBe('0e 00 00 00');
    const recHdr = line.find((s) => s.style === 'record-header');
    expect(recHdr?.text).toBe('16 03 03 00 04');
  });

  it('without the record: the message alone; without bytes: says why', () => {
    const raw = new Uint8Array([0x0e, 0x00, 0x00, 0x00]);
    const v = eventHex(SHD, { raw }, 80);
    expect(v.title).toMatch(/^handshake message: 4 bytes/);
    expect(lineText(v.rows.row(0)).startsWith('000000  0e 00 00 00')).toBe(true);
    expect(lineText(eventHex(SHD, undefined, 80).rows.row(0))).toMatch(/kept no bytes/);
  });

  it('bytes per line follow the pane width', () => {
    expect(bytesPerLine(73)).toBe(16);
    expect(bytesPerLine(72)).toBe(8);
    expect(bytesPerLine(200)).toBe(32);
    const lines = hexLines(new Uint8Array(40), [], 16);
    expect(lines.map((l) => lineText(l).slice(0, 6))).toEqual(['000000', '000010', '000020']);
  });
});
