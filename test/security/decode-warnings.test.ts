/**
 * Decoder warnings reach the connection: a ClientHello whose server_name list overruns its
 * extension, and a CertificateRequest whose CA list claims 0xffff bytes, are reported as warnings
 * with their message and frame (they used to stay on the event, unseen by every format).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../fuzz/cli.js';
import { Flow, cat, handshake, pcapFile, record, serverHello, u16, vec } from '../fuzz/wire.js';

const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-decode-warnings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** TLS 1.2 ClientHello whose server_name extension says its list is 255 bytes and carries 6. */
function overrunSniHello(): Uint8Array {
  const sniBody = cat(u16(255), Uint8Array.of(0), u16(3), new Uint8Array(Buffer.from('abc')));
  const ext = cat(u16(0), vec(2, sniBody));
  return cat(u16(0x0303), new Uint8Array(32).fill(0x11), vec(1, new Uint8Array(0)), vec(2, u16(0xc02f)), vec(1, Uint8Array.of(0)), vec(2, ext));
}

/** TLS 1.2 CertificateRequest whose certificate_authorities claims 0xffff bytes and carries 4. */
function overrunCaRequest(): Uint8Array {
  return cat(vec(1, Uint8Array.of(1, 64)), vec(2, cat(u16(0x0401), u16(0x0403))), u16(0xffff), Uint8Array.of(0, 2, 0x30, 0));
}

function capture(): string {
  const f = new Flow({ ip: [192, 0, 2, 10], port: 51002 }, { ip: [192, 0, 2, 20], port: 443 }).handshake();
  f.send(true, record(22, handshake(1, overrunSniHello())));
  f.send(false, cat(record(22, handshake(2, serverHello())), record(22, handshake(13, overrunCaRequest())), record(22, handshake(14, new Uint8Array(0)))));
  f.close();
  const path = join(dir, 'overruns.pcap');
  writeFileSync(path, pcapFile(f.frames.map((data) => ({ data }))));
  return path;
}

describe('decode warnings reach the report', () => {
  it('an overrunning server_name list and a CA list of 0xffff bytes are warnings with their frame', async () => {
    const r = await runCli(['file', capture(), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout).connections[0];
    const w: Array<{ code: string; message: string; frame?: number; direction?: string }> = c.warnings;
    const hello = w.find((x) => /^ClientHello in frame \d+: .*server_name/.test(x.message));
    const request = w.find((x) => /^CertificateRequest in frame \d+: .*(certificate_authorities|CA)/i.test(x.message));
    expect(hello, JSON.stringify(w)).toMatchObject({ code: 'tls-message-malformed', frame: Number(/frame (\d+)/.exec(hello?.message ?? '')?.[1]), direction: 'client->server' });
    expect(request, JSON.stringify(w)).toMatchObject({ code: 'tls-message-malformed', frame: Number(/frame (\d+)/.exec(request?.message ?? '')?.[1]), direction: 'server->client' });
    // no SNI was claimed from the broken list
    expect(c.serverName).toBeUndefined();
  });
});
