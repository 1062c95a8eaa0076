/**
 * Markdown: the ladder is a mermaid sequenceDiagram (GitHub renders it). Expected frames from tshark:
 *   tshark -r captures/all-scenarios.pcap -o tls.keylog_file:captures/all-scenarios.keys
 *     -Y 'tcp.port==44352 && (tls.handshake.type==11 || tls.alert_message)'
 *   -> frame 25 server Certificate, frame 27 client Certificate, frame 30 alert 48 (unknown_ca);
 *   port 44353: frame 41 the EMPTY client Certificate, frame 42 alert 116 (certificate_required).
 */
import { describe, expect, it } from 'vitest';
import { renderReportMarkdown } from '../../src/report/markdown.js';
import { MERMAID_MAX_EVENTS, mermaidLadder } from '../../src/report/markdown-mermaid.js';
import { escapeMermaid } from '../../src/report/sanitize.js';
import { reportModel } from '../../src/cli/output.js';
import { sourceModel } from '../../src/cli/file-command.js';
import type { ConnectionModel, EventModel, ReportModel } from '../../src/analysis/model.js';
import { analyse } from '../helpers/analyse.js';

async function realReport(capture: string, keylog?: string): Promise<ReportModel> {
  const a = await analyse(capture, keylog ? { keylog } : {});
  const src = sourceModel(a.result, capture, keylog ? a.keys.secretCount() : undefined);
  return reportModel(src, a.connections, a.result.analyzer.summary());
}

/** The lines of the connection's mermaid block, fences excluded. */
function block(md: string, heading: string): string[] {
  const at = md.indexOf(heading);
  expect(at, heading).toBeGreaterThan(-1);
  const start = md.indexOf('```mermaid\n', at);
  const end = md.indexOf('\n```\n', start);
  return md.slice(start + '```mermaid\n'.length, end).split('\n');
}

describe('Markdown ladder as a mermaid sequenceDiagram', () => {
  it('all-scenarios #1 (wrong CA): two participants, one arrow per event, client Certificate and the decisive alert noted', async () => {
    const r = await realReport('captures/all-scenarios.pcap', 'captures/all-scenarios.keys');
    const md = renderReportMarkdown(r);
    const lines = block(md, '### #1 ');
    expect(lines.slice(0, 3)).toEqual(['sequenceDiagram', '    participant C as Client', '    participant S as Server']);
    const arrows = lines.filter((l) => /^ {4}[CS]-/.test(l));
    expect(arrows).toHaveLength(r.connections[1].events.length);
    expect(arrows[0]).toBe('    C->>S: 23: ClientHello');
    expect(lines).toContain('    S->>C: 25: Certificate (2 certs) [decrypted]');
    const cert = lines.indexOf('    C->>S: 27: Certificate (1 cert) [decrypted]');
    expect(lines[cert + 1]).toBe('    Note right of C: client certificate, frame 27');
    const alert = lines.indexOf('    S-xC: 30: Alert fatal unknown_ca (48) [decrypted]');
    expect(alert).toBeGreaterThan(cert);
    expect(lines[alert + 1]).toBe('    Note left of S: decisive alert, sent by the server');
    // no plain code-block ladder any more
    expect(md).not.toContain('client                                                    server');
  });

  it('an EMPTY client Certificate is noted as such; close_notify is no alert note', async () => {
    const r = await realReport('captures/all-scenarios.pcap', 'captures/all-scenarios.keys');
    const md = renderReportMarkdown(r);
    expect(block(md, '### #2 ')).toContain('    Note right of C: client certificate (EMPTY), frame 41');
    const ok = block(md, '### #0 ');
    expect(ok.filter((l) => l.includes('Note'))).toEqual(['    Note right of C: client certificate, frame 8']);
  });

  it('escapeMermaid: no ; # quotes backticks < > & % braces or newlines reach the syntax', () => {
    expect(escapeMermaid('a;b#c"d\'e`f<g>h&i%j{k}l\nm')).toBe('a#59;b#35;c#34;d#39;e#96;f#60;g#62;h#38;i#37;j#123;k#125;l\\x0am');
    expect(escapeMermaid('plain text: 1.2.3 (ok) [x]')).toBe('plain text: 1.2.3 (ok) [x]');
  });

  it('a hostile alert description stays inside its message; long ladders are capped with a count', () => {
    const ev = (i: number, extra: Partial<EventModel> = {}): EventModel => ({
      frame: i, time: '', direction: i % 2 ? 'client->server' : 'server->client', kind: 'encrypted', visibility: 'plaintext', type: 'ApplicationData', length: 10, ...extra,
    });
    const hostile = ev(1, { kind: 'alert', level: 'fatal', description: 'x;\nS->>C: injected```#', code: 40 });
    const c = { events: [hostile, ...Array.from({ length: MERMAID_MAX_EVENTS + 5 }, (_, i) => ev(i + 2))], clientCertificate: { status: 'not-requested', requested: false } } as unknown as ConnectionModel;
    const lines = mermaidLadder(c);
    expect(lines[4]).toBe('    C-xS: 1: Alert fatal x#59; S-#62;#62;C: injected#96;#96;#96;#35; (40)');
    expect(lines.filter((l) => l.startsWith('```'))).toEqual(['```mermaid', '```']);
    expect(lines.filter((l) => /^ {4}[CS]-/.test(l))).toHaveLength(MERMAID_MAX_EVENTS);
    expect(lines.at(-2)).toBe('    Note over C,S: 6 more events (see --format text)');
    // a second problem alert (not the decisive one) is noted too
    const two = mermaidLadder({ ...c, events: [hostile, ev(3, { kind: 'alert', level: 'fatal', description: 'decode_error', code: 50 })] });
    expect(two.slice(4)).toEqual([
      '    C-xS: 1: Alert fatal x#59; S-#62;#62;C: injected#96;#96;#96;#35; (40)',
      '    Note right of C: decisive alert, sent by the client',
      '    C->>S: 3: Alert fatal decode_error (50)',
      '    Note right of C: alert, sent by the client',
      '```',
    ]);
  });
});
