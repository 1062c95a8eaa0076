/**
 * A real copy of bytes. Careful: on a Node Buffer, `.slice()` is a VIEW (it shares memory), and
 * packet data are views into large read buffers (1 MiB file chunks, live-capture slabs): keeping a
 * view keeps the whole buffer alive. Everything kept beyond a callback goes through this.
 */
export function copyBytes(b: Uint8Array, start?: number, end?: number): Uint8Array {
  return Uint8Array.prototype.slice.call(b, start, end) as Uint8Array;
}
