/**
 * Hand-made ConnectionModels for the view-model tests, shaped after the committed capture
 * captures/tls12-wrong-ca.pcap (frames and offsets as tshark shows them for that connection).
 */
import type { CertificateModel, ConnectionModel, EventModel } from '../../src/analysis/model.js';

export const EVIL_CLIENT: CertificateModel = {
  subject: 'CN=evil-client,O=tls-inspect evil',
  issuer: 'CN=Evil CA,O=tls-inspect evil',
  notBefore: '2025-01-01T00:00:00Z',
  notAfter: '2035-01-01T00:00:00Z',
  sha256: 'ab'.repeat(32),
  extendedKeyUsage: ['clientAuth'],
  serialNumber: '01',
};

export const SERVER_CERT: CertificateModel = {
  subject: 'CN=localhost',
  issuer: 'CN=Test CA,O=tls-inspect test PKI',
  notBefore: '2025-01-01T00:00:00Z',
  notAfter: '2035-01-01T00:00:00Z',
  sha256: 'cd'.repeat(32),
  extendedKeyUsage: ['serverAuth'],
};

function ev(p: Partial<EventModel> & Pick<EventModel, 'frame' | 'direction' | 'kind'>): EventModel {
  return { time: '2026-11-23T22:41:37.700000Z', relTime: 0, visibility: 'plaintext', ...p };
}

const C2S = 'client->server' as const;
const S2C = 'server->client' as const;

export function wrongCaTls12(): ConnectionModel {
  const alert = ev({ frame: 71, relTime: 0.0042, direction: S2C, kind: 'alert', level: 'fatal', description: 'unknown_ca', code: 48, length: 2, streamOffset: 1259, recordIndex: 5 });
  const events: EventModel[] = [
    ev({ frame: 66, relTime: 0.0003, direction: C2S, kind: 'handshake', type: 'ClientHello', length: 197, streamOffset: 5, recordIndex: 0, details: { version: 'TLS 1.2', cipherSuites: ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], extensions: [{ type: 0, name: 'server_name', length: 14, serverNames: ['localhost'] }] } }),
    ev({ frame: 68, relTime: 0.0011, direction: S2C, kind: 'handshake', type: 'ServerHello', length: 61, streamOffset: 5, recordIndex: 0 }),
    ev({ frame: 68, relTime: 0.0011, direction: S2C, kind: 'handshake', type: 'Certificate', length: 940, streamOffset: 75, recordIndex: 1, certificates: [SERVER_CERT] }),
    ev({ frame: 68, relTime: 0.0011, direction: S2C, kind: 'handshake', type: 'CertificateRequest', length: 101, streamOffset: 1145, recordIndex: 3, certificateAuthorities: ['CN=Test CA,O=tls-inspect test PKI'] }),
    ev({ frame: 68, relTime: 0.0011, direction: S2C, kind: 'handshake', type: 'ServerHelloDone', length: 0, streamOffset: 1255, recordIndex: 4 }),
    ev({ frame: 70, frames: [69, 70], relTime: 0.0031, direction: C2S, kind: 'handshake', type: 'Certificate', length: 461, streamOffset: 211, recordIndex: 1, certificates: [EVIL_CLIENT] }),
    ev({ frame: 70, relTime: 0.0031, direction: C2S, kind: 'handshake', type: 'CertificateVerify', length: 75, streamOffset: 723, recordIndex: 3 }),
    ev({ frame: 70, relTime: 0.0031, direction: C2S, kind: 'change_cipher_spec', length: 1, streamOffset: 802, recordIndex: 4 }),
    ev({ frame: 70, relTime: 0.0031, direction: C2S, kind: 'encrypted', type: 'Finished', visibility: 'inferred', length: 40, streamOffset: 808, recordIndex: 5, reason: 'first encrypted handshake record after ChangeCipherSpec' }),
    alert,
  ];
  return {
    id: 4,
    client: { ip: '127.0.0.1', port: 46028 },
    server: { ip: '127.0.0.1', port: 44302 },
    firstFrame: 64,
    lastFrame: 73,
    startTime: '2026-11-23T22:41:37.700000Z',
    endTime: '2026-11-23T22:41:37.710000Z',
    isTls: true,
    version: 'TLS 1.2',
    cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    serverName: 'localhost',
    established: false,
    events,
    clientCertificate: {
      requested: true,
      status: 'sent',
      visibility: 'plaintext',
      frame: 70,
      frames: [69, 70],
      recordIndex: 1,
      streamOffset: 211,
      length: 461,
      chain: [EVIL_CLIENT],
      acceptedAuthorities: ['CN=Test CA,O=tls-inspect test PKI'],
      requestFrame: 68,
      sentence: 'sent in frame 70 ...',
    },
    serverCertificates: [SERVER_CERT],
    alerts: [alert],
    diagnoses: [
      {
        code: 'client-cert-unknown-ca',
        severity: 'error',
        summary: "The server rejected the client's certificate: unknown_ca.",
        evidence: ['The server sent alert unknown_ca (48) in frame 71 about the client\'s certificate.'],
        evidenceFrames: [68, 70, 71],
      },
    ],
    tcp: {
      packets: { clientToServer: 5, serverToClient: 5 },
      bytes: { clientToServer: 900, serverToClient: 1300 },
      retransmissions: { clientToServer: 0, serverToClient: 0 },
      gaps: { clientToServer: 0, serverToClient: 0 },
      gapBytes: { clientToServer: 0, serverToClient: 0 },
      synSeen: true,
    },
    verdict: 'failed',
    warnings: [],
  };
}

/** A small variant: another id / SNI / version / verdict, for sorting and filtering tests. */
export function variant(id: number, p: Partial<ConnectionModel>): ConnectionModel {
  const base = wrongCaTls12();
  return { ...base, id, ...p };
}

export function oneWayTls13(id: number): ConnectionModel {
  return variant(id, {
    version: 'TLS 1.3',
    serverName: 'example.org',
    verdict: 'ok',
    alerts: [],
    diagnoses: [],
    events: [],
    clientCertificate: { requested: false, status: 'not-requested', sentence: 'not requested: the server sent no CertificateRequest — this is one-way TLS' },
    startTime: '2026-11-23T22:41:38.700000Z',
  });
}
