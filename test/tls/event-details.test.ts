/** The tls stage's `eventDetails: false` (text/Markdown/HTML reports): handshake events carry no
 * decoded `details`, and nothing else of the connection models changes. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openCaptureFile } from '../../src/capture/index.js';
import { Pipeline } from '../../src/cli/pipeline.js';
import type { ConnectionModel } from '../../src/analysis/model.js';
import { KeyMaterial } from '../../src/tls/keys.js';
import { REPO } from '../helpers/golden.js';

async function models(name: string, eventDetails: boolean | undefined): Promise<ConnectionModel[]> {
  const keys = new KeyMaterial();
  keys.addFile(join(REPO, 'captures', `${name}.keys`));
  const out: ConnectionModel[] = [];
  const p = new Pipeline({ keys, tls: eventDetails === undefined ? {} : { eventDetails }, analysis: { includeNonTls: true }, onConnection: (c) => out.push(c) });
  await p.run(await openCaptureFile(join(REPO, 'captures', `${name}.pcap`)));
  return out.sort((a, b) => a.id - b.id);
}

const withoutDetails = (cs: ConnectionModel[]) =>
  JSON.parse(JSON.stringify(cs, (k, v) => (k === 'details' ? undefined : v))) as ConnectionModel[];

describe('eventDetails', () => {
  for (const name of ['all-scenarios', 'tls12-mtls-ok', 'gnutls-tls13-wrong-ca']) {
    it(`${name}: false drops handshake details and changes nothing else`, async () => {
      const full = await models(name, undefined);
      const lean = await models(name, false);
      const handshakes = full.flatMap((c) => c.events).filter((e) => e.kind === 'handshake');
      expect(handshakes.length).toBeGreaterThan(5);
      expect(handshakes.every((e) => e.details !== undefined)).toBe(true); // the default keeps them
      expect(lean.flatMap((c) => c.events).filter((e) => e.details !== undefined)).toEqual([]);
      expect(withoutDetails(lean)).toEqual(withoutDetails(full));
    });
  }
});
