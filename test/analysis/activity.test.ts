/**
 * Live views rebuild only the connection that changed: the activity callback names it (the
 * connection id), and it is one of the connections still open at that moment.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/capture/index.js';
import { Pipeline } from '../../src/cli/pipeline.js';
import type { ConnectionModel } from '../../src/analysis/model.js';
import { KeyMaterial } from '../../src/tls/keys.js';
import { REPO } from '../helpers/golden.js';

describe('activity callback', () => {
  it('names the open connection that gained an event', async () => {
    const keys = new KeyMaterial();
    keys.addFile(join(REPO, 'captures', 'all-scenarios.keys'));
    const calls: Array<{ id: number; open: boolean }> = [];
    const done: ConnectionModel[] = [];
    const p: Pipeline = new Pipeline({
      keys,
      analysis: { includeNonTls: false },
      onConnection: (c) => done.push(c),
      onActivity: (id) => calls.push({ id, open: p.analyzer.open.has(id) }),
    });
    await p.run(await openCaptureFile(join(REPO, 'captures', 'all-scenarios.pcap')));
    expect(done.length).toBeGreaterThan(1);
    expect(calls.every((c) => c.open), 'every id is an open connection').toBe(true);
    // every TLS connection with events was named, and nothing else
    const withEvents = done.filter((c) => c.events.length > 0).map((c) => c.id).sort((a, b) => a - b);
    expect([...new Set(calls.map((c) => c.id))].sort((a, b) => a - b)).toEqual(withEvents);
    // one call per event logged (decrypted records replace none here: the key log is complete)
    for (const c of done) expect(calls.filter((x) => x.id === c.id).length, `connection ${c.id}`).toBe(c.events.length);
  });
});
