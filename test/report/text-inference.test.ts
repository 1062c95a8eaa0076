/**
 * Text report, TLS 1.3 without keys: the size inference's reasoning is printed once per
 * connection (an `inference:` line), and the diagnoses that rest on it point there.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';

describe('text report: inference reasoning once', () => {
  it('tls13-no-cert without keys', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), '-r', 'captures/tls13-no-cert.pcap'], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '', COLUMNS: '10000' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    const reason = 'server sent 5 encrypted handshake records (23, 121, 966, 95, 69 bytes)';
    expect(out.split(reason).length - 1).toBe(1);
    expect(out).toContain(`\n  inference: ${reason}`);
    expect(out).toContain('\n  client certificate: INFERRED EMPTY Certificate in frame 8 (a 25-byte encrypted record)\n');
    expect(out).toContain('- From encrypted record sizes (no keys): see "inference" above.\n');
    expect(out).toContain('Inferred: see "inference" above.');
    expect(out).toMatch(/\[failed\?\]/);
  });
});
