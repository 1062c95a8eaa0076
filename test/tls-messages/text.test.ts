import { describe, expect, it } from 'vitest';
import { toText } from '../../src/tls/messages/reader.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

describe('wire text (SNI, ALPN) decoding', () => {
  it('ASCII stays as it is', () => {
    expect(toText(bytes('www.example.com'))).toBe('www.example.com');
    expect(toText(bytes('h2'))).toBe('h2');
  });
  it('valid UTF-8 is decoded as UTF-8, not latin1 mojibake', () => {
    expect(toText(bytes('bücher.example'))).toBe('bücher.example');
    expect(toText(bytes('例え.テスト'))).toBe('例え.テスト');
  });
  it('bytes that are not UTF-8 become \\xHH escapes', () => {
    expect(toText(new Uint8Array([0x61, 0xff, 0x62, 0xc3]))).toBe('a\\xffb\\xc3');
  });
});
