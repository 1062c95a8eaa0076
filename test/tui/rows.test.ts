import { describe, expect, it } from 'vitest';
import { certStatusLabel, columnAt, connectionRow, contentWidths, layoutColumns, renderHeader, renderRow, type ContentWidths } from '../../src/tui/view-model/rows.js';
import { lineText } from '../../src/tui/view-model/styled.js';
import { displayWidth } from '../../src/tui/view-model/text.js';
import { oneWayTls13, variant, wrongCaTls12 } from './fixtures.js';

describe('connection rows', () => {
  it('one row per connection with the columns of the issue', () => {
    const r = connectionRow(wrongCaTls12());
    expect(r).toMatchObject({
      id: 4,
      client: '127.0.0.1:46028',
      server: '127.0.0.1:44302',
      sni: 'localhost',
      version: 'TLS 1.2',
      cert: 'sent',
      alert: 'unknown_ca',
      verdict: 'failed',
    });
    const widths: ContentWidths = {};
    contentWidths(r, widths);
    const text = lineText(renderRow(r, layoutColumns(120, widths)));
    expect(text).toMatch(/^ *4 127\.0\.0\.1:46028 +127\.0\.0\.1:44302 +localhost +TLS 1\.2 +sent +unknown_ca +FAILED/);
  });

  it('client-certificate status labels: sent / EMPTY / not requested / not sent / unknown / inferred', () => {
    const c = wrongCaTls12();
    const withCc = (cc: Partial<typeof c.clientCertificate>) => certStatusLabel({ ...c, clientCertificate: { ...c.clientCertificate, ...cc } });
    expect(withCc({ status: 'sent' })).toBe('sent');
    expect(withCc({ status: 'empty' })).toBe('EMPTY');
    expect(withCc({ status: 'not-requested' })).toBe('not requested');
    expect(withCc({ status: 'not-sent' })).toBe('not sent');
    expect(withCc({ status: 'unknown' })).toBe('unknown');
    expect(withCc({ status: 'sent', visibility: 'inferred' })).toBe('inferred');
    expect(connectionRow(oneWayTls13(9)).cert).toBe('not requested');
  });

  it('IPv6 endpoints in brackets; an encrypted alert shows as such', () => {
    const c = variant(1, { client: { ip: '2001:db8::1', port: 50000 }, alerts: [] });
    c.events = [...c.events.filter((e) => e.kind !== 'alert'), { frame: 80, time: 't', direction: 'server->client', kind: 'encrypted', visibility: 'plaintext', type: 'Alert', length: 26 }];
    const r = connectionRow(c);
    expect(r.client).toBe('[2001:db8::1]:50000');
    expect(r.alert).toBe('encrypted alert?');
  });

  it('columns fill the terminal width from 80 columns up; very wide terminals keep spare room', () => {
    for (const w of [80, 100, 120, 190, 300]) {
      const layout = layoutColumns(w);
      const total = layout.reduce((a, c) => a + c.width, 0) + layout.length - 1;
      // SNI and alert widen to at most twice their ideal width (60 and 44)
      expect(total).toBe(Math.min(w, 190));
      const r = connectionRow(variant(123456, { serverName: 'a-very-long-server-name.subdomain.example.com' }));
      expect(displayWidth(lineText(renderRow(r, layout)))).toBe(total);
      expect(displayWidth(lineText(renderHeader(layout, 'id', false)))).toBe(total);
    }
  });

  it('columns are sized to their content: at 80 columns IPv4 addresses and short alerts stay whole', () => {
    const widths: ContentWidths = {};
    const rows = [wrongCaTls12(), oneWayTls13(12), variant(3, { verdict: 'incomplete' })].map(connectionRow);
    for (const r of rows) contentWidths(r, widths);
    const layout = layoutColumns(80, widths);
    const w = Object.fromEntries(layout.map((c) => [c.spec.key, c.width]));
    expect(w.client).toBe(15);
    expect(w.server).toBe(15);
    expect(w.version).toBe(7);
    expect(w.verdict).toBe(10);
    expect(w.alert).toBeGreaterThanOrEqual(10);
    const text = lineText(renderRow(rows[0], layout));
    expect(text).toContain('127.0.0.1:46028 127.0.0.1:44302');
    expect(text).toContain('unknown_ca');
    expect(lineText(renderHeader(layout, 'cert', false))).toContain('cert^');
  });

  it('narrow columns shorten the version and cert status and keep the port of addresses', () => {
    const layout = layoutColumns(80);
    const text = lineText(renderRow(connectionRow(variant(7, { client: { ip: '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff', port: 61000 } })), layout));
    expect(text).toContain('61000');
    expect(text).toContain('…');
  });

  it('the sort column is marked in the header, and header clicks map to columns', () => {
    const layout = layoutColumns(120);
    expect(lineText(renderHeader(layout, 'sni', true))).toMatch(/SNIv/);
    expect(lineText(renderHeader(layout, 'id', false))).toMatch(/#\^/);
    expect(columnAt(layout, 0)).toBe('id');
    const sniStart = layout.slice(0, 3).reduce((a, c) => a + c.width + 1, 0);
    expect(columnAt(layout, sniStart + 1)).toBe('sni');
    expect(columnAt(layout, 500)).toBeUndefined();
  });

  it('wire strings are made terminal-safe in rows', () => {
    const r = connectionRow(variant(1, { serverName: 'evil\x1b[31m{red-fg}x{/}' }));
    expect(r.sni).toBe('evil\\x1b[31m{red-fg}x{/}');
  });
});

describe('live mode keeps the table bounded', () => {
  it('ConnectionTable.remove drops a row from every list and the counters', async () => {
    const { ConnectionTable } = await import('../../src/tui/view-model/table.js');
    const t = new ConnectionTable();
    const base = (id: number) => ({
      id, client: { ip: '10.0.0.1', port: 40000 + id }, server: { ip: '10.0.0.2', port: 443 }, firstFrame: 1, lastFrame: 2,
      startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T00:00:00Z', isTls: true, events: [],
      clientCertificate: { requested: false, status: 'not-requested' }, alerts: [], diagnoses: [], warnings: [], verdict: 'ok',
      tcp: { packets: { clientToServer: 1, serverToClient: 1 }, bytes: { clientToServer: 1, serverToClient: 1 }, retransmissions: { clientToServer: 0, serverToClient: 0 }, gaps: { clientToServer: 0, serverToClient: 0 }, gapBytes: { clientToServer: 0, serverToClient: 0 }, synSeen: true },
    });
    for (let i = 0; i < 5; i++) t.upsert(base(i) as never);
    expect(t.visible.length).toBe(5);
    expect(t.oldest()?.model.id).toBe(0);
    expect(t.remove(0)).toBe(true);
    expect(t.remove(0)).toBe(false);
    expect(t.visible.map((r) => r.model.id)).toEqual([1, 2, 3, 4]);
    expect(t.counts().total).toBe(4);
    expect(t.oldest()?.model.id).toBe(1);
  });
});
