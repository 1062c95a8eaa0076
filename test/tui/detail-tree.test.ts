import { describe, expect, it } from 'vitest';
import { allExpandable, defaultOpen, eventTree, flattenTree, jsonNode, parentLine, renderTreeLine } from '../../src/tui/view-model/detail-tree.js';
import { explainEvent } from '../../src/tui/view-model/explain.js';
import { lineText } from '../../src/tui/view-model/styled.js';
import { displayWidth } from '../../src/tui/view-model/text.js';
import { wrongCaTls12 } from './fixtures.js';

function labels(root: ReturnType<typeof eventTree>, open: Set<string>): string[] {
  return flattenTree(root, open).map((l) => `${'  '.repeat(l.depth)}${l.node.label}`);
}

describe('detail tree', () => {
  const c = wrongCaTls12();
  const certEv = c.events[5];

  it('client Certificate: role, wire position, the chain with subject / issuer / validity / EKU / fingerprint', () => {
    const root = eventTree(certEv, c);
    const open = defaultOpen(root);
    const text = labels(root, open);
    expect(text[0]).toBe('Certificate (1 cert)');
    expect(text[1]).toMatch(/^ {2}Role: The client's certificate chain/);
    expect(text).toContain('    frames 69, 70 (completed in 70)');
    expect(text).toContain('    TLS record: 1 (in this direction)');
    expect(text).toContain('    stream offset: 211');
    expect(text).toContain('    length: 461 bytes');
    expect(text).toContain('  Client certificate chain (1)');
    expect(text).toContain('    leaf: CN=evil-client,O=tls-inspect evil');
    expect(text).toContain('      issuer: CN=Evil CA,O=tls-inspect evil');
    expect(text).toContain('      valid: 2025-01-01T00:00:00Z .. 2035-01-01T00:00:00Z');
    expect(text).toContain('      extended key usage: clientAuth');
    expect(text).toContain(`      SHA-256: ${'ab'.repeat(32)}`);
  });

  it('CertificateRequest lists the acceptable CAs; ClientHello details become nodes', () => {
    const cr = eventTree(c.events[3], c);
    expect(labels(cr, defaultOpen(cr))).toContain('    CN=Test CA,O=tls-inspect test PKI');
    const ch = eventTree(c.events[0], c);
    const open = allExpandable(ch);
    const text = labels(ch, open);
    expect(text).toContain('  Decoded fields');
    expect(text).toContain('    version: TLS 1.2');
    expect(text).toContain('    cipherSuites (5)');
    expect(text).toContain('      [4]: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(text).toContain('    extensions (1)');
    expect(text).toContain('      server_name');
    expect(text).toContain('        serverNames: localhost');
  });

  it('alerts say who sent them; collapsing hides children; parent navigation', () => {
    const root = eventTree(c.events[9], c);
    const text = labels(root, defaultOpen(root));
    expect(text).toContain('  sent by: the server');
    expect(text).toContain('  description: unknown_ca (48)');
    expect(flattenTree(root, new Set())).toHaveLength(1);
    const lines = flattenTree(root, defaultOpen(root));
    const wireIdx = lines.findIndex((l) => l.node.id === 'wire');
    expect(parentLine(lines, wireIdx + 1)).toBe(wireIdx);
    expect(parentLine(lines, 0)).toBe(-1);
  });

  it('wire strings in the tree are terminal-safe; long labels wrap within the width', () => {
    const node = jsonNode('x', 'sni', 'a\x1b]0;pwn\x07b');
    expect(node.label).toBe('sni: a\\x1b]0;pwn\\x07b');
    const root = eventTree(certEv, c);
    for (const l of flattenTree(root, allExpandable(root))) {
      for (const row of renderTreeLine(l, 40)) expect(displayWidth(lineText(row))).toBeLessThanOrEqual(40);
    }
  });

  it('each message explains its role in the mTLS flow', () => {
    expect(explainEvent(c.events[6], 'TLS 1.2')).toBe(
      "Signed with the client's private key over the handshake transcript: proves the client holds the key of the certificate it sent.",
    );
    expect(explainEvent(c.events[3], 'TLS 1.2')).toMatch(/makes it mutual TLS/);
    expect(explainEvent(c.events[9], 'TLS 1.2')).toMatch(/^The server rejects the client's certificate \(unknown_ca\)/);
    expect(explainEvent(c.events[7], 'TLS 1.3')).toMatch(/carries no meaning in TLS 1.3/);
    expect(explainEvent(c.events[8], 'TLS 1.2')).toMatch(/inferred/);
  });
});
