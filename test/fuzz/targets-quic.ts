/**
 * Fuzz targets for the QUIC stage: datagrams of the real ngtcp2 captures (captures/quic), mutated,
 * reordered, duplicated and truncated, through decodePacket + decodeUdp + QuicStage (connection
 * IDs, header protection, AEAD, CRYPTO reassembly, the TLS handshake parser), with and without
 * the key log; and the frame parser alone on random payloads.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodePacket, newTcpSegment } from '../../src/net/index.js';
import { QuicStage, parseFrames } from '../../src/quic/index.js';
import { KeyMaterial } from '../../src/tls/keys.js';
import type { TlsFacts } from '../../src/tls/events.js';
import { readPcap } from '../net/read-pcap.js';
import type { FuzzTarget } from './harness.js';
import { Rng, hexPreview, mutate } from './rng.js';
import { WARNING_CATALOGUE } from '../../src/warning-codes.js';

const DIR = join(import.meta.dirname, '..', '..', 'captures', 'quic');
let seeds: Array<{ name: string; frames: Uint8Array[] }> | null = null;

function loadSeeds(): Array<{ name: string; frames: Uint8Array[] }> {
  seeds ??= readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort().map((f) => ({
    name: f.slice(0, -5),
    frames: readPcap(join(DIR, f)).frames.map((x) => x.data),
  }));
  return seeds;
}

export interface QuicInput {
  name: string;
  frames: Uint8Array[];
  keys: boolean;
}

/** Ethernet frames (link type 1) of the capture; the UDP payload starts at byte 42. */
export const quicTarget: FuzzTarget<QuicInput> = {
  name: 'quic',
  weight: 8,
  gen(rng: Rng) {
    const s = rng.pick(loadSeeds());
    let frames = s.frames.map((f) => (rng.bool(0.2) ? mutate(rng, f, 42, 4000) : f));
    if (rng.bool(0.3)) frames = frames.filter(() => rng.bool(0.8)); // loss
    if (rng.bool(0.3)) for (let i = 0; i < 3; i++) frames.push(rng.pick(frames.length > 0 ? frames : s.frames)); // duplicates
    if (rng.bool(0.3)) frames.sort(() => (rng.bool() ? 1 : -1)); // reordering
    if (rng.bool(0.1)) frames.push(Uint8Array.from([...s.frames[0]!.subarray(0, 42), ...rng.bytes(rng.int(1500))]));
    return { name: s.name, frames, keys: rng.bool(0.6) };
  },
  check({ name, frames, keys }) {
    const done: TlsFacts[] = [];
    const km = new KeyMaterial();
    if (keys) {
      try {
        km.addFile(join(DIR, `${name}.keys`));
      } catch {
        // captures without a key log
      }
    }
    const stage = new QuicStage({ complete: (_c, f) => done.push(f) }, { keys: km.provider() }, { maxConnections: 4 });
    const seg = newTcpSegment();
    frames.forEach((f, i) => {
      if (decodePacket(1, f, seg) === 'not-tcp') stage.datagram(i + 1, i, 0, seg);
    });
    stage.flush();
    if (done.length !== stage.connections) throw new Error(`${stage.connections} connections, ${done.length} reported`);
    for (const f of done) {
      if (f.events.length > 1000) throw new Error(`${f.events.length} events`);
      if (f.warnings.length > 50) throw new Error(`${f.warnings.length} warnings`);
      for (const w of f.warnings) {
        if (w.message.length === 0 || w.message.length > 400) throw new Error(`warning of ${w.message.length} chars`);
        if (!(w.code in WARNING_CATALOGUE)) throw new Error(`warning code ${w.code} is not in the catalogue`);
      }
    }
  },
  show: (i) => `${i.name} keys=${i.keys} frames ${i.frames.length}: ${i.frames.slice(0, 3).map((f) => hexPreview(f.subarray(42), 60)).join(' | ')}`,
};

export const quicFramesTarget: FuzzTarget<Uint8Array> = {
  name: 'quic-frames',
  weight: 4,
  gen: (rng) => (rng.bool(0.5) ? rng.bytes(rng.int(2000)) : Uint8Array.from([rng.pick([0x02, 0x03, 0x06, 0x18, 0x1c, 0x1d, 0x0a, 0x0f]), ...rng.bytes(rng.int(200))])),
  check(payload) {
    let total = 0;
    const why = parseFrames(payload, {
      crypto: (o, d) => {
        if (o < 0 || d.length > payload.length) throw new Error(`CRYPTO ${o}+${d.length} from ${payload.length} bytes`);
        total += d.length;
      },
      close: (_c, _f, r) => {
        if (r.length > payload.length) throw new Error('reason longer than the payload');
      },
      newConnectionId: (cid) => {
        if (cid.length < 1 || cid.length > 20) throw new Error(`CID of ${cid.length}`);
      },
      handshakeDone: () => undefined,
    });
    if (total > payload.length) throw new Error(`${total} CRYPTO bytes from ${payload.length}`);
    if (typeof why !== 'string') throw new Error('no reason string');
  },
  show: (p) => hexPreview(p, 200),
};
