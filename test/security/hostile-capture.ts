/**
 * A crafted TLS 1.2 mutual-TLS capture whose wire strings are hostile: the ClientHello SNI and
 * ALPN, the CertificateRequest CA name and the client certificate subject carry terminal escape
 * sequences, C0/C1 controls, a bidi override and blessed tags. Built byte by byte (test/fuzz/wire.ts)
 * around the certificates of fixtures/make-evil-cert.sh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Flow, alert, cat, certificate12, certificateRequest12, clientHello, handshake, pcapFile, record, serverHello,
} from '../fuzz/wire.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** Raw SNI bytes: CSI colour, OSC title, BEL, SOH, DEL, the 8-bit CSI byte, UTF-8 U+202E, blessed
 * tags, HTML and Markdown metacharacters. */
export const SNI_BYTES = Uint8Array.from([
  ...Buffer.from('evil\x1b[31mRED\x1b]0;pwned\x07\x01\x7f', 'latin1'), 0x9b, ...Buffer.from('31m', 'latin1'),
  0xe2, 0x80, 0xae, ...Buffer.from('olleh{red-fg}x{/}<i>&"\'|*`', 'latin1'),
]);
/** Raw ALPN protocol name: a CSI "clear screen" and a blessed tag. */
export const ALPN_BYTES = Uint8Array.from(Buffer.from('h2\x1b[2J{bold}', 'latin1'));

export function pemDer(name: string): Uint8Array {
  const text = readFileSync(join(FIXTURES, `${name}.pem`), 'ascii');
  const b64 = text.split('-----BEGIN CERTIFICATE-----')[1]!.split('-----END CERTIFICATE-----')[0]!;
  return new Uint8Array(Buffer.from(b64.replace(/\s+/g, ''), 'base64'));
}

/** DER element at `o`: [content start, element end]. */
function tlv(b: Uint8Array, o: number): [number, number] {
  let len = b[o + 1]!;
  let p = o + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  return [p, p + len];
}

/** The subject Name (whole DER element) of a certificate: TBSCertificate field 6 (after version). */
export function subjectName(cert: Uint8Array): Uint8Array {
  const [tbsStart] = tlv(cert, tlv(cert, 0)[0]);
  let o = tbsStart;
  if (cert[o] === 0xa0) o = tlv(cert, o)[1]; // [0] version
  for (let field = 0; field < 4; field++) o = tlv(cert, o)[1]; // serial, signature, issuer, validity
  return cert.subarray(o, tlv(cert, o)[1]);
}

/** The capture: handshake, hostile hello, server flight, client certificate, bad_certificate alert. */
export function hostileCapture(): Uint8Array {
  const ca = pemDer('evil-ca');
  const client = pemDer('evil-client');
  const flow = new Flow({ ip: [192, 0, 2, 10], port: 51000 }, { ip: [192, 0, 2, 20], port: 443 }).handshake();
  flow.send(true, record(22, handshake(1, clientHello({ sni: SNI_BYTES, alpn: [ALPN_BYTES] }))));
  flow.send(false, cat(
    record(22, handshake(2, serverHello())),
    record(22, handshake(11, certificate12([ca]))),
    record(22, handshake(13, certificateRequest12([subjectName(client)]))),
    record(22, handshake(14, new Uint8Array(0))),
  ));
  flow.send(true, record(22, handshake(11, certificate12([client, ca]))));
  flow.send(false, alert(2, 42));
  flow.close();
  return pcapFile(flow.frames.map((data) => ({ data })));
}
