/**
 * `--format ecs`: every key of every document, for every committed capture (with its key log) and
 * the Zeek corpus, is an ECS field of the @elastic/ecs field list (EcsFlat) or under
 * `tls_inspect.`; values of the main fields; the CLI writes one document per line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EcsFlat } from '@elastic/ecs';
import { describe, expect, it } from 'vitest';
import { analyse } from '../helpers/analyse.js';
import { goldenInputs, REPO } from '../helpers/golden.js';
import { ecsDocument } from '../../src/report/ecs.js';

/** Dotted keys of the leaves; arrays of objects contribute their members' keys (as Elasticsearch maps them). */
function flatKeys(v: unknown, prefix: string, out: Set<string>): Set<string> {
  if (Array.isArray(v)) {
    const objs = v.filter((x) => x !== null && typeof x === 'object');
    if (objs.length === 0) out.add(prefix);
    for (const o of objs) flatKeys(o, prefix, out);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) flatKeys(x, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out.add(prefix);
  }
  return out;
}

const ECS = new Set(Object.keys(EcsFlat));

describe('ECS documents', () => {
  it('the field list is there (the check below can fail)', () => {
    expect(ECS.has('tls.client.ja3')).toBe(true);
    expect(ECS.has('tls.client.x509.subject.common_name')).toBe(true);
    expect(ECS.has('tls.client.ja4')).toBe(false);
  });

  const inputs = goldenInputs();
  it('every key of every document of every capture is an ECS field or under tls_inspect.', async () => {
    let docs = 0;
    const used = new Set<string>();
    for (const g of inputs) {
      const keylog = g.name.startsWith('captures/') && g.keylog ? join(REPO, g.keylog) : undefined;
      const { connections } = await analyse(join(REPO, g.input), { all: true, keylog });
      for (const c of connections) {
        const line = JSON.stringify(ecsDocument(c, { path: g.input, kind: 'pcap' }));
        for (const k of flatKeys(JSON.parse(line), '', new Set())) {
          if (!k.startsWith('tls_inspect.')) expect(ECS.has(k), `${g.name} #${c.id}: ${k}`).toBe(true);
          used.add(k);
        }
        docs++;
      }
    }
    expect(docs).toBeGreaterThan(70);
    // the fields the issue names are all produced somewhere
    for (const k of [
      '@timestamp', 'event.kind', 'event.category', 'event.type', 'event.outcome', 'event.duration', 'source.ip',
      'source.port', 'destination.ip', 'destination.port', 'network.transport', 'tls.version', 'tls.version_protocol',
      'tls.cipher', 'tls.curve', 'tls.established', 'tls.resumed', 'tls.next_protocol', 'tls.client.server_name',
      'tls.client.ja3', 'tls.server.ja3s', 'tls.client.x509.subject.common_name', 'tls.client.x509.issuer.common_name',
      'tls.client.x509.not_before', 'tls.client.x509.serial_number', 'tls.client.x509.public_key_algorithm',
      'tls.client.x509.alternative_names', 'tls.server.x509.subject.distinguished_name', 'tls.server.x509.public_key_exponent',
      'tls.client.hash.sha256', 'tls_inspect.client_certificate.status', 'tls_inspect.diagnoses.code',
      'tls_inspect.fingerprints.ja4', 'tls_inspect.alerts.description',
    ]) expect(used.has(k), k).toBe(true);
  }, 120_000);

  it('values: TLS 1.3 wrong CA without keys', async () => {
    const { connections } = await analyse(join(REPO, 'captures', 'tls13-wrong-ca.pcap'), { all: false });
    const d = ecsDocument(connections[0]!) as Record<string, any>;
    expect(d['@timestamp']).toBe(connections[0]!.startTime);
    expect(d.event).toMatchObject({ kind: 'event', category: ['network'], outcome: 'failure' });
    expect(d.event.duration).toBeGreaterThan(0);
    expect(d.tls).toMatchObject({ version: '1.3', version_protocol: 'tls', cipher: 'TLS_AES_256_GCM_SHA384', curve: 'x25519' });
    expect(d.tls.client.ja3).toBe(connections[0]!.fingerprints!.ja3);
    expect(d.tls_inspect.verdict).toBe('failed');
    expect(d.tls_inspect.zeek_established).toBe(true);
    expect(d.source).toMatchObject({ ip: '127.0.0.1', port: connections[0]!.client.port });
    expect(d.network.transport).toBe('tcp');
  });

  it('values: TLS 1.2 mutual TLS, client certificate fields', async () => {
    const { connections } = await analyse(join(REPO, 'captures', 'tls12-mtls-ok.pcap'), { all: false });
    const d = ecsDocument(connections[0]!) as Record<string, any>;
    expect(d.event.outcome).toBe('success');
    expect(d.tls.established).toBe(true);
    expect(d.tls.client.x509.subject.common_name).toEqual(['test-client']);
    expect(d.tls.client.x509.issuer.common_name).toEqual(['Test CA']);
    expect(d.tls.client.x509.public_key_algorithm).toBe('ECDSA');
    expect(d.tls.client.x509.public_key_curve).toBe('prime256v1');
    expect(d.tls.client.hash.sha256).toMatch(/^[0-9A-F]{64}$/);
    expect(d.tls_inspect.client_certificate.status).toBe('sent');
  });

  it('tls-inspect file --format ecs: one document per connection, to stdout or -o FILE', () => {
    const cap = join(REPO, 'captures', 'all-scenarios.pcap');
    const run = (extra: string[]) =>
      spawnSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), 'file', cap, '--format', 'ecs', ...extra], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, SSLKEYLOGFILE: '' },
      });
    const r = run([]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(6);
    for (const l of lines) expect(JSON.parse(l).tls_inspect.capture).toBe(cap);
    const dir = mkdtempSync(join(tmpdir(), 'ecs-'));
    try {
      const f = join(dir, 'out.jsonl');
      const w = run(['-o', f]);
      expect(w.status, w.stderr).toBe(0);
      expect(readFileSync(f, 'utf8')).toBe(r.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
