/**
 * The accepted-vs-rejected rule (src/analysis/acceptance.ts) on constructed connection models, one
 * test per branch of the rule, server side and client side.
 */
import { describe, expect, it } from 'vitest';
import { clientAbort, serverAcceptance } from '../../src/analysis/acceptance.js';
import type { ConnectionModel, EventModel } from '../../src/analysis/model.js';
import type { Tls13Inference } from '../../src/analysis/infer-tls13.js';
import { quietTcp } from '../helpers/model.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

interface Ev {
  f: number;
  /** milliseconds after T0 */
  t: number;
  d: 'c' | 's';
  type?: string;
  kind?: EventModel['kind'];
  vis?: EventModel['visibility'];
  code?: number;
  level?: EventModel['level'];
  length?: number;
}

function ev(e: Ev): EventModel {
  const m: EventModel = {
    frame: e.f,
    time: new Date(T0 + e.t).toISOString(),
    direction: e.d === 'c' ? 'client->server' : 'server->client',
    kind: e.kind ?? (e.code !== undefined ? 'alert' : 'handshake'),
    visibility: e.vis ?? 'plaintext',
  };
  if (e.type) m.type = e.type;
  if (e.code !== undefined) {
    m.code = e.code;
    m.level = e.level ?? (e.code === 0 ? 'warning' : 'fatal');
    m.description = e.code === 0 ? 'close_notify' : `alert_${e.code}`;
  }
  if (e.length !== undefined) m.length = e.length;
  return m;
}

function model(
  version: 'TLS 1.2' | 'TLS 1.3',
  events: Ev[],
  o: { fin?: [number, number]; rst?: [number, number]; appC?: number; appS?: number; decrypted?: boolean; endMs?: number; resumed?: boolean } = {},
): ConnectionModel {
  const evs = events.map(ev);
  const last = events.length ? Math.max(...events.map((e) => e.t)) : 0;
  return {
    id: 0,
    client: { ip: '127.0.0.1', port: 50000 },
    server: { ip: '127.0.0.1', port: 443 },
    firstFrame: 1,
    lastFrame: 99,
    startTime: new Date(T0).toISOString(),
    endTime: new Date(T0 + (o.endMs ?? last + 1)).toISOString(),
    isTls: true,
    version,
    decrypted: o.decrypted ?? true,
    resumed: o.resumed ?? false,
    events: evs,
    applicationData: { clientToServer: { records: o.appC ?? 0, bytes: 0 }, serverToClient: { records: o.appS ?? 0, bytes: 0 } },
    clientCertificate: { requested: true, status: 'sent' },
    alerts: evs.filter((e) => e.kind === 'alert'),
    diagnoses: [],
    tcp: quietTcp({
      ...(o.fin ? { finFrames: o.fin } : {}),
      ...(o.rst ? { rstFrames: o.rst } : {}),
    }),
    verdict: 'ok',
    warnings: [],
  };
}

// TLS 1.2 full handshake up to the client's Finished (frames 4-8)
const HS12: Ev[] = [
  { f: 4, t: 0, d: 'c', type: 'ClientHello' },
  { f: 6, t: 1, d: 's', type: 'ServerHello' },
  { f: 6, t: 1, d: 's', type: 'Certificate' },
  { f: 6, t: 1, d: 's', type: 'CertificateRequest' },
  { f: 6, t: 1, d: 's', type: 'ServerHelloDone' },
  { f: 8, t: 2, d: 'c', type: 'Certificate' },
  { f: 8, t: 2, d: 'c', type: 'ClientKeyExchange' },
  { f: 8, t: 2, d: 'c', type: 'CertificateVerify' },
  { f: 8, t: 2, d: 'c', kind: 'change_cipher_spec' },
  { f: 8, t: 2, d: 'c', type: 'Finished', vis: 'decrypted' },
];
const SERVER_DONE12: Ev[] = [
  { f: 9, t: 3, d: 's', type: 'NewSessionTicket' },
  { f: 9, t: 3, d: 's', kind: 'change_cipher_spec' },
  { f: 9, t: 3, d: 's', type: 'Finished', vis: 'decrypted' },
];
// TLS 1.3 with keys: the server's flight, then the client's Certificate/CV/Finished (frame 8)
const HS13: Ev[] = [
  { f: 4, t: 0, d: 'c', type: 'ClientHello' },
  { f: 6, t: 1, d: 's', type: 'ServerHello' },
  { f: 6, t: 1, d: 's', type: 'EncryptedExtensions', vis: 'decrypted' },
  { f: 6, t: 1, d: 's', type: 'CertificateRequest', vis: 'decrypted' },
  { f: 6, t: 1, d: 's', type: 'Certificate', vis: 'decrypted' },
  { f: 6, t: 1, d: 's', type: 'CertificateVerify', vis: 'decrypted' },
  { f: 6, t: 1, d: 's', type: 'Finished', vis: 'decrypted' },
  { f: 8, t: 2, d: 'c', type: 'Certificate', vis: 'decrypted' },
  { f: 8, t: 2, d: 'c', type: 'CertificateVerify', vis: 'decrypted' },
  { f: 8, t: 2, d: 'c', type: 'Finished', vis: 'decrypted' },
];

describe('serverAcceptance: one branch per rule', () => {
  it('1. a fatal alert after the client flight: rejected-alert', () => {
    const m = model('TLS 1.3', [...HS13, { f: 9, t: 3, d: 's', code: 48, vis: 'decrypted' }], { fin: [0, 10] });
    const a = serverAcceptance(m);
    expect(a.verdict).toBe('rejected-alert');
    expect(a.frames).toContain(9);
  });

  it('1b. a warning-level no_renegotiation is not a rejection', () => {
    const m = model('TLS 1.2', [...HS12, ...SERVER_DONE12, { f: 10, t: 4, d: 's', code: 100, level: 'warning' }], { appS: 1, fin: [12, 13] });
    expect(serverAcceptance(m).verdict).toBe('accepted');
  });

  it('2. application data from the server: accepted, even when the server closes first', () => {
    const m = model('TLS 1.2', [...HS12, ...SERVER_DONE12, { f: 12, t: 5, d: 's', code: 0 }], { appS: 2, appC: 1, fin: [14, 13] });
    const a = serverAcceptance(m);
    expect(a.verdict).toBe('accepted');
    expect(a.served).toBe(true);
    expect(a.servedDecrypted).toBe(true);
    expect(a.firstCloser).toBe('server');
    expect(a.inferred).toBe(false);
  });

  it('3. TLS 1.3 without keys: records after the client Finished (tickets or data): accepted, inferred', () => {
    const m = model('TLS 1.3', HS13.map((e) => ({ ...e, vis: e.vis === 'decrypted' ? 'inferred' : e.vis })), { decrypted: false, fin: [12, 13] });
    const inf: Tls13Inference = { continued: true, reasons: [], clientCert: 'sent' };
    const a = serverAcceptance(m, inf);
    expect(a.verdict).toBe('accepted');
    expect(a.inferred).toBe(true);
  });

  it('4. the server closes first, having sent nothing, within the window: rejected-silently', () => {
    const m = model('TLS 1.2', HS12, { fin: [11, 9] });
    const a = serverAcceptance(m);
    expect(a.verdict).toBe('rejected-silently');
    expect(a.firstCloser).toBe('server');
    expect(a.serverClose?.how).toBe('FIN in frame 9');
    expect(a.frames).toEqual([8, 9]);
  });

  it('4b. TLS 1.3 with keys: the client sent data and close_notify after the server FIN (Node.js): rejected-silently', () => {
    const m = model('TLS 1.3', [...HS13, { f: 10, t: 6, d: 'c', code: 0, vis: 'decrypted' }], { appC: 1, fin: [0, 9], rst: [0, 11] });
    const a = serverAcceptance(m);
    expect(a.verdict).toBe('rejected-silently');
    expect(a.serverClose?.frame).toBe(9);
  });

  it('4c. the server closes first having sent nothing, but 30 s later: unknown (idle timeout?)', () => {
    const m = model('TLS 1.2', HS12, { fin: [0, 9], endMs: 30_000 });
    const a = serverAcceptance(m);
    expect(a.verdict).toBe('unknown');
    expect(a.evidence.join(' ')).toMatch(/idle timeout/);
  });

  it('5. tickets and the server Finished, then the client closes first: accepted', () => {
    const m = model('TLS 1.2', [...HS12, ...SERVER_DONE12, { f: 11, t: 900, d: 'c', code: 0 }, { f: 12, t: 901, d: 's', code: 0 }], { fin: [11, 13] });
    const a = serverAcceptance(m);
    expect(a.verdict).toBe('accepted');
    expect(a.firstCloser).toBe('client');
    expect(a.served).toBe(false);
    expect(a.continued).toBe(true);
  });

  it('5b. tickets, nobody closes before the end of the capture: accepted', () => {
    const m = model('TLS 1.3', [...HS13, { f: 9, t: 3, d: 's', type: 'NewSessionTicket', vis: 'decrypted' }]);
    const a = serverAcceptance(m);
    expect(a.verdict).toBe('accepted');
    expect(a.evidence.join(' ')).toMatch(/nobody closed/);
  });

  it('5c. tickets, then the server closes first without any data: unknown', () => {
    const m = model('TLS 1.3', [...HS13, { f: 9, t: 3, d: 's', type: 'NewSessionTicket', vis: 'decrypted' }], { fin: [0, 10] });
    expect(serverAcceptance(m).verdict).toBe('unknown');
  });

  it('6. no client flight: unknown; client closes first while the server sent nothing: unknown', () => {
    expect(serverAcceptance(model('TLS 1.2', HS12.slice(0, 5), { fin: [7, 0] })).verdict).toBe('unknown');
    expect(serverAcceptance(model('TLS 1.2', HS12, { fin: [9, 10] })).verdict).toBe('unknown');
  });
});

describe('clientAbort: the client closes right after the server flight', () => {
  it('TLS 1.3: no Finished from the client, FIN: abandoned handshake', () => {
    const m = model('TLS 1.3', HS13.slice(0, 7), { fin: [8, 9] });
    const a = clientAbort(m);
    expect(a?.abandonedHandshake).toBe(true);
    expect(a?.frame).toBe(8);
    expect(a?.afterFrame).toBe(6);
  });

  it('TLS 1.2: the handshake completed, then FIN without close_notify or data', () => {
    const m = model('TLS 1.2', [...HS12, ...SERVER_DONE12, { f: 11, t: 5, d: 's', code: 0 }], { fin: [10, 0], rst: [12, 0] });
    const a = clientAbort(m);
    expect(a?.abandonedHandshake).toBe(false);
    expect(a?.how).toBe('FIN');
    expect(a?.afterFrame).toBe(9);
  });

  it('not when the client sent an alert, data, closed after the server, or much later', () => {
    expect(clientAbort(model('TLS 1.3', [...HS13.slice(0, 7), { f: 8, t: 2, d: 'c', code: 48 }], { fin: [9, 10] }))).toBeNull();
    expect(clientAbort(model('TLS 1.2', [...HS12, ...SERVER_DONE12], { appC: 1, fin: [10, 11] }))).toBeNull();
    expect(clientAbort(model('TLS 1.2', [...HS12, ...SERVER_DONE12], { fin: [11, 10] }))).toBeNull();
    expect(clientAbort(model('TLS 1.3', HS13.slice(0, 7), { fin: [8, 9], endMs: 60_000 }))).toBeNull();
  });

  it('not in TLS 1.2 when the server never sent its Finished, nor on a resumed session', () => {
    expect(clientAbort(model('TLS 1.2', HS12, { fin: [9, 10] }))).toBeNull();
    expect(clientAbort(model('TLS 1.3', HS13.slice(0, 7), { fin: [8, 9], resumed: true }))).toBeNull();
  });
});

describe('serverAcceptance: TLS 1.3 without keys, tickets look like data', () => {
  const blind: Ev[] = [
    { f: 4, t: 0, d: 'c', type: 'ClientHello' },
    { f: 6, t: 1, d: 's', type: 'ServerHello' },
    { f: 6, t: 1, d: 's', kind: 'encrypted', length: 69, type: 'Finished', vis: 'inferred' },
    { f: 8, t: 2, d: 'c', kind: 'encrypted', length: 485, type: 'Certificate', vis: 'inferred' },
    { f: 8, t: 2, d: 'c', kind: 'encrypted', length: 69, type: 'Finished', vis: 'inferred' },
    { f: 9, t: 3, d: 's', kind: 'encrypted', length: 714, type: 'NewSessionTicket', vis: 'inferred' },
    { f: 10, t: 3, d: 'c', kind: 'encrypted', length: 48 },
  ];
  const inf: Tls13Inference = { continued: true, reasons: [], clientCert: 'sent' };
  it('records only before the client request, then the server closes first: unknown', () => {
    const a = serverAcceptance(model('TLS 1.3', blind, { decrypted: false, fin: [0, 11] }), inf);
    expect(a.verdict).toBe('unknown');
    expect(a.evidence.join(' ')).toMatch(/may be only NewSessionTickets/);
  });
  it('a record answering the client request, then the server closes first: accepted, inferred', () => {
    const m = model('TLS 1.3', [...blind, { f: 11, t: 4, d: 's', kind: 'encrypted', length: 101 }, { f: 12, t: 4, d: 's', kind: 'encrypted', length: 19 }], { decrypted: false, fin: [14, 13] });
    const a = serverAcceptance(m, inf);
    expect(a.verdict).toBe('accepted');
    expect(a.inferred).toBe(true);
  });
});

describe('clientAbort: a server alert, even encrypted, explains the close', () => {
  it('TLS 1.3 without keys: client flight, the server answers with an alert-sized record, then the client FIN: no abort', () => {
    const m = model(
      'TLS 1.3',
      [
        { f: 4, t: 0, d: 'c', type: 'ClientHello' },
        { f: 6, t: 1, d: 's', type: 'ServerHello' },
        { f: 6, t: 1, d: 's', kind: 'encrypted', length: 69, type: 'Finished', vis: 'inferred' },
        { f: 8, t: 2, d: 'c', kind: 'encrypted', length: 942, type: 'Certificate', vis: 'inferred' },
        { f: 8, t: 2, d: 'c', kind: 'encrypted', length: 69, type: 'Finished', vis: 'inferred' },
        { f: 11, t: 3, d: 's', kind: 'encrypted', length: 19, type: 'Alert', vis: 'inferred' },
      ],
      { decrypted: false, fin: [12, 13] },
    );
    expect(clientAbort(m)).toBeNull();
  });
});
