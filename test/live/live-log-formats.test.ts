/**
 * `live --format zeek -o DIR` and `live --format ecs`: two captures on lo at once see one mutual-TLS
 * handshake (OpenSSL s_server / s_client, the committed test PKI); after SIGINT, DIR/ssl.log holds
 * its record (closed with #close) and DIR/x509.log its certificates, and the ECS output one document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';
import { type Child, freePort, killAll, liveSkipReason, run, start } from './processes.js';

const BIN = join(REPO, 'bin', 'tls-inspect');
const PKI = (n: string) => join(REPO, 'captures', 'pki', n);
const ENV = { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' };

const skipReason = liveSkipReason();

describe.skipIf(skipReason !== null)('tls-inspect live --format zeek / ecs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tli-live-logs-'));
  const zeekDir = join(dir, 'zeek');
  let zeek: Child;
  let ecs: Child;
  let client: Child;

  beforeAll(async () => {
    const port = await freePort();
    const server = start('s_server', 'openssl', [
      's_server', '-Verify', '1', '-verify_return_error', '-CAfile', PKI('test-ca.pem'),
      '-cert', PKI('server.pem'), '-key', PKI('server.key'), '-accept', `127.0.0.1:${port}`, '-tls1_2',
    ]);
    await server.waitFor('s_server to print ACCEPT', (c) => c.stdout.includes('ACCEPT'), 10_000);
    zeek = start('live zeek', process.execPath, [BIN, 'live', '-i', 'lo', '-f', `tcp port ${port}`, '--format', 'zeek', '-o', zeekDir], ENV);
    ecs = start('live ecs', process.execPath, [BIN, 'live', '-i', 'lo', '-f', `tcp port ${port}`, '--format', 'ecs'], ENV);
    await zeek.waitFor('"capturing on" on stderr', (c) => c.stderr.includes('capturing on lo'), 15_000);
    await ecs.waitFor('"capturing on" on stderr', (c) => c.stderr.includes('capturing on lo'), 15_000);
    client = await run('s_client', 'openssl', [
      's_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', PKI('test-ca.pem'),
      '-verify_return_error', '-cert', PKI('client.pem'), '-key', PKI('client.key'),
    ], 'hello\n', 15_000);
    await ecs.waitFor('one ECS line', (c) => c.stdout.includes('"@timestamp"'), 20_000);
    zeek.proc.kill('SIGINT');
    ecs.proc.kill('SIGINT');
    await zeek.waitExit(20_000);
    await ecs.waitExit(20_000);
  }, 90_000);

  afterAll(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the handshake succeeded', () => {
    expect(client.exit?.code, client.describe()).toBe(0);
  });

  it('DIR/ssl.log: one TLSv12 record, established, verdict mtls-ok; closed with #close', () => {
    expect(zeek.exit, zeek.describe()).toEqual({ code: 0, signal: null });
    const ssl = readFileSync(join(zeekDir, 'ssl.log'), 'utf8');
    const fields = ssl.split('\n').find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
    const rows = ssl.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t'));
    expect(rows.length).toBe(1);
    const col = (n: string) => rows[0]![fields.indexOf(n)];
    expect(col('version')).toBe('TLSv12');
    expect(col('server_name')).toBe('localhost');
    expect(col('established')).toBe('T');
    expect(col('tls_inspect_verdict')).toBe('mtls-ok');
    expect(ssl.trimEnd().split('\n').at(-1)).toMatch(/^#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
    const x509 = readFileSync(join(zeekDir, 'x509.log'), 'utf8');
    expect(x509.split('\n').filter((l) => l.includes('CN=test-client')).length).toBe(1);
  });

  it('ECS: one document with the client certificate subject', () => {
    expect(ecs.exit, ecs.describe()).toEqual({ code: 0, signal: null });
    const docs = ecs.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(docs.length).toBe(1);
    expect(docs[0]!.tls.client.x509.subject.common_name).toEqual(['test-client']);
    expect(docs[0]!.tls_inspect.verdict).toBe('mtls-ok');
  });
});
