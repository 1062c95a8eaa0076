import { describe, expect, it } from 'vitest';
import { clientCertRowIndex, ladderHeader, ladderLayout, ladderLayoutFor, ladderRows, openingTop, renderLadderRow } from '../../src/tui/view-model/ladder-view.js';
import { clientCertPath } from '../../src/tui/view-model/cert-path.js';
import { clientCertLines, diagnosisLines, previewLines } from '../../src/tui/view-model/diagnosis-view.js';
import { lineText } from '../../src/tui/view-model/styled.js';
import { displayWidth } from '../../src/tui/view-model/text.js';
import { oneWayTls13, variant, wrongCaTls12 } from './fixtures.js';

describe('ladder pane', () => {
  const c = wrongCaTls12();

  it('one row per event in wire order with frame, relative time and direction arrows', () => {
    const layout = ladderLayoutFor(c, 100);
    const rows = ladderRows(c, layout);
    expect(rows.map((r) => r.line.frame)).toEqual([66, 68, 68, 68, 68, 70, 70, 70, 70, 71]);
    const text = rows.map((r) => lineText(renderLadderRow(r, layout)));
    // client -> server: label then arrow to the right; server -> client: arrow to the left
    expect(text[0]).toMatch(/^ {2}66 0\.000300 ClientHello -+> $/);
    expect(text[1]).toMatch(/^ {2}68 0\.001100 +<-+ ServerHello$/);
    for (const t of text) expect(displayWidth(t)).toBe(100);
  });

  it('frame and time columns grow with the capture', () => {
    expect(ladderLayout(100, 123456, 12.5)).toEqual({ frameWidth: 6, timeWidth: 9, decimals: 6, laneWidth: 100 - 19 });
  });

  it('alerts red and marked "!", the client Certificate marked "*", inferred and plaintext apart', () => {
    const layout = ladderLayout(100, c.lastFrame);
    const rows = ladderRows(c, layout);
    const alert = rows[9];
    expect(alert.style).toBe('alert');
    expect(alert.marker).toBe('!');
    expect(alert.line.text).toContain('Alert fatal unknown_ca (48)');
    const cert = rows[clientCertRowIndex(rows)];
    expect(cert.line.frame).toBe(70);
    expect(cert.marker).toBe('*');
    expect(cert.style).toBe('client-cert');
    expect(cert.line.text).toMatch(/^Certificate \(1 cert\) -+>$/);
    const inferred = rows[8];
    expect(inferred.style).toBe('inferred');
    expect(inferred.line.text).toContain('~~~');
    expect(inferred.line.text).toContain('[inferred]');
    // the server's own Certificate is not the client certificate
    expect(rows[2].marker).toBe(' ');
  });

  it('TLS 1.3 without keys: the record inferred to be the client Certificate is marked too', () => {
    const base = oneWayTls13(8);
    base.events = [
      { frame: 8, time: 't', direction: 'client->server', kind: 'change_cipher_spec', visibility: 'plaintext', length: 1 },
      { frame: 8, time: 't', direction: 'client->server', kind: 'encrypted', visibility: 'inferred', type: 'Certificate', length: 485 },
      { frame: 8, time: 't', direction: 'client->server', kind: 'encrypted', visibility: 'inferred', type: 'CertificateVerify', length: 96 },
    ];
    const rows = ladderRows(base, ladderLayoutFor(base, 80));
    expect(rows.map((r) => r.marker)).toEqual([' ', '*', ' ']);
    expect(clientCertRowIndex(rows)).toBe(1);
    expect(rows[1].style).toBe('inferred');
  });

  it('narrow panes keep the frame, shorten the time and the lane', () => {
    const layout = ladderLayoutFor(c, 48);
    expect(layout.decimals).toBe(3);
    expect(layout).toEqual({ frameWidth: 2, timeWidth: 5, decimals: 3, laneWidth: 48 - 11 });
    const rows = ladderRows(c, layout);
    const first = lineText(renderLadderRow(rows[0], layout));
    expect(first).toMatch(/^ {2}66 0\.000 ClientHello -+> $/);
    expect(displayWidth(first)).toBe(48);
    expect(lineText(ladderHeader(layout))).toMatch(/^ +# +time client +server$/);
    expect(displayWidth(lineText(ladderHeader(layout)))).toBe(48);
  });
});

describe('where the client certificate is', () => {
  it('frame -> TCP segments -> TLS record -> handshake message (offset, length) -> subject / issuer', () => {
    const p = clientCertPath(wrongCaTls12());
    expect(p.status).toBe('sent');
    expect(p.steps).toEqual([
      'frame 70',
      'TCP segments in frames 69, 70',
      'TLS record 1 client->server',
      'Certificate message at stream offset 211, 461 bytes',
      'CN=evil-client,O=tls-inspect evil issued by CN=Evil CA,O=tls-inspect evil',
    ]);
    expect(p.sentence).toBe(`Client certificate: ${p.steps.join(' -> ')}`);
    expect(p.accepted).toEqual(['CN=Test CA,O=tls-inspect test PKI']);
  });

  it('an empty Certificate says EMPTY; no Certificate uses the model sentence', () => {
    const base = wrongCaTls12();
    const empty = variant(5, {
      events: base.events.map((e) => (e.type === 'Certificate' && e.direction === 'client->server' ? { ...e, certificates: [], length: 3, frames: undefined } : e)),
      clientCertificate: { ...base.clientCertificate, status: 'empty', chain: [] },
    });
    const p = clientCertPath(empty);
    expect(p.status).toBe('EMPTY');
    expect(p.sentence).toBe(
      'EMPTY client Certificate: frame 70 -> TCP segment in frame 70 -> TLS record 1 client->server -> Certificate message at stream offset 211, 3 bytes, EMPTY (0 certificates)',
    );
    const none = clientCertPath(oneWayTls13(1));
    expect(none.status).toBe('not requested');
    expect(none.sentence).toBe('Client certificate: not requested: the server sent no CertificateRequest — this is one-way TLS');
    const c3 = oneWayTls13(3);
    c3.clientCertificate = { requested: 'unknown', status: 'unknown', sentence: 'the capture ended early' };
    expect(clientCertPath(c3).sentence).toBe('Client certificate unknown: the capture ended early');
  });

  it('the certificate box and preview wrap to the width and mention the accepted CAs', () => {
    const lines = clientCertLines(wrongCaTls12(), 60).map(lineText);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(60);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain('Server accepts client certificates issued by: CN=Test CA,O=tls-inspect test PKI');
    const prev = previewLines(wrongCaTls12(), 80, 3).map(lineText);
    expect(prev.length).toBeLessThanOrEqual(3);
    expect(prev[prev.length - 1]).toMatch(/^ERROR: The server rejected/);
  });

  it('diagnosis pane: summary, evidence, frames, and the catalogue\'s why and fix of the code, once', () => {
    const c = wrongCaTls12();
    const text = diagnosisLines(c, 70).map(lineText);
    expect(text[0]).toMatch(/^ERROR client-cert-unknown-ca: The server rejected/);
    expect(text.some((l) => l.startsWith('  evidence: The server sent alert unknown_ca (48)'))).toBe(true);
    expect(text.some((l) => l.startsWith('  why: The server could not build a path'))).toBe(true);
    expect(text.some((l) => l.startsWith('  fix: Either issue the client certificate from a CA'))).toBe(true);
    // a second diagnosis of the same code: its own summary, no second why/fix
    c.diagnoses.push({ ...c.diagnoses[0], severity: 'warning', summary: 'Also: another chain problem.' });
    const twice = diagnosisLines(c, 70).map(lineText);
    expect(twice.filter((l) => l.startsWith('  why: ')).length).toBe(1);
    expect(twice.filter((l) => l.startsWith('  fix: ')).length).toBe(1);
    expect(twice.some((l) => l.startsWith('WARNING client-cert-unknown-ca: Also: another chain problem.'))).toBe(true);
    expect(text).toContain('  frames: 68, 70, 71');
    for (const l of text) expect(displayWidth(l)).toBeLessThanOrEqual(70);
    expect(diagnosisLines(oneWayTls13(1), 70).map(lineText)).toEqual(['No problem found (verdict: ok).']);
  });
});

describe('the ladder when a connection opens', () => {
  it('openingTop: the selected row and the decisive alert together when they fit, the alert as the last row', () => {
    // 80x24: 8 rows inside the ladder pane; all-scenarios #4: client Certificate event 6, alert event 11
    expect(openingTop(6, 11, 8)).toBe(5); // rows 5..12: list row 7 (Certificate) and 12 (alert)
    expect(openingTop(1, 3, 8)).toBe(0); // everything fits from the top: the column header stays
    expect(openingTop(0, 20, 8)).toBe(0); // too far apart: the selected row wins
    expect(openingTop(6, -1, 8)).toBe(0);
    expect(openingTop(12, -1, 8)).toBe(6);
    expect(openingTop(10, 7, 8)).toBe(4); // an alert before the selected row
  });
});
