/**
 * QUIC against tshark 4.0 (test/golden/quic/*.tsv, made by test/golden/quic.sh from the ngtcp2
 * captures of captures/make-quic-captures.sh): per QUIC connection (udp.stream), the TLS handshake
 * messages per frame with their direction, without keys (Initial packets only) and with the key log
 * (Handshake and 1-RTT packets too), and the first frame each side sent a TLS alert in a
 * CONNECTION_CLOSE (tshark lists every repetition; we report an alert once per sender).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyse, type Analysis } from '../helpers/analyse.js';
import { HANDSHAKE_TYPES } from '../../src/tls/registry/index.js';
import type { ConnectionModel } from '../../src/analysis/model.js';

const REPO = join(import.meta.dirname, '..', '..');
const GOLDEN = join(REPO, 'test', 'golden', 'quic');
const CAPS = join(REPO, 'captures', 'quic');
const CODE = new Map<string, number>(HANDSHAKE_TYPES.map((e) => [e.name, e.code]));

/** tshark 4.0 does not dissect QUIC v2 draft 0x709a50c4 (its golden files are empty). */
const NOT_IN_TSHARK = new Set(['quic-v2draft-mtls-ok', 'quic-v2draft-no-cert']);

function rows(file: string): string[][] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

function theirs(file: string, ours: ConnectionModel[]): { hs: string[]; alerts: string[] } {
  const clientPort = new Map(ours.map((c) => [c.id, String(c.client.port)]));
  const hs: string[] = [];
  const alerts = new Map<string, string>();
  for (const [frame, stream, port, , types, alert] of rows(file)) {
    const dir = clientPort.get(Number(stream)) === port ? 'C' : 'S';
    if (types) hs.push(`${stream} ${frame} ${dir} ${types}`);
    if (alert) {
      const key = `${stream} ${dir} ${alert.split(',')[0]}`;
      if (!alerts.has(key)) alerts.set(key, `${stream} ${frame} ${dir} ${alert.split(',')[0]}`);
    }
  }
  return { hs, alerts: [...alerts.values()] };
}

function ours(cs: ConnectionModel[]): { hs: string[]; alerts: string[] } {
  const hs: string[] = [];
  const alerts: string[] = [];
  for (const c of cs) {
    const byFrame = new Map<number, { dir: string; t: number[] }>();
    for (const e of c.events) {
      const dir = e.direction === 'client->server' ? 'C' : 'S';
      if (e.kind === 'alert') alerts.push(`${c.id} ${e.frame} ${dir} ${e.code}`);
      if (e.kind !== 'handshake' || e.visibility === 'inferred') continue;
      const f = byFrame.get(e.frame) ?? { dir, t: [] };
      f.t.push(CODE.get(e.type ?? '') ?? -1);
      byFrame.set(e.frame, f);
    }
    for (const [frame, f] of [...byFrame].sort((a, b) => a[0] - b[0])) hs.push(`${c.id} ${frame} ${f.dir} ${f.t.join(',')}`);
  }
  return { hs, alerts };
}

const names = readdirSync(CAPS).filter((f) => f.endsWith('.pcap')).map((f) => f.slice(0, -5)).sort();

describe('QUIC captures against tshark', () => {
  it('has the ngtcp2 captures and their golden files', () => {
    expect(names.length).toBe(11);
    for (const n of names) expect(existsSync(join(GOLDEN, `${n}.tsv`)), n).toBe(true);
  });

  for (const n of names.filter((x) => !NOT_IN_TSHARK.has(x))) {
    for (const withKeys of [false, true]) {
      const keys = join(CAPS, `${n}.keys`);
      if (withKeys && !existsSync(keys)) continue;
      it(`${n} ${withKeys ? 'with' : 'without'} keys: same QUIC connections, handshake messages and alerts`, async () => {
        const a: Analysis = await analyse(join(CAPS, `${n}.pcap`), { keylog: withKeys ? keys : undefined, all: true });
        const quic = a.connections.filter((c) => c.transport === 'quic');
        expect(quic.length).toBe(a.connections.length);
        const golden = join(GOLDEN, `${n}${withKeys ? '.keys' : ''}.tsv`);
        const streams = [...new Set(rows(golden).map((r) => Number(r[1])))];
        expect(quic.map((c) => c.udpStream)).toEqual(streams);
        // datagrams each way per connection, as tshark counts QUIC frames per udp.stream
        const count = (id: number, port: number, same: boolean) => rows(golden).filter((r) => Number(r[1]) === id && (r[2] === String(port)) === same).length;
        expect(quic.map((c) => [c.tcp.packets.clientToServer, c.tcp.packets.serverToClient])).toEqual(quic.map((c) => [count(c.id, c.client.port, true), count(c.id, c.client.port, false)]));
        const t = theirs(golden, quic);
        const o = ours(quic);
        expect(o.hs.length).toBeGreaterThan(0);
        expect(o.hs).toEqual(t.hs);
        expect(o.alerts).toEqual(t.alerts);
      });
    }
  }
});
