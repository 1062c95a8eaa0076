/**
 * `tls-inspect live` captures QUIC when the filter lets UDP through: ngtcp2's gtlsserver
 * --verify-client and a gtlsclient without a certificate on loopback, the key log written by the
 * client while the capture runs. The streamed connection is QUIC (udp.stream 0) with the decrypted
 * certificate_required CONNECTION_CLOSE and the same diagnoses as TLS over TCP.
 *
 * Needs root, the "cap" binding and Debian's ngtcp2-server / ngtcp2-client (skipped, with the
 * reason printed, when one is missing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';
import { type Child, killAll, liveSkipReason, run, start } from './processes.js';

const BIN = join(REPO, 'bin', 'tls-inspect');
const PKI = (n: string) => join(REPO, 'captures', 'pki', n);
const PORT = 21790;
const haveNgtcp2 = spawnSync('sh', ['-c', 'command -v gtlsserver && command -v gtlsclient']).status === 0;
const skipReason = liveSkipReason() ?? (haveNgtcp2 ? null : 'gtlsserver / gtlsclient not installed (apt-get install ngtcp2-server ngtcp2-client)');
if (skipReason !== null) console.warn(`test/live/live-quic skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('tls-inspect live: QUIC on lo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tli-live-quic-'));
  const keylog = join(dir, 'client.keys');
  let live: Child;

  beforeAll(async () => {
    const env = { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' };
    live = start('tls-inspect live', process.execPath, [BIN, 'live', '-i', 'lo', '-f', `udp port ${PORT}`, '--format', 'jsonl', '--keylog', keylog, '--idle-timeout', '2'], env);
    await live.waitFor('"capturing on" on stderr', (c) => c.stderr.includes('capturing on lo'), 15_000);
    const server = start('gtlsserver', 'gtlsserver', ['--verify-client', '-q', '-d', join(REPO, 'captures', 'www'), '127.0.0.1', String(PORT), PKI('server.key'), PKI('server.pem')]);
    await new Promise((r) => setTimeout(r, 500));
    await run('gtlsclient', 'gtlsclient', ['-q', '--exit-on-all-streams-close', '127.0.0.1', String(PORT), `https://localhost:${PORT}/hello.txt`], '', 15_000, { ...process.env, SSLKEYLOGFILE: keylog });
    server.proc.kill('SIGTERM');
    await live.waitFor('one jsonl connection line (idle timeout)', (c) => c.stdout.includes('"record":"connection"'), 20_000);
    live.proc.kill('SIGINT');
    await live.waitExit(20_000);
  }, 90_000);

  afterAll(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams the QUIC connection, decrypted, with certificate_required and client-cert-required', () => {
    const lines = live.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)).filter((l) => l.record === 'connection');
    expect(lines.length, live.describe()).toBe(1);
    const c = lines[0];
    expect([c.transport, c.udpStream, c.decrypted]).toEqual(['quic', 0, true]);
    const alerts = c.events.filter((e: { kind: string }) => e.kind === 'alert');
    expect(alerts.map((a: { description: string; direction: string }) => `${a.direction} ${a.description}`)).toEqual(['server->client certificate_required']);
    expect(c.diagnoses.map((d: { code: string }) => d.code)).toEqual(['client-cert-empty', 'client-cert-required']);
  });
});
