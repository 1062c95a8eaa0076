/**
 * Secrets that arrive after the packets they decrypt: a pcapng whose Decryption Secrets Block is
 * written at the end (as `live -w` does) must decrypt exactly like the same capture with --keylog.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaptureFile } from '../../src/capture/index.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';

const TMP = mkdtempSync(join(tmpdir(), 'tli-dsb-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

async function toPcapngWithTrailingSecrets(pcap: string, keys: string, out: string): Promise<void> {
  const src = await openCaptureFile(pcap);
  let w: PcapngWriter | null = null;
  await src.run({
    packet: (p) => {
      w ??= new PcapngWriter(out, p.linkType, 262144);
      w.write(p);
    },
    secrets: () => undefined,
    warning: () => undefined,
  });
  const writer = w as PcapngWriter | null;
  if (!writer) throw new Error('no packets');
  writer.writeSecrets(readFileSync(keys, 'latin1'));
  writer.close();
}

const strip = (c: { events: Array<{ frame: number; kind: string; type?: string; code?: number; visibility: string }> }) =>
  c.events.map((e) => `${e.frame} ${e.kind} ${e.type ?? ''} ${e.code ?? ''} ${e.visibility}`);

describe('deferred decryption', () => {
  for (const name of ['tls13-wrong-ca', 'tls13-no-cert', 'tls12-wrong-ca', 'all-scenarios']) {
    it(`${name}: a DSB after the packets decrypts like --keylog`, async () => {
      const dir = mkdtempSync(join(TMP, 'd-'));
      const out = join(dir, `${name}.pcapng`);
      const pcap = join(REPO, 'captures', `${name}.pcap`);
      const keys = join(REPO, 'captures', `${name}.keys`);
      await toPcapngWithTrailingSecrets(pcap, keys, out);
      const late = await analyse(out, { all: false });
      const withKeylog = await analyse(pcap, { keylog: keys, all: false });
      expect(late.connections.length).toBe(withKeylog.connections.length);
      late.connections.forEach((c, i) => {
        const ref = withKeylog.connections[i];
        expect(strip(c)).toEqual(strip(ref));
        expect(c.decrypted).toBe(ref.decrypted);
        expect(c.clientCertificate.status).toBe(ref.clientCertificate.status);
        expect(c.diagnoses.map((d) => d.code)).toEqual(ref.diagnoses.map((d) => d.code));
      });
      expect(late.connections.some((c) => c.decrypted)).toBe(true);
    });
  }

  // stagesApart: the client's handshake secret is written just before the frame of its last
  // record (its close_notify), after its Finished and application data; its application secret
  // only at the end. Replaying the kept records then switches to application keys at the
  // Finished, whose secret is still missing: the records after it must be kept again.
  const cases: Array<[string, boolean]> = [['tls13-wrong-ca', false], ['tls13-mtls-ok', false], ['tls13-mtls-ok', true], ['node-tls13-mtls-ok', true]];
  for (const [name, stagesApart] of cases) {
    const how = stagesApart ? ', its handshake and application secrets at different points' : '';
    it(`${name}: the server's secrets first, the client's after its records${how} (a key log written line by line)`, async () => {
      const dir = mkdtempSync(join(TMP, 'd-'));
      const out = join(dir, `${name}-split.pcapng`);
      const pcap = join(REPO, 'captures', `${name}.pcap`);
      const keys = join(REPO, 'captures', `${name}.keys`);
      const withKeylog = await analyse(pcap, { keylog: keys, all: false });
      const lines = readFileSync(keys, 'latin1').split('\n').filter((l) => l.trim() !== '');
      const pick = (f: (l: string) => boolean): string => `${lines.filter(f).join('\n')}\n`;
      const rest = pick((l) => !l.startsWith('CLIENT_'));
      const clientHs = pick((l) => l.startsWith('CLIENT_HANDSHAKE'));
      const clientApp = pick((l) => l.startsWith('CLIENT_') && !l.startsWith('CLIENT_HANDSHAKE'));
      const clientLast = Math.max(...withKeylog.connections[0].events.filter((e) => e.direction === 'client->server').map((e) => e.frame));
      const src = await openCaptureFile(pcap);
      let w: PcapngWriter | null = null;
      await src.run({
        packet: (p) => {
          if (!w) {
            w = new PcapngWriter(out, p.linkType, 262144);
            w.writeSecrets(rest);
          }
          if (stagesApart && p.frame === clientLast) w.writeSecrets(clientHs);
          w.write(p);
        },
        secrets: () => undefined,
        warning: () => undefined,
      });
      const writer = w as PcapngWriter | null;
      if (!writer) throw new Error('no packets');
      writer.writeSecrets(stagesApart ? clientApp : clientHs + clientApp);
      writer.close();
      const late = await analyse(out, { all: false });
      expect(late.connections.map(strip)).toEqual(withKeylog.connections.map(strip));
      expect(late.connections.map((c) => c.clientCertificate.status)).toEqual(withKeylog.connections.map((c) => c.clientCertificate.status));
      expect(late.connections.map((c) => c.diagnoses.map((d) => d.code))).toEqual(withKeylog.connections.map((c) => c.diagnoses.map((d) => d.code)));
      expect(late.connections.map((c) => c.applicationData)).toEqual(withKeylog.connections.map((c) => c.applicationData));
      // "... missing from the key log" was true while the records waited; not once decrypted
      expect(late.connections.map((c) => c.warnings)).toEqual(withKeylog.connections.map((c) => c.warnings));
    });
  }

  it('without any secrets the same pcapng stays encrypted (and says so)', async () => {
    const dir = mkdtempSync(join(TMP, 'd-'));
    const out = join(dir, 'x.pcapng');
    const src = await openCaptureFile(join(REPO, 'captures', 'tls13-wrong-ca.pcap'));
    let w: PcapngWriter | null = null;
    await src.run({ packet: (p) => { w ??= new PcapngWriter(out, p.linkType, 262144); w.write(p); }, secrets: () => undefined, warning: () => undefined });
    (w as unknown as PcapngWriter).close();
    const a = await analyse(out, { all: false });
    expect(a.connections[0].decrypted).toBe(false);
    expect(a.connections[0].diagnoses.map((d) => d.code)).toContain('encrypted-no-keys');
  });
});
