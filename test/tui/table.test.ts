import { describe, expect, it } from 'vitest';
import { ConnectionTable } from '../../src/tui/view-model/table.js';
import { oneWayTls13, variant, wrongCaTls12 } from './fixtures.js';

function ids(t: ConnectionTable): number[] {
  return t.visible.map((r) => r.id);
}

function sample(): ConnectionTable {
  const t = new ConnectionTable();
  t.upsert(variant(3, { serverName: 'b.example', verdict: 'mtls-ok', alerts: [] }));
  t.upsert(oneWayTls13(1));
  t.upsert(wrongCaTls12()); // id 4, failed, TLS 1.2, mTLS
  t.upsert(variant(2, { serverName: 'a.example', version: 'TLS 1.3' }));
  return t;
}

describe('connection table', () => {
  it('keeps rows sorted by id as they arrive in any order', () => {
    expect(ids(sample())).toEqual([1, 2, 3, 4]);
  });

  it('sorts by a column, reverses, and breaks ties by id', () => {
    const t = sample();
    t.setSort('sni');
    expect(t.visible.map((r) => r.sni)).toEqual(['a.example', 'b.example', 'example.org', 'localhost']);
    t.reverseSort();
    expect(ids(t)).toEqual([4, 1, 3, 2]);
    t.setSort('verdict');
    // failed first (2 and 4 are failed, id order), then mTLS ok, then ok
    expect(ids(t)).toEqual([2, 4, 3, 1]);
    t.sortBy('verdict');
    expect(t.sort).toEqual({ key: 'verdict', descending: true });
  });

  it('inserts new rows at their sorted place', () => {
    const t = sample();
    t.setSort('sni');
    t.upsert(variant(10, { serverName: 'aa.example' }));
    expect(t.visible.map((r) => r.sni)).toEqual(['a.example', 'aa.example', 'b.example', 'example.org', 'localhost']);
  });

  it('quick filters: failed only, mTLS only, TLS 1.3 only; they combine', () => {
    const t = sample();
    t.toggleFilter('failed');
    expect(ids(t)).toEqual([2, 4]);
    t.toggleFilter('tls13');
    expect(ids(t)).toEqual([2]);
    t.toggleFilter('failed');
    expect(ids(t)).toEqual([1, 2]);
    t.clearFilters();
    t.toggleFilter('mtls');
    expect(ids(t)).toEqual([2, 3, 4]);
  });

  it('search matches any word anywhere (case-insensitive), including the client certificate subject', () => {
    const t = sample();
    t.setSearch('44302');
    expect(ids(t)).toEqual([1, 2, 3, 4]); // all fixtures share the server port
    t.setSearch('EXAMPLE.ORG');
    expect(ids(t)).toEqual([1]);
    t.setSearch('evil-client unknown_ca');
    expect(ids(t)).toEqual([2, 4]); // 3 has the subject but no alert
    t.setSearch('evil-client');
    expect(ids(t)).toEqual([2, 3, 4]);
    t.setSearch('nothing-matches');
    expect(ids(t)).toEqual([]);
    t.setSearch('');
    expect(ids(t)).toEqual([1, 2, 3, 4]);
  });

  it('counts for the header follow upserts, including replacement by id', () => {
    const t = sample();
    expect(t.counts()).toEqual({ total: 4, shown: 4, failed: 2, mtls: 3, tls13: 2, warning: 0 });
    t.upsert(variant(4, { verdict: 'mtls-ok', alerts: [] }));
    expect(t.counts()).toMatchObject({ total: 4, failed: 1 });
    expect(t.get(4)?.verdict).toBe('mtls-ok');
    expect(ids(t)).toEqual([1, 2, 3, 4]);
    t.toggleFilter('failed');
    t.upsert(variant(5, { verdict: 'failed' }));
    expect(ids(t)).toEqual([2, 5]);
    expect(t.indexOfId(5)).toBe(1);
    expect(t.indexOfId(1)).toBe(-1);
  });

  it('handles 24,000 connections arriving out of order quickly', () => {
    const t = new ConnectionTable();
    const base = wrongCaTls12();
    const n = 24_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const id = (i * 7919) % n; // a permutation of 0..n-1
      t.upsert({ ...base, id, serverName: `host${id % 97}.example` });
    }
    const addMs = performance.now() - start;
    expect(t.visible.length).toBe(n);
    expect(t.visible[0].id).toBe(0);
    expect(t.visible[n - 1].id).toBe(n - 1);
    const s2 = performance.now();
    t.setSort('sni');
    t.toggleFilter('failed');
    const sortMs = performance.now() - s2;
    expect(addMs).toBeLessThan(3000);
    expect(sortMs).toBeLessThan(1000);
  });
});

describe('connection table with TCP and QUIC connections', () => {
  it('tcp.stream 0 and udp.stream 0 are two rows (separate Wireshark counters), each replaced by its own update', () => {
    const t = new ConnectionTable();
    t.upsert(variant(0, { transport: 'tcp', serverName: 'tcp.example' }));
    t.upsert(variant(0, { transport: 'quic', udpStream: 0, serverName: 'quic.example', version: 'TLS 1.3' }));
    t.upsert(variant(0, { transport: 'quic', udpStream: 0, serverName: 'quic2.example', version: 'TLS 1.3' }));
    expect(t.visible.map((r) => [r.id, r.sni, r.version])).toEqual([
      [0, 'tcp.example', 'TLS 1.2'],
      [0, 'quic2.example', 'TLS 1.3/QUIC'],
    ]);
  });
});

describe('a (clear filters) clears the search too', () => {
  it('after a, the search words no longer narrow the rows or the counts of later filters', () => {
    const t = sample();
    t.setSearch('a.example');
    expect(ids(t)).toEqual([2]);
    t.clearFilters();
    expect(t.searchText).toBe('');
    expect(ids(t)).toEqual([1, 2, 3, 4]);
    t.toggleFilter('failed');
    expect(ids(t)).toEqual([2, 4]);
    expect(t.counts().shown).toBe(2);
  });
});
