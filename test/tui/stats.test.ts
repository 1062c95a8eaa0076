import { describe, expect, it } from 'vitest';
import { countLines, formatDuration, StatsModel } from '../../src/tui/view-model/stats.js';
import { oneWayTls13, variant, wrongCaTls12 } from './fixtures.js';

describe('stats aggregation', () => {
  it('alerts by name, versions, client-certificate status, verdicts', () => {
    const s = new StatsModel();
    s.add(wrongCaTls12());
    s.add(variant(5, {}));
    s.add(oneWayTls13(6));
    expect(s.alerts.sorted()).toEqual([{ label: 'unknown_ca', value: 2 }]);
    expect(s.versions.sorted()).toEqual([
      { label: 'TLS 1.2', value: 2 },
      { label: 'TLS 1.3', value: 1 },
    ]);
    expect(s.certStatus.sorted()).toEqual([
      { label: 'sent', value: 2 },
      { label: 'not requested', value: 1 },
    ]);
    expect(s.verdicts.sorted()).toEqual([
      { label: 'FAILED', value: 2 },
      { label: 'ok', value: 1 },
    ]);
    s.add(variant(5, {}), -1);
    expect(s.alerts.sorted()).toEqual([{ label: 'unknown_ca', value: 1 }]);
    expect(s.connections).toBe(2);
  });

  it('handshakes over time in equal buckets', () => {
    const s = new StatsModel();
    s.add(variant(1, { startTime: '2026-01-01T00:00:00.000Z' }));
    s.add(variant(2, { startTime: '2026-01-01T00:00:00.500Z' }));
    s.add(variant(3, { startTime: '2026-01-01T00:00:09.999Z' }));
    s.add(variant(4, { startTime: '2026-01-01T00:00:10.000Z' }));
    const t = s.timeline(10);
    expect(t.counts).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(t.bucketMs).toBe(1000);
    expect(new StatsModel().timeline(5).counts).toEqual([0, 0, 0, 0, 0]);
  });

  it('text tables and durations', () => {
    expect(countLines('Alerts', [{ label: 'unknown_ca', value: 12 }], 20)).toEqual(['Alerts', '  unknown_ca 12 ####']);
    expect(
      countLines('Alerts', [{ label: 'certificate_required', value: 10 }, { label: 'unknown_ca', value: 5 }], 30),
    ).toEqual(['Alerts', '  certificate_required 10 ####', '  unknown_ca            5 ##']);
    expect(
      countLines('Alerts', [{ label: 'certificate_required', value: 10 }], 24),
    ).toEqual(['Alerts', '  certificate_r… 10 ####']);
    // too narrow for a bar
    expect(countLines('V', [{ label: 'TLS 1.3', value: 3 }], 12)).toEqual(['V', '  TLS 1.3 3']);
    expect(countLines('Alerts', [], 20)).toEqual(['Alerts', '  (none)']);
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(180_000)).toBe('3.0 min');
  });
});
