/**
 * Hand-built messages (byte layouts written from the RFC structs) for cases the captures lack:
 * GREASE, ECH, PSK, post-quantum key shares, TLS 1.3 CertificateRequest with several CAs, OCSP in
 * CertificateEntry, PSK/SRP/export key exchanges, and the exact malformed-input warnings.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateStatus,
  decodeCertificateVerify,
  decodeClientHello,
  decodeClientKeyExchange,
  decodeCompressedCertificate,
  decodeHandshake,
  decodeKeyUpdate,
  decodeNewSessionTicket,
  decodeServerHello,
  decodeServerKeyExchange,
  decodeSslv2ClientHello,
  decodeSslv2Handshake,
  HELLO_RETRY_REQUEST_RANDOM,
} from '../../src/tls/messages/index.js';
import { ascii, cat, ext, fill, u16, u24, u32, u8, vec16, vec24, vec8 } from './builder.js';

const random = fill(32, 0x11);
const dn1 = cat([0x30, 0x05], fill(5, 0x31));
const dn2 = cat([0x30, 0x03], fill(3, 0x32));
const ctx12 = { tls13: false, fromServer: true };

function clientHello(extensions: Uint8Array, suites = [0x1301, 0x2a2a, 0xc02f]): Uint8Array {
  return cat(u16(0x0303), random, vec8(fill(32, 0x22)), vec16(...suites.map(u16)), vec8([0]), vec16(extensions));
}

describe('ClientHello', () => {
  it('decodes every TLS 1.3 extension kind, GREASE and unknown types', () => {
    const exts = cat(
      ext(0x0a0a),
      ext(0, vec16(u8(0), vec16(ascii('example.com')))),
      ext(16, vec16(vec8(ascii('h2')), vec8(ascii('http/1.1')))),
      ext(43, vec8(u16(0x3a3a), u16(0x0304), u16(0x0303))),
      ext(10, vec16(u16(0x11ec), u16(0x001d), u16(0x0017))),
      ext(51, vec16(u16(0x11ec), vec16(fill(1216)), u16(0x001d), vec16(fill(32)))),
      ext(13, vec16(u16(0x0403), u16(0x0804))),
      ext(50, vec16(u16(0x0807))),
      ext(47, vec16(vec16(dn1), vec16(dn2))),
      ext(5, u8(1), vec16(), vec16()),
      ext(45, vec8([1, 0x0b])),
      ext(42),
      ext(49),
      ext(11, vec8([0])),
      ext(35, fill(100)),
      ext(23),
      ext(65281, vec8()),
      ext(22),
      ext(28, u16(16385)),
      ext(27, vec8(u16(2), u16(1))),
      ext(21, fill(50, 0)),
      ext(44, vec16(fill(40))),
      ext(65037, u8(0), u16(1), u16(1), u8(7), vec16(fill(32)), vec16(fill(200))),
      ext(0x1234, fill(3)),
      ext(41, vec16(vec16(fill(100)), u32(123456), vec16(fill(10)), u32(7)), vec16(vec8(fill(32)), vec8(fill(48)))),
    );
    const r = decodeHandshake(1, clientHello(exts), { tls13: false, fromServer: false });
    expect(r.warnings).toEqual([]);
    const d = r.details as Record<string, any>;
    expect(d.cipherSuites).toEqual(['TLS_AES_128_GCM_SHA256', 'GREASE (0x2a2a)', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
    expect(d.serverName).toBe('example.com');
    expect(d.alpn).toEqual(['h2', 'http/1.1']);
    expect(d.supportedVersions).toEqual(['GREASE (0x3a3a)', 'TLS 1.3', 'TLS 1.2']);
    const by = (name: string) => d.extensions.find((e: any) => e.name === name);
    expect(d.extensions[0]).toEqual({ type: 0x0a0a, name: 'GREASE (0x0a0a)', length: 0, grease: true });
    expect(by('supported_groups').groups).toEqual(['X25519MLKEM768', 'x25519', 'secp256r1']);
    expect(by('key_share').keyShares).toEqual([{ group: 'X25519MLKEM768', keyLength: 1216 }, { group: 'x25519', keyLength: 32 }]);
    expect(by('signature_algorithms').signatureAlgorithms).toEqual(['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256']);
    expect(by('signature_algorithms_cert').signatureAlgorithms).toEqual(['ed25519']);
    expect(by('certificate_authorities').certificateAuthorities).toBe(2);
    expect(by('status_request')).toMatchObject({ statusType: 'ocsp', responderIdCount: 0, requestExtensionsLength: 0 });
    expect(by('psk_key_exchange_modes').modes).toEqual(['psk_dhe_ke', 'GREASE (0xb)']);
    expect(by('early_data')).toEqual({ type: 42, name: 'early_data', length: 0 });
    expect(by('post_handshake_auth')).toEqual({ type: 49, name: 'post_handshake_auth', length: 0 });
    expect(by('session_ticket').ticketLength).toBe(100);
    expect(by('record_size_limit').recordSizeLimit).toBe(16385);
    expect(by('compress_certificate').algorithms).toEqual(['brotli', 'zlib']);
    expect(by('padding').paddingLength).toBe(50);
    expect(by('cookie').cookieLength).toBe(40);
    expect(by('encrypted_client_hello')).toMatchObject({ echType: 'outer', kdfId: 1, aeadId: 1, configId: 7, encLength: 32, payloadLength: 200 });
    expect(by('0x1234')).toEqual({ type: 0x1234, name: '0x1234', length: 3 });
    expect(by('pre_shared_key')).toMatchObject({
      identities: [{ identityLength: 100, obfuscatedTicketAge: 123456 }, { identityLength: 10, obfuscatedTicketAge: 7 }],
      binderLengths: [32, 48],
    });
    expect(JSON.stringify(d)).not.toContain('abab'); // no key bytes in details
  });

  it('precise warning on a cipher_suites length beyond the body', () => {
    const body = cat(u16(0x0303), random, vec8(), u16(300), fill(40));
    const ch = decodeClientHello(body);
    expect(ch.warnings).toEqual(['cipher_suites length 300 exceeds remaining 40 bytes']);
    expect(ch.legacyVersion).toBe(0x0303);
    expect(ch.random.length).toBe(32);
  });

  it('an extensions block longer than the body keeps the complete extensions', () => {
    const full = clientHello(cat(ext(23), ext(22), ext(0, vec16(u8(0), vec16(ascii('a.example'))))));
    const cut = full.subarray(0, full.length - 3);
    const ch = decodeClientHello(cut);
    expect(ch.extensions.map((e) => e.type)).toEqual([23, 22]);
    expect(ch.warnings[0]).toBe('extensions length 26 exceeds remaining 23 bytes');
    expect(ch.warnings[1]).toBe('extension server_name length 14 exceeds remaining 11 bytes');
  });

  it('a malformed extension body warns with the extension name and does not stop the next one', () => {
    const ch = decodeClientHello(clientHello(cat(ext(10, u16(8), u16(0x17)), ext(23))));
    expect(ch.warnings).toEqual(['supported_groups: named_group_list length 8 exceeds remaining 2 bytes']);
    expect(ch.extensions.map((e) => e.type)).toEqual([10, 23]);
  });

  it('a pre-TLS 1.2 hello without extensions block is fine', () => {
    const ch = decodeClientHello(cat(u16(0x0301), random, vec8(), vec16(u16(0x002f)), vec8([0])));
    expect(ch.warnings).toEqual([]);
    expect(ch.extensions).toEqual([]);
  });
});

describe('ServerHello', () => {
  const sh = (rnd: Uint8Array, exts: Uint8Array) => cat(u16(0x0303), rnd, vec8(), u16(0x1301), u8(0), vec16(exts));

  it('HelloRetryRequest: selected group, cookie', () => {
    const r = decodeHandshake(2, sh(HELLO_RETRY_REQUEST_RANDOM, cat(ext(43, u16(0x0304)), ext(51, u16(0x11ec)), ext(44, vec16(fill(64))))), ctx12);
    expect(r.name).toBe('HelloRetryRequest');
    expect(r.details).toMatchObject({ version: 'TLS 1.3', keyShareGroup: 'X25519MLKEM768', helloRetryRequest: true });
    expect((r.details.extensions as any[])[2]).toMatchObject({ name: 'cookie', cookieLength: 64 });
  });

  it('TLS 1.3 ServerHello with key share and PSK; TLS 1.2 downgrade sentinel', () => {
    const m = decodeServerHello(sh(random, cat(ext(43, u16(0x0304)), ext(51, u16(0x001d), vec16(fill(32))), ext(41, u16(1)))));
    expect(m).toMatchObject({ version: 0x0304, selectedGroup: 0x1d, keyShareLength: 32, selectedIdentity: 1, helloRetryRequest: false });
    const down = cat(fill(24), ascii('DOWNGRD'), [1]);
    expect(decodeServerHello(sh(down, new Uint8Array())).downgradeSentinel).toBe('tls12');
    expect(decodeServerHello(sh(cat(fill(24), ascii('DOWNGRD'), [0]), new Uint8Array())).downgradeSentinel).toBe('tls11_or_below');
  });
});

describe('Certificate family', () => {
  const cert = cat([0x30, 0x82, 0x00, 0x04], fill(4));
  it('TLS 1.3 Certificate: context, entries with OCSP status_request and SCT', () => {
    const body = cat(vec8([1, 2, 3]), vec24(vec24(cert), vec16(ext(5, u8(1), vec24(fill(300))), ext(18, fill(10))), vec24(cert), vec16()));
    const r = decodeHandshake(11, body, { tls13: true, fromServer: false });
    expect(r.warnings).toEqual([]);
    expect(r.certificates?.map((c) => c.length)).toEqual([8, 8]);
    expect(r.details).toMatchObject({ certificateCount: 2, requestContext: '010203' });
    expect((r.details.entryExtensions as any[])[0]).toEqual([
      { type: 5, name: 'status_request', length: 304, statusType: 'ocsp', ocspResponseLength: 300 },
      { type: 18, name: 'signed_certificate_timestamp', length: 10 },
    ]);
  });

  it('TLS 1.2 Certificate truncated inside the second certificate keeps the first', () => {
    const body = cat(vec24(vec24(cert), vec24(cert)));
    const m = decodeCertificate(body.subarray(0, body.length - 2), false);
    expect(m.entries.map((e) => e.der.length)).toEqual([8]);
    expect(m.warnings).toEqual(['certificate_list length 22 exceeds remaining 20 bytes', 'certificate 2 length 8 exceeds remaining 6 bytes']);
  });

  it('TLS 1.3 CertificateRequest: certificate_authorities and signature algorithms', () => {
    const body = cat(vec8(), vec16(ext(13, vec16(u16(0x0403), u16(0x0804))), ext(50, vec16(u16(0x0401))), ext(47, vec16(vec16(dn1), vec16(dn2)))));
    const r = decodeHandshake(13, body, { tls13: true, fromServer: true });
    expect(r.warnings).toEqual([]);
    expect(r.certificateAuthorities?.map((c) => Array.from(c))).toEqual([Array.from(dn1), Array.from(dn2)]);
    expect(r.details).toMatchObject({ certificateAuthorityCount: 2, signatureAlgorithms: ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256'], signatureAlgorithmsCert: ['rsa_pkcs1_sha256'], requestContext: '' });
  });

  it('TLS 1.0/1.1 CertificateRequest (no signature algorithms) by lengths and by version', () => {
    const body = cat(vec8([1, 64]), vec16(vec16(dn1), vec16(dn2)));
    for (const m of [decodeCertificateRequest(body, false), decodeCertificateRequest(body, false, 0x0302)]) {
      expect(m.warnings).toEqual([]);
      expect(m.signatureAlgorithms).toBeUndefined();
      expect(m.certificateAuthorities.length).toBe(2);
    }
    expect(decodeCertificateRequest(cat(vec8([1]), vec16(u16(0x0401)), vec16(vec16(dn1))), false).signatureAlgorithms).toEqual([0x0401]);
  });

  it('CertificateStatus (ocsp, ocsp_multi) and CompressedCertificate', () => {
    expect(decodeCertificateStatus(cat(u8(1), vec24(fill(1000))))).toMatchObject({ statusType: 1, ocspResponseLength: 1000, warnings: [] });
    expect(decodeCertificateStatus(cat(u8(2), vec24(vec24(fill(10)), vec24(fill(20)))))).toMatchObject({ responseCount: 2, ocspResponseLength: 30 });
    const cc = decodeHandshake(25, cat(u16(2), u24(5000), vec24(fill(1200))), ctx12);
    expect(cc.details).toEqual({ algorithm: 'brotli', uncompressedLength: 5000, compressedLength: 1200 });
    expect(decodeCompressedCertificate(cat(u16(1), u24(10))).warnings).toEqual(['compressed_certificate_message length needs 3 bytes, 0 remaining']);
  });
});

describe('key exchange', () => {
  it('ECDHE / DHE / PSK / DHE_PSK / ECDHE_PSK / RSA export / SRP ServerKeyExchange', () => {
    const sig = cat(u16(0x0401), vec16(fill(256)));
    const ec = decodeServerKeyExchange(cat(u8(3), u16(0x001d), vec8(fill(32)), sig), { ...ctx12, cipherSuite: 0xc02f });
    expect(ec).toMatchObject({ keyExchange: 'ECDHE', namedGroup: 0x1d, publicKeyLength: 32, signatureScheme: 0x0401, signatureLength: 256, warnings: [] });
    const p = cat([0x00, 0x80], fill(255, 0xff)); // 2048-bit modulus behind a leading zero byte
    const dhe = decodeServerKeyExchange(cat(vec16(p), vec16([2]), vec16(fill(256)), sig), { ...ctx12, cipherSuite: 0x009e });
    expect(dhe).toMatchObject({ dhPBits: 2048, dhGLength: 1, dhPublicLength: 256, signatureLength: 256, warnings: [] });
    expect(decodeServerKeyExchange(vec16(ascii('hint')), { ...ctx12, cipherSuite: 0x00a8 })).toMatchObject({ keyExchange: 'PSK', pskIdentityHintLength: 4, warnings: [] });
    expect(decodeServerKeyExchange(cat(vec16(), vec16(fill(128)), vec16([5]), vec16(fill(128))), { ...ctx12, cipherSuite: 0x00aa })).toMatchObject({ keyExchange: 'DHE_PSK', dhPBits: 1024, warnings: [] });
    expect(decodeServerKeyExchange(cat(vec16(), u8(3), u16(0x17), vec8(fill(65))), { ...ctx12, cipherSuite: 0xd001 })).toMatchObject({ keyExchange: 'ECDHE_PSK', namedGroup: 0x17, publicKeyLength: 65, warnings: [] });
    expect(decodeServerKeyExchange(cat(u8(3), u16(0x17), vec8(fill(65))), { ...ctx12, cipherSuite: 0xc018 })).toMatchObject({ keyExchange: 'ECDH_anon', warnings: [] });
    expect(decodeServerKeyExchange(cat(vec16(fill(64)), vec16([1, 0, 1]), vec16(fill(64))), { ...ctx12, cipherSuite: 0x0003, version: 0x0301 })).toMatchObject({ keyExchange: 'RSA', rsaModulusBits: 512, rsaExponentLength: 3, signatureLength: 64, warnings: [] });
    expect(decodeServerKeyExchange(cat(vec16(fill(128)), vec16([2]), vec8(fill(16)), vec16(fill(128))), { ...ctx12, cipherSuite: 0xc01d })).toMatchObject({ keyExchange: 'SRP', srpNBits: 1024, srpSaltLength: 16, warnings: [] });
  });

  it('guesses the layout without a cipher suite and says so', () => {
    const guessed = decodeServerKeyExchange(cat(u8(3), u16(0x0017), vec8(fill(65)), u16(0x0403), vec16(fill(70))), ctx12);
    expect(guessed).toMatchObject({ keyExchange: 'ECDHE', guessed: true, namedGroup: 0x17 });
    expect(decodeServerKeyExchange(cat(u8(3)), { ...ctx12, cipherSuite: 0xc02f }).warnings).toEqual(['namedcurve needs 2 bytes, 0 remaining']);
    expect(decodeServerKeyExchange(cat(u8(1), fill(10)), { ...ctx12, cipherSuite: 0xc02f }).warnings[0]).toEqual({ code: 'tls-message-not-decoded', message: 'curve_type 1 (explicit curve parameters) not decoded' });
  });

  it('ClientKeyExchange: RSA (TLS and SSL 3.0), ECDHE, PSK variants', () => {
    expect(decodeClientKeyExchange(vec16(fill(256)), { ...ctx12, cipherSuite: 0x002f })).toMatchObject({ encryptedPreMasterSecretLength: 256, warnings: [] });
    expect(decodeClientKeyExchange(fill(128), { ...ctx12, cipherSuite: 0x002f, version: 0x0300 })).toMatchObject({ encryptedPreMasterSecretLength: 128, warnings: [] });
    expect(decodeClientKeyExchange(vec8(fill(32)), { ...ctx12, cipherSuite: 0xc02f })).toMatchObject({ publicKeyLength: 32, warnings: [] });
    expect(decodeClientKeyExchange(vec16(ascii('client1')), { ...ctx12, cipherSuite: 0x00a8 })).toMatchObject({ pskIdentityLength: 7, warnings: [] });
    expect(decodeClientKeyExchange(cat(vec16(ascii('id')), vec8(fill(32))), { ...ctx12, cipherSuite: 0xd001 })).toMatchObject({ pskIdentityLength: 2, publicKeyLength: 32, warnings: [] });
    expect(decodeClientKeyExchange(vec8(fill(65, 4)), ctx12)).toMatchObject({ keyExchange: 'ECDHE', guessed: true, publicKeyLength: 65 });
  });
});

describe('other messages', () => {
  it('CertificateVerify with and without a scheme', () => {
    expect(decodeCertificateVerify(cat(u16(0x0804), vec16(fill(256))), true)).toEqual({ signatureScheme: 0x0804, signatureLength: 256, warnings: [] });
    expect(decodeCertificateVerify(vec16(fill(128)), false, 0x0301)).toEqual({ signatureLength: 128, warnings: [] });
    expect(decodeCertificateVerify(vec16(fill(128)), false)).toEqual({ signatureLength: 128, warnings: [] });
  });

  it('NewSessionTicket TLS 1.3 with early_data, TLS 1.2, too long lifetime', () => {
    const t = decodeNewSessionTicket(cat(u32(7200), u32(0xdeadbeef), vec8(fill(8)), vec16(fill(150)), vec16(ext(42, u32(16384)))), true);
    expect(t).toMatchObject({ lifetime: 7200, ageAdd: 0xdeadbeef, nonceLength: 8, ticketLength: 150, maxEarlyDataSize: 16384, warnings: [] });
    expect(decodeNewSessionTicket(cat(u32(300), vec16(fill(160))), false)).toMatchObject({ lifetime: 300, ticketLength: 160, warnings: [] });
    expect(decodeNewSessionTicket(cat(u32(700000), u32(0), vec8(), vec16(fill(1)), vec16()), true).warnings).toEqual([{ code: 'tls-message-field-invalid', message: 'ticket_lifetime 700000 exceeds 7 days (604800 s)' }]);
  });

  it('KeyUpdate, empty messages, unknown types, MessageHash', () => {
    expect(decodeKeyUpdate(new Uint8Array([1]))).toEqual({ requestUpdate: 1, warnings: [] });
    expect(decodeKeyUpdate(new Uint8Array([2])).warnings).toEqual([{ code: 'tls-message-field-invalid', message: 'request_update 2 is neither 0 nor 1' }]);
    expect(decodeKeyUpdate(new Uint8Array([0, 0])).warnings).toEqual(['1 trailing bytes after KeyUpdate']);
    expect(decodeHandshake(0, new Uint8Array(), ctx12)).toMatchObject({ name: 'HelloRequest', details: {}, warnings: [] });
    expect(decodeHandshake(14, new Uint8Array([1]), ctx12).warnings).toEqual([{ code: 'tls-message-field-invalid', message: 'ServerHelloDone should be empty but has 1 bytes' }]);
    expect(decodeHandshake(99, new Uint8Array(5), ctx12)).toMatchObject({ name: 'Unknown(0x63)', details: { length: 5 } });
    expect(decodeHandshake(254, fill(32), ctx12)).toMatchObject({ name: 'MessageHash', details: { length: 32 } });
    expect(decodeHandshake(3, cat(u16(0xfeff), vec8(fill(20))), ctx12).details).toEqual({ serverVersion: 'DTLS 1.0', cookieLength: 20 });
  });

  it('SSLv2 CLIENT-HELLO with TLS suites and a 32-byte challenge; truncated challenge', () => {
    const body = cat(u8(1), u16(0x0301), u16(9), u16(0), u16(32), [0x00, 0x00, 0x2f, 0x01, 0x00, 0x80, 0x00, 0xc0, 0x2f], fill(32));
    const r = decodeSslv2Handshake(body);
    expect(r.warnings).toEqual([]);
    expect(r.details).toMatchObject({ version: 'TLS 1.0', cipherSpecs: ['TLS_RSA_WITH_AES_128_CBC_SHA', 'SSL_CK_RC4_128_WITH_MD5', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], sessionIdLength: 0 });
    expect(decodeSslv2ClientHello(body.subarray(0, body.length - 4)).warnings).toEqual(['challenge length 32 exceeds remaining 28 bytes']);
  });
});
