/** Tiny TLS presentation-language byte builder for hand-made test messages. */
export type Part = number[] | Uint8Array;

export const u8 = (v: number): number[] => [v & 0xff];
export const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
export const u24 = (v: number): number[] => [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
export const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

export function cat(...parts: Part[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const vec8 = (...parts: Part[]): Uint8Array => { const b = cat(...parts); return cat(u8(b.length), b); };
export const vec16 = (...parts: Part[]): Uint8Array => { const b = cat(...parts); return cat(u16(b.length), b); };
export const vec24 = (...parts: Part[]): Uint8Array => { const b = cat(...parts); return cat(u24(b.length), b); };
export const fill = (n: number, v = 0xab): Uint8Array => new Uint8Array(n).fill(v);
export const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
/** One extension: type, then its body as opaque<0..2^16-1>. */
export const ext = (type: number, ...body: Part[]): Uint8Array => cat(u16(type), vec16(...body));
