/**
 * The connection filter shared by `file`, `live` and the TUI: shortcuts and -Y combine with AND,
 * --only is repeatable, counts and the summary cover what the filter kept.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionFilter } from '../../src/cli/filter.js';
import { ReportedSummary } from '../../src/cli/file-command.js';
import type { ConnectionModel, SummaryModel } from '../../src/analysis/model.js';

function conn(id: number, over: Partial<ConnectionModel>): ConnectionModel {
  return {
    id,
    client: { ip: '10.0.0.1', port: 40000 + id },
    server: { ip: '10.0.0.2', port: 443 },
    firstFrame: 1,
    lastFrame: 2,
    startTime: '2026-01-01T00:00:00Z',
    endTime: '2026-01-01T00:00:01Z',
    isTls: true,
    version: 'TLS 1.3',
    events: [],
    clientCertificate: { requested: true, status: 'sent', chain: [{ subject: 'CN=c', issuer: 'CN=A', notBefore: '', notAfter: '', sha256: '' }] },
    alerts: [],
    diagnoses: [],
    tcp: {} as ConnectionModel['tcp'],
    verdict: 'mtls-ok',
    warnings: [],
    ...over,
  };
}

const a = conn(0, {});
const b = conn(1, { verdict: 'failed', version: 'TLS 1.2', clientCertificate: { requested: true, status: 'sent', chain: [{ subject: 'CN=c', issuer: 'CN=B', notBefore: '', notAfter: '', sha256: '' }] } });
const c = conn(2, { verdict: 'failed', serverName: 'api.example', server: { ip: '10.0.0.3', port: 8443 } });

describe('ConnectionFilter', () => {
  it('--only repeated: every one must hold', () => {
    const f = new ConnectionFilter({ only: ['failed', 'tls13'] });
    expect([a, b, c].filter((x) => f.matches(x)).map((x) => x.id)).toEqual([2]);
  });

  it('shortcuts and -Y combine with AND; --host matches an address or the SNI', () => {
    expect(new ConnectionFilter({ host: 'API.example', displayFilter: 'verdict == failed' }).matches(c)).toBe(true);
    expect(new ConnectionFilter({ host: '10.0.0.3', port: 443 }).matches(c)).toBe(false);
    expect(new ConnectionFilter({ port: 8443, displayFilter: 'version == "TLS 1.2"' }).matches(c)).toBe(false);
  });

  it('inactive without filters; describes itself as given', () => {
    expect(new ConnectionFilter({}).active).toBe(false);
    const f = new ConnectionFilter({ host: '10.0.0.3', port: 8443, only: ['failed'], displayFilter: 'serverName contains "api ex"' });
    expect(f.description()).toBe(`--host 10.0.0.3 --port 8443 --only failed -Y 'serverName contains "api ex"'`);
  });

  it('the summary counts what was kept, client certificates by (subject, issuer)', () => {
    const all = { connections: 99 } as SummaryModel;
    const none = new ReportedSummary(new ConnectionFilter({}));
    expect(none.summary(all)).toBe(all);
    const r = new ReportedSummary(new ConnectionFilter({ only: ['failed'] }));
    for (const x of [a, b, c]) r.keep(x);
    const s = r.summary(all);
    expect(s.connections).toBe(2);
    expect(s.verdicts).toEqual({ failed: 2 });
    expect(s.clientCertSubjects).toEqual({ 'CN=c': 2 });
    expect(s.clientCertIssuers).toEqual([
      { subject: 'CN=c', issuer: 'CN=B', connections: 1 },
      { subject: 'CN=c', issuer: 'CN=A', connections: 1 },
    ]);
    expect(s.filter).toEqual({ description: '--only failed', matched: 2, tested: 3 });
  });
});
