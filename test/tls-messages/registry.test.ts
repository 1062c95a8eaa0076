/**
 * Registries: names cross-checked against Wireshark's value strings (`tshark -G values`, committed
 * as wireshark-values.tsv) and facts checked against values computed by hand from the RFCs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALERTS,
  alertInfo,
  alertName,
  cipherSuiteCodes,
  cipherSuiteInfo,
  cipherSuiteName,
  deriveCipherSuiteInfo,
  extensionName,
  handshakeTypeName,
  isGrease,
  isGreaseByte,
  isRegisteredExtension,
  isRegisteredSignatureScheme,
  isTls13Version,
  namedGroupName,
  signatureSchemeName,
  versionName,
} from '../../src/tls/registry/index.js';
import { FIXTURES } from './golden.js';

/** field -> code -> Wireshark name (last row wins: tls.handshake.type lists SSLv2 types first). */
function wireshark(): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const line of readFileSync(join(FIXTURES, 'wireshark-values.tsv'), 'utf8').split('\n')) {
    const [v, field, code, name] = line.split('\t');
    if (v !== 'V') continue;
    if (!out.has(field)) out.set(field, new Map());
    out.get(field)!.set(code.startsWith('0x') ? parseInt(code, 16) : Number(code), name);
  }
  return out;
}
const ws = wireshark();

describe('names agree with Wireshark where both list a code', () => {
  it('cipher suites', () => {
    let compared = 0;
    for (const code of cipherSuiteCodes()) {
      const w = ws.get('tls.handshake.ciphersuite')!.get(code);
      if (w === undefined) continue;
      expect(cipherSuiteName(code), `0x${code.toString(16)}`).toBe(w);
      compared++;
    }
    expect(compared).toBeGreaterThan(340);
  });

  it('extension types (IANA names; Wireshark says delegated_credentials for 34)', () => {
    for (const [code, w] of ws.get('tls.handshake.extension.type')!) {
      if (!isRegisteredExtension(code) || code === 34) continue;
      expect(extensionName(code), String(code)).toBe(w);
    }
    expect(extensionName(34)).toBe('delegated_credential');
  });

  it('named groups and signature schemes', () => {
    for (const [code, w] of ws.get('tls.handshake.extensions_supported_group')!) {
      // 0x02xx: Wireshark 4.0 still names the liboqs experimental code points IANA later gave to ML-KEM
      if (w.startsWith('Reserved') || namedGroupName(code).startsWith('0x') || (code >= 0x200 && code < 0x300)) continue;
      expect(namedGroupName(code), String(code)).toBe(w);
    }
    for (const [code, w] of ws.get('tls.handshake.sig_hash_alg')!) {
      if (isRegisteredSignatureScheme(code)) expect(signatureSchemeName(code), String(code)).toBe(w);
    }
  });

  it('alert descriptions (Wireshark title case -> snake_case)', () => {
    for (const [code, w] of ws.get('tls.alert_message.desc')!) {
      if (code === 1) continue; // "End of Early Data": a TLS 1.3 draft alert, not in the IANA registry
      expect(alertName(code), String(code)).toBe(w.toLowerCase().replace(/ /g, '_'));
    }
  });

  it('handshake types (Wireshark title -> PascalCase)', () => {
    for (const [code, w] of ws.get('tls.handshake.type')!) {
      // 21 "Client Certificate URL"; 67 = NPN's EncryptedExtensions; 7 only exists in SSLv2 (REQUEST-CERTIFICATE)
      if (code === 21 || code === 67 || code === 7) continue;
      expect(handshakeTypeName(code).toLowerCase(), String(code)).toBe(w.replace(/ /g, '').toLowerCase());
    }
  });
});

describe('cipher suite facts (from RFC 5246 §6.2.3/App. C, RFC 5288, RFC 6655, RFC 7905, RFC 8446 §B.4)', () => {
  const cases: Array<[number, Record<string, unknown>]> = [
    [0x1301, { tls13: true, keyExchange: 'TLS13', cipher: 'AES-128-GCM', keyLength: 16, ivLength: 12, tagLength: 16, mac: 'AEAD', prfHash: 'SHA256' }],
    [0x1302, { tls13: true, cipher: 'AES-256-GCM', keyLength: 32, prfHash: 'SHA384' }],
    [0x1303, { tls13: true, cipher: 'CHACHA20-POLY1305', keyLength: 32, ivLength: 12, prfHash: 'SHA256' }],
    [0x1305, { tls13: true, cipher: 'AES-128-CCM-8', tagLength: 8 }],
    [0xc02f, { tls13: false, keyExchange: 'ECDHE', authentication: 'RSA', cipher: 'AES-128-GCM', ivLength: 4, mac: 'AEAD', macLength: 0, prfHash: 'SHA256' }],
    [0xc030, { keyExchange: 'ECDHE', cipher: 'AES-256-GCM', prfHash: 'SHA384' }],
    [0xc02b, { keyExchange: 'ECDHE', authentication: 'ECDSA' }],
    [0x002f, { keyExchange: 'RSA', cipher: 'AES-128-CBC', cipherKind: 'block', ivLength: 16, mac: 'SHA1', macLength: 20, prfHash: 'SHA256' }],
    [0x0035, { cipher: 'AES-256-CBC', keyLength: 32 }],
    [0x003d, { cipher: 'AES-256-CBC', mac: 'SHA256', macLength: 32 }],
    [0xc028, { keyExchange: 'ECDHE', cipher: 'AES-256-CBC', mac: 'SHA384', macLength: 48, prfHash: 'SHA384' }],
    [0x000a, { cipher: '3DES-EDE-CBC', keyLength: 24, ivLength: 8, mac: 'SHA1' }],
    [0x0005, { cipher: 'RC4-128', cipherKind: 'stream', keyLength: 16, mac: 'SHA1' }],
    [0x0004, { cipher: 'RC4-128', mac: 'MD5', macLength: 16 }],
    [0x0003, { export: true, cipher: 'RC4-40', keyLength: 5, mac: 'MD5' }],
    [0x0001, { cipher: 'NULL', cipherKind: 'null', mac: 'MD5' }],
    [0x0000, { keyExchange: 'NULL', cipher: 'NULL', mac: 'NULL', prfHash: null }],
    [0x0039, { keyExchange: 'DHE', authentication: 'RSA' }],
    [0x0032, { keyExchange: 'DHE', authentication: 'DSS' }],
    [0x0034, { keyExchange: 'DH_anon', authentication: 'anon' }],
    [0x0030, { keyExchange: 'DH', authentication: 'DSS' }],
    [0xc004, { keyExchange: 'ECDH', authentication: 'ECDSA' }],
    [0xc018, { keyExchange: 'ECDH_anon' }],
    [0xc09c, { keyExchange: 'RSA', cipher: 'AES-128-CCM', tagLength: 16, mac: 'AEAD', prfHash: 'SHA256' }],
    [0xc0a0, { cipher: 'AES-128-CCM-8', tagLength: 8 }],
    [0xc0aa, { keyExchange: 'DHE_PSK', cipher: 'AES-128-CCM-8' }],
    [0xcca8, { keyExchange: 'ECDHE', cipher: 'CHACHA20-POLY1305', ivLength: 12, mac: 'AEAD', prfHash: 'SHA256' }],
    [0x00a8, { keyExchange: 'PSK' }],
    [0x00ac, { keyExchange: 'RSA_PSK', authentication: 'RSA' }],
    [0xd001, { keyExchange: 'ECDHE_PSK', cipher: 'AES-128-GCM' }],
    [0xc01d, { keyExchange: 'SRP', authentication: 'SRP' }],
    [0xc01e, { keyExchange: 'SRP', authentication: 'RSA' }],
    [0x0020, { keyExchange: 'KRB5', cipher: 'RC4-128' }],
    [0x0026, { keyExchange: 'KRB5', export: true, cipher: 'DES-CBC-40' }],
    [0xc0b0, { keyExchange: 'ECCPWD', cipher: 'AES-128-GCM' }],
    [0xc0b4, { tls13: true, cipher: 'NULL', mac: 'SHA256', macLength: 32, prfHash: 'SHA256' }],
    [0xc100, { keyExchange: 'GOST', mac: 'OMAC', prfHash: 'STREEBOG256' }],
    [0xc103, { tls13: true, cipher: 'KUZNYECHIK-MGM-L' }],
    [0x00c6, { tls13: true, cipher: 'SM4-GCM', prfHash: 'SM3' }],
    [0x00ff, { keyExchange: 'SCSV', prfHash: null }],
    [0x5600, { keyExchange: 'SCSV' }],
  ];
  for (const [code, facts] of cases) {
    it(`${cipherSuiteName(code)}`, () => expect(cipherSuiteInfo(code)).toMatchObject(facts));
  }

  it('every registered suite has derivable facts; 352 IANA suites', () => {
    const codes = cipherSuiteCodes();
    expect(codes.length).toBe(352);
    for (const c of codes) expect(cipherSuiteInfo(c), cipherSuiteName(c)).toBeDefined();
  });

  it('a name outside the grammar yields no facts', () => {
    expect(deriveCipherSuiteInfo(0x1234, 'TLS_FOO_WITH_BAR_SHA')).toBeNull();
  });

  it('GREASE and unknown codes', () => {
    const grease = [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa];
    for (const g of grease) {
      expect(isGrease(g)).toBe(true);
      expect(cipherSuiteName(g)).toBe(`GREASE (0x${g.toString(16).padStart(4, '0')})`);
      expect(cipherSuiteInfo(g)).toBeUndefined();
    }
    let count = 0;
    for (let v = 0; v < 0x10000; v++) if (isGrease(v)) count++;
    expect(count).toBe(16);
    expect(isGrease(0x0a1a)).toBe(false);
    expect(cipherSuiteName(0x1234)).toBe('0x1234');
    expect(cipherSuiteName(0xcc14)).toBe('0xcc14'); // pre-RFC 7905 ChaCha code point: not registered
    expect([0x0b, 0x2a, 0x49, 0x68, 0x87, 0xa6, 0xc5, 0xe4].every(isGreaseByte)).toBe(true);
    expect(isGreaseByte(0x01)).toBe(false);
  });
});

describe('other registries', () => {
  it('alerts: every IANA code with RFC name, meaning and reference', () => {
    const expected: Record<number, string> = {
      0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 21: 'decryption_failed', 22: 'record_overflow',
      30: 'decompression_failure', 40: 'handshake_failure', 41: 'no_certificate', 42: 'bad_certificate',
      43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired', 46: 'certificate_unknown',
      47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error', 51: 'decrypt_error',
      52: 'too_many_cids_requested', 60: 'export_restriction', 70: 'protocol_version', 71: 'insufficient_security',
      80: 'internal_error', 86: 'inappropriate_fallback', 90: 'user_canceled', 100: 'no_renegotiation',
      109: 'missing_extension', 110: 'unsupported_extension', 111: 'certificate_unobtainable', 112: 'unrecognized_name',
      113: 'bad_certificate_status_response', 114: 'bad_certificate_hash_value', 115: 'unknown_psk_identity',
      116: 'certificate_required', 120: 'no_application_protocol', 121: 'ech_required',
    };
    expect(Object.fromEntries(ALERTS.map((a) => [a.code, a.name]))).toEqual(expected);
    for (const a of ALERTS) {
      expect(a.meaning.length, a.name).toBeGreaterThan(20);
      expect(a.reference, a.name).toMatch(/^(RFC \d+ §[\d.]+|draft-[a-z-]+ §[\d.]+)$/);
    }
    expect(alertInfo(48)?.reference).toBe('RFC 8446 §6.2');
    expect(alertInfo(116)?.reserved).toBe(false);
    expect(alertInfo(41)?.reserved).toBe(true);
    expect(alertName(117)).toBe('unknown_117');
  });

  it('handshake types: the report schema names', () => {
    const schema: Record<string, number> = {
      ClientHello: 1, ServerHello: 2, HelloRetryRequest: 6, NewSessionTicket: 4, EndOfEarlyData: 5,
      EncryptedExtensions: 8, Certificate: 11, ServerKeyExchange: 12, CertificateRequest: 13, ServerHelloDone: 14,
      CertificateVerify: 15, ClientKeyExchange: 16, Finished: 20, CertificateStatus: 22, KeyUpdate: 24,
      CompressedCertificate: 25, HelloRequest: 0, MessageHash: 254, CertificateURL: 21, SupplementalData: 23,
    };
    for (const [name, code] of Object.entries(schema)) expect(handshakeTypeName(code)).toBe(name);
    expect(handshakeTypeName(99)).toBe('Unknown(0x63)');
  });

  it('versions', () => {
    expect(versionName(0x0300)).toBe('SSL 3.0');
    expect(versionName(0x0301)).toBe('TLS 1.0');
    expect(versionName(0x0302)).toBe('TLS 1.1');
    expect(versionName(0x0303)).toBe('TLS 1.2');
    expect(versionName(0x0304)).toBe('TLS 1.3');
    expect(versionName(0x0002)).toBe('SSL 2.0');
    expect(versionName(0xfefd)).toBe('DTLS 1.2');
    expect(versionName(0xfefc)).toBe('DTLS 1.3');
    expect(versionName(0x7f17)).toBe('TLS 1.3 (draft 23)');
    expect(versionName(0x7a7a)).toBe('GREASE (0x7a7a)');
    expect(versionName(0x0305)).toBe('0x0305');
    expect(isTls13Version(0x7f1c)).toBe(true);
    expect(isTls13Version(0x0303)).toBe(false);
  });

  it('named groups incl. post-quantum hybrids; signature schemes incl. TLS 1.2 pairs', () => {
    expect(namedGroupName(0x11ec)).toBe('X25519MLKEM768');
    expect(namedGroupName(0x11eb)).toBe('SecP256r1MLKEM768');
    expect(namedGroupName(0x11ed)).toBe('SecP384r1MLKEM1024');
    expect(namedGroupName(0x6399)).toBe('X25519Kyber768Draft00');
    expect(namedGroupName(0x0201)).toBe('MLKEM768');
    expect(namedGroupName(0x001d)).toBe('x25519');
    expect(namedGroupName(0x0100)).toBe('ffdhe2048');
    expect(namedGroupName(0x2a2a)).toBe('GREASE (0x2a2a)');
    expect(signatureSchemeName(0x0403)).toBe('ecdsa_secp256r1_sha256');
    expect(signatureSchemeName(0x0804)).toBe('rsa_pss_rsae_sha256');
    expect(signatureSchemeName(0x0202)).toBe('dsa_sha1');
    expect(signatureSchemeName(0x0303)).toBe('ecdsa_sha224');
    expect(signatureSchemeName(0x0905)).toBe('mldsa65');
    expect(signatureSchemeName(0x0a0b)).toBe('0x0a0b');
  });
});
