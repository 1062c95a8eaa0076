/**
 * JA3 / JA3S against tshark 4.0 (`tls.handshake.ja3` / `ja3s`) on every committed capture and the
 * Zeek corpus: golden files test/golden/ja3/<name>.tsv made by test/golden/ja3.sh. Per tcp.stream,
 * our ja3 (first ClientHello) must equal tshark's first ClientHello's, our ja3s tshark's last
 * ServerHello's (the real ServerHello after a HelloRetryRequest), and where tshark has none (SSL
 * 2.0) we have none either.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../helpers/analyse.js';
import { available, goldenInputs, GOLDEN, REPO, rows } from '../helpers/golden.js';

interface Expected {
  ja3?: string;
  ja3Full?: string;
  ja3s?: string;
  ja3sFull?: string;
}

function expected(name: string): Map<number, Expected> {
  const out = new Map<number, Expected>();
  for (const r of rows(`ja3/${name}`, 'tsv') ?? []) {
    const stream = Number(r[1]);
    let e = out.get(stream);
    if (!e) out.set(stream, (e = {}));
    const types = (r[2] ?? '').split(',');
    if (types.includes('1') && r[4] && e.ja3 === undefined) {
      e.ja3 = r[4];
      e.ja3Full = r[3];
    }
    if (types.includes('2') && r[6]) {
      e.ja3s = r[6];
      e.ja3sFull = r[5];
    }
  }
  return out;
}

const inputs = goldenInputs();
let compared = 0;

describe('JA3 / JA3S equal tshark', () => {
  it('every golden input has a JA3 golden file', () => {
    for (const g of inputs) expect(existsSync(join(GOLDEN, 'ja3', `${g.name}.tsv`)), g.name).toBe(true);
  });

  for (const g of inputs) {
    it(g.name, async () => {
      expect(available(g), `${g.input} is missing`).toBe(true);
      const exp = expected(g.name);
      const { connections } = await analyse(join(REPO, g.input), { all: true });
      const byId = new Map(connections.map((c) => [c.id, c]));
      for (const [stream, e] of exp) {
        const c = byId.get(stream);
        expect(c, `${g.name} stream ${stream}`).toBeDefined();
        const fp = c!.fingerprints;
        expect(fp?.ja3_full, `${g.name} stream ${stream} ja3_full`).toBe(e.ja3Full);
        expect(fp?.ja3, `${g.name} stream ${stream} ja3`).toBe(e.ja3);
        expect(fp?.ja3s_full, `${g.name} stream ${stream} ja3s_full`).toBe(e.ja3sFull);
        expect(fp?.ja3s, `${g.name} stream ${stream} ja3s`).toBe(e.ja3s);
        if (e.ja3 !== undefined) compared++;
      }
      // connections with a ClientHello tshark did not see as one would show up here
      for (const c of connections) if (c.fingerprints?.ja3) expect(exp.get(c.id)?.ja3, `${g.name} stream ${c.id}`).toBe(c.fingerprints.ja3);
    });
  }

  it('compared JA3 on every stream tshark fingerprinted', () => {
    let total = 0;
    for (const g of inputs) for (const e of expected(g.name).values()) if (e.ja3 !== undefined) total++;
    expect(total).toBeGreaterThan(60);
    expect(compared).toBe(total);
  });
});
