/**
 * Generator: a TLS 1.2 mutual-TLS capture whose client certificate subject CN is `cnLength`
 * characters long (one word, no spaces: the worst case for word wrapping). The certificate is
 * fixtures/evil-client.pem with its subject Name replaced (the signature no longer verifies; the
 * parser does not check it). The handshake message is split over as many records as it needs.
 */
import { Flow, cat, certificate12, certificateRequest12, clientHello, handshake, pcapFile, record, serverHello, alert } from '../fuzz/wire.js';
import { pemDer, subjectName } from './hostile-capture.js';

function derLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  return cat(Uint8Array.of(tag), derLength(content.length), content);
}

/** Name ::= SEQUENCE { SET { SEQUENCE { id-at-commonName, UTF8String } } } */
export function longCnName(cnLength: number, ch = 'W'): Uint8Array {
  const oid = Uint8Array.of(0x06, 0x03, 0x55, 0x04, 0x03);
  const value = tlv(0x0c, new Uint8Array(Buffer.from(ch.repeat(cnLength), 'utf8')));
  return tlv(0x30, tlv(0x31, tlv(0x30, cat(oid, value))));
}

/** `cert` with its subject Name replaced by `name` (lengths of TBSCertificate and Certificate redone). */
export function withSubject(cert: Uint8Array, name: Uint8Array): Uint8Array {
  const old = subjectName(cert);
  const start = old.byteOffset - cert.byteOffset;
  const end = start + old.length;
  // Certificate ::= SEQUENCE { tbs SEQUENCE, sigAlg, sig }: re-wrap both SEQUENCE headers
  const outerHdr = headerLength(cert, 0);
  const tbsHdr = headerLength(cert, outerHdr);
  const tbsLen = elementLength(cert, outerHdr);
  const tbsContent = cat(cert.subarray(outerHdr + tbsHdr, start), name, cert.subarray(end, outerHdr + tbsLen));
  const rest = cert.subarray(outerHdr + tbsLen);
  return tlv(0x30, cat(tlv(0x30, tbsContent), rest));
}

function headerLength(b: Uint8Array, o: number): number {
  const l = b[o + 1]!;
  return l & 0x80 ? 2 + (l & 0x7f) : 2;
}

function elementLength(b: Uint8Array, o: number): number {
  let len = b[o + 1]!;
  const h = headerLength(b, o);
  if (len & 0x80) {
    len = 0;
    for (let i = 2; i < h; i++) len = len * 256 + b[o + i]!;
  }
  return h + len;
}

/** A handshake message as records of at most 16,384 bytes each (RFC 5246 §6.2.1). */
function records(type: number, body: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let o = 0; o < body.length; o += 16384) parts.push(record(type, body.subarray(o, Math.min(body.length, o + 16384))));
  return cat(...parts);
}

export function longCnCapture(cnLength: number): Uint8Array {
  const ca = pemDer('evil-ca');
  const client = withSubject(pemDer('evil-client'), longCnName(cnLength));
  const flow = new Flow({ ip: [192, 0, 2, 10], port: 51001 }, { ip: [192, 0, 2, 20], port: 443 }).handshake();
  flow.send(true, record(22, handshake(1, clientHello({ sni: new Uint8Array(Buffer.from('long-cn.example')) }))));
  flow.send(false, cat(
    record(22, handshake(2, serverHello())),
    record(22, handshake(11, certificate12([ca]))),
    record(22, handshake(13, certificateRequest12([subjectName(ca)]))),
    record(22, handshake(14, new Uint8Array(0))),
  ));
  flow.send(true, records(22, handshake(11, certificate12([client]))));
  flow.send(false, alert(2, 42));
  flow.close();
  return pcapFile(flow.frames.map((data) => ({ data })));
}
