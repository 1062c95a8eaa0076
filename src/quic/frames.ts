/**
 * QUIC frames (RFC 9000 §19) of one decrypted packet: CRYPTO and CONNECTION_CLOSE are handed to
 * the caller, NEW_CONNECTION_ID announces a CID, every other known frame is skipped by its
 * encoded lengths (STREAM data included). An unknown frame type or a frame running past the
 * payload ends the packet with a reason (the frames before it count).
 */
import { WireReader } from './wire.js';

export interface FrameSink {
  crypto(offset: number, data: Uint8Array): void;
  close(errorCode: number, frameType: number, reason: Uint8Array, application: boolean): void;
  newConnectionId(cid: Uint8Array): void;
  /** HANDSHAKE_DONE (server, 1-RTT). */
  handshakeDone(): void;
}

/** Names of the frame types seen (for the event details), short forms. */
export function frameName(t: number): string {
  if (t >= 0x08 && t <= 0x0f) return 'STREAM';
  return FRAME_NAMES[t] ?? `0x${t.toString(16)}`;
}

const FRAME_NAMES: Record<number, string> = {
  0x00: 'PADDING', 0x01: 'PING', 0x02: 'ACK', 0x03: 'ACK_ECN', 0x04: 'RESET_STREAM', 0x05: 'STOP_SENDING',
  0x06: 'CRYPTO', 0x07: 'NEW_TOKEN', 0x10: 'MAX_DATA', 0x11: 'MAX_STREAM_DATA', 0x12: 'MAX_STREAMS',
  0x13: 'MAX_STREAMS', 0x14: 'DATA_BLOCKED', 0x15: 'STREAM_DATA_BLOCKED', 0x16: 'STREAMS_BLOCKED',
  0x17: 'STREAMS_BLOCKED', 0x18: 'NEW_CONNECTION_ID', 0x19: 'RETIRE_CONNECTION_ID', 0x1a: 'PATH_CHALLENGE',
  0x1b: 'PATH_RESPONSE', 0x1c: 'CONNECTION_CLOSE', 0x1d: 'CONNECTION_CLOSE', 0x1e: 'HANDSHAKE_DONE',
  0x30: 'DATAGRAM', 0x31: 'DATAGRAM',
};

/** Max ACK ranges walked in one frame (a hostile count cannot make the loop long). */
const MAX_ACK_RANGES = 4096;

/** Parses every frame; returns '' or the reason parsing stopped. */
export function parseFrames(payload: Uint8Array, sink: FrameSink): string {
  const r = new WireReader(payload);
  while (r.left > 0) {
    const t = r.varint('frame type');
    switch (t) {
      case 0x00: // PADDING: a run of zero bytes
        while (r.pos < r.end && payload[r.pos] === 0) r.pos++;
        break;
      case 0x01:
      case 0x1e:
        if (t === 0x1e) sink.handshakeDone();
        break;
      case 0x02:
      case 0x03: {
        r.varint();
        r.varint();
        const n = r.varint('ACK range count');
        r.varint();
        if (n > MAX_ACK_RANGES || n * 2 > r.left) return `ACK frame with ${n} ranges in ${r.left} bytes`;
        for (let i = 0; i < n && !r.bad; i++) {
          r.varint();
          r.varint();
        }
        if (t === 0x03) {
          r.varint();
          r.varint();
          r.varint();
        }
        break;
      }
      case 0x04:
        r.varint();
        r.varint();
        r.varint();
        break;
      case 0x05:
      case 0x11:
      case 0x15:
        r.varint();
        r.varint();
        break;
      case 0x06: {
        const off = r.varint('CRYPTO offset');
        const len = r.varint('CRYPTO length');
        const data = r.bytes(len, 'CRYPTO data');
        if (r.bad) return `CRYPTO frame: ${r.bad}`;
        sink.crypto(off, data);
        break;
      }
      case 0x07:
        r.skip(r.varint('token length'), 'NEW_TOKEN token');
        break;
      case 0x10:
      case 0x12:
      case 0x13:
      case 0x14:
      case 0x16:
      case 0x17:
      case 0x19:
        r.varint();
        break;
      case 0x18: {
        r.varint();
        r.varint();
        const l = r.u8('CID length');
        if (l < 1 || l > 20) return `NEW_CONNECTION_ID with length ${l}`;
        const cid = r.bytes(l, 'CID');
        r.skip(16, 'stateless reset token');
        if (!r.bad) sink.newConnectionId(cid);
        break;
      }
      case 0x1a:
      case 0x1b:
        r.skip(8, 'path data');
        break;
      case 0x1c:
      case 0x1d: {
        const code = r.varint('error code');
        const ft = t === 0x1c ? r.varint('frame type') : 0;
        const reason = r.bytes(r.varint('reason length'), 'reason phrase');
        if (r.bad) return `CONNECTION_CLOSE frame: ${r.bad}`;
        sink.close(code, ft, reason, t === 0x1d);
        break;
      }
      case 0x30:
        r.pos = r.end;
        break;
      case 0x31:
        r.skip(r.varint('DATAGRAM length'), 'DATAGRAM data');
        break;
      default:
        if (t >= 0x08 && t <= 0x0f) {
          r.varint('stream id');
          if (t & 0x04) r.varint('stream offset');
          if (t & 0x02) r.skip(r.varint('stream length'), 'STREAM data');
          else r.pos = r.end;
          break;
        }
        if (r.bad) return r.bad;
        return `unknown frame type 0x${t.toString(16)}; the rest of the packet is skipped`;
    }
    if (r.bad) return `${frameName(t)} frame: ${r.bad}`;
  }
  return '';
}
