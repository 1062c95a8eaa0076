/**
 * TLS 1.3 without keys: how often the size/order inference agrees with the decrypted truth, per
 * TLS stack, over every committed TLS 1.3 capture that has a key log. The measured numbers are
 * printed (and quoted in README); the assertions hold them.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';

function stackOf(name: string): string {
  if (name.startsWith('gnutls-')) return 'GnuTLS';
  if (name.startsWith('node-')) return 'Node.js';
  return 'OpenSSL';
}

interface Tally {
  connections: number;
  requestedRight: number;
  statusRight: number;
  alertRight: number;
  wrongClaims: string[];
}

describe('TLS 1.3 inference accuracy against decrypted truth', () => {
  it('per stack', async () => {
    const files = readdirSync(join(REPO, 'captures')).filter((f) => f.endsWith('.pcap'));
    const tally = new Map<string, Tally>();
    for (const f of files) {
      const name = f.replace(/\.pcap$/, '');
      const pcap = join(REPO, 'captures', f);
      const truth = await analyse(pcap, { keylog: join(REPO, 'captures', `${name}.keys`), all: false });
      const blind = await analyse(pcap, { all: false });
      for (const t of truth.connections) {
        if (t.version !== 'TLS 1.3' || !t.decrypted) continue;
        const b = blind.connections.find((x) => x.id === t.id)!;
        const stack = stackOf(name);
        const s = tally.get(stack) ?? { connections: 0, requestedRight: 0, statusRight: 0, alertRight: 0, wrongClaims: [] };
        tally.set(stack, s);
        s.connections++;
        const tc = t.clientCertificate;
        const bc = b.clientCertificate;
        if (bc.requested === tc.requested) s.requestedRight++;
        if (bc.status === tc.status) s.statusRight++;
        // a fatal alert from the server right after the client's flight
        const truthAlert = t.alerts.some((a) => a.level === 'fatal' && a.direction === 'server->client');
        const blindAlert = b.events.some((e) => e.type === 'Alert' && e.visibility === 'inferred' && b.diagnoses.some((d) => d.inferred));
        if (truthAlert === blindAlert) s.alertRight++;
        // never a wrong claim: an inferred status that is set must match the truth
        if (bc.status !== 'unknown' && bc.status !== tc.status) s.wrongClaims.push(`${name}#${t.id}: inferred ${bc.status}, truth ${tc.status}`);
        if (bc.visibility !== undefined && bc.status !== 'unknown') expect(bc.visibility).toBe('inferred');
      }
    }
    const lines: string[] = [];
    for (const [stack, s] of tally) {
      const pct = (n: number) => `${((100 * n) / s.connections).toFixed(0)}%`;
      lines.push(`${stack}: ${s.connections} TLS 1.3 connections; requested ${pct(s.requestedRight)}, client cert status ${pct(s.statusRight)}, rejection alert ${pct(s.alertRight)}`);
    }
    process.stdout.write(`inference accuracy\n${lines.join('\n')}\n`);
    for (const [stack, s] of tally) {
      expect(s.wrongClaims, stack).toEqual([]);
      expect(s.connections, stack).toBeGreaterThanOrEqual(3);
      expect(s.statusRight / s.connections, `${stack} status accuracy`).toBeGreaterThanOrEqual(0.8);
    }
    expect([...tally.keys()].sort()).toEqual(['GnuTLS', 'Node.js', 'OpenSSL']);
  }, 120_000);
});
