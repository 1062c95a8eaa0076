/**
 * Real handshake messages from the Zeek corpus and an OpenSSL TLS 1.3 mTLS capture, decoded and
 * compared field by field with what `tshark -V` printed for the same message (golden text).
 */
import { describe, expect, it } from 'vitest';
import { decodeHandshake, decodeSslv2Handshake, type HandshakeDecodeResult } from '../../src/tls/messages/index.js';
import type * as T from '../../src/tls/messages/types.js';
import { isRegisteredSignatureScheme } from '../../src/tls/registry/signature-schemes.js';
import { cipherSuiteInfo } from '../../src/tls/registry/cipher-suites.js';
import { bodyOf, extensionBlock, fixtureNames, loadFixture, loadTshark, numbers, pascal, values, type TsharkBlock } from './golden.js';

interface Decoded {
  base: string;
  frame: number;
  result: HandshakeDecodeResult;
  block: TsharkBlock;
}

/** Decode every committed message with the connection state a TLS stage would track. */
function decodeAll(): Decoded[] {
  const out: Decoded[] = [];
  for (const base of fixtureNames()) {
    const fx = loadFixture(base);
    const golden = loadTshark(base);
    const used = new Map<number, number>();
    const state = new Map<number, { suite?: number; tls13: boolean; version?: number }>();
    for (const m of fx.messages) {
      const blocks = (golden.get(m.frame) ?? []).filter((b) => b.title !== 'Encrypted Handshake Message');
      const i = used.get(m.frame) ?? 0;
      used.set(m.frame, i + 1);
      if (m.hex === undefined) continue;
      const st = state.get(m.stream) ?? { tls13: false };
      state.set(m.stream, st);
      const result = m.sslv2
        ? decodeSslv2Handshake(bodyOf(m))
        : decodeHandshake(m.type, bodyOf(m), { tls13: st.tls13, cipherSuite: st.suite, fromServer: m.dir === 's2c', version: st.version });
      if (result.name === 'ServerHello') {
        const sh = result.typed as T.ServerHello;
        st.suite = sh.cipherSuite;
        st.tls13 = sh.version === 0x0304;
        st.version = sh.version;
      }
      expect(blocks[i], `${base} frame ${m.frame}: tshark shows no handshake message #${i + 1}`).toBeDefined();
      out.push({ base, frame: m.frame, result, block: blocks[i] });
    }
  }
  return out;
}

const all = decodeAll();
const of = (name: string): Decoded[] => all.filter((d) => d.result.name === name);
const at = (base: string, frame: number, name: string): Decoded => {
  const d = all.find((x) => x.base === base && x.frame === frame && x.result.name === name);
  expect(d, `${base} frame ${frame} ${name}`).toBeDefined();
  return d!;
};
const hexLength = (hex: string): number => hex.length / 2;

describe('every committed message', () => {
  it('covers the expected message kinds', () => {
    const names = new Set(all.map((d) => d.result.name));
    for (const n of ['ClientHello', 'ServerHello', 'HelloRetryRequest', 'Certificate', 'ServerKeyExchange', 'CertificateRequest',
      'ServerHelloDone', 'ClientKeyExchange', 'CertificateVerify', 'NewSessionTicket', 'EncryptedExtensions', 'Finished',
      'KeyUpdate', 'EndOfEarlyData']) {
      expect(names, n).toContain(n);
    }
    expect(all.length).toBeGreaterThan(120);
  });

  it('decodes without warnings and with the name and length tshark shows', () => {
    for (const d of all) {
      const where = `${d.base} frame ${d.frame} ${d.result.name}`;
      expect(d.result.warnings, where).toEqual([]);
      expect(d.result.name, where).toBe(pascal(d.block.title));
    }
  });
});

describe('ClientHello', () => {
  it('cipher suites, extensions, SNI, ALPN, versions, groups, signature algorithms, key shares match tshark', () => {
    const hellos = of('ClientHello').filter((d) => !(d.result.typed as T.Sslv2ClientHello).cipherSpecs);
    expect(hellos.length).toBeGreaterThan(20);
    for (const d of hellos) {
      const where = `${d.base} frame ${d.frame}`;
      const ch = d.result.typed as T.ClientHello;
      expect(ch.cipherSuites, where).toEqual(numbers(d.block, /^\s+Cipher Suite: .* \((0x[0-9a-f]{4})\)$/));
      const tsNames = values(d.block, /^\s+Cipher Suite: (\S+) \(0x[0-9a-f]{4}\)$/);
      const ours = d.result.details.cipherSuites as string[];
      ch.cipherSuites.forEach((code, i) => {
        if (cipherSuiteInfo(code) || code === 0x00ff || code === 0x5600) expect(ours[i], where).toBe(tsNames[i]);
      });
      expect(ch.extensions.map((e) => e.type), where).toEqual(numbers(d.block, /^ {16}Type: \S+ \((\d+)\)$/));
      expect(ch.sessionId.length, where).toBe(numbers(d.block, /^ {12}Session ID Length: (\d+)$/)[0]);
      expect(ch.serverName, where).toBe(values(d.block, /^\s+Server Name: (.+)$/)[0]);
      const alpn = values(d.block, /^\s+ALPN Next Protocol: (.+)$/);
      expect(ch.alpnProtocols ?? [], where).toEqual(alpn);
      expect(ch.supportedVersions ?? [], where).toEqual(numbers(d.block, /^\s+Supported Version: .* \((0x[0-9a-f]{4})\)$/));
      const groups = ch.extensions.find((e) => e.type === 10)?.groups ?? [];
      expect(groups, where).toEqual(numbers(d.block, /^\s+Supported Group: .* \((0x[0-9a-f]{1,4})\)$/));
      const sigs = ch.extensions.find((e) => e.type === 13)?.signatureSchemes ?? [];
      const sigBlock = extensionBlock(d.block, 'signature_algorithms');
      expect(sigs, where).toEqual(numbers(sigBlock, /^\s+Signature Algorithm: .* \((0x[0-9a-f]{4})\)$/));
      const tsSigName = new Map(values(sigBlock, /^\s+Signature Algorithm: (.+)$/).map((v) => {
        const m = /^(.*) \((0x[0-9a-f]{4})\)$/.exec(v)!;
        return [parseInt(m[2], 16), m[1]] as [number, string];
      }));
      const ourSigNames = (d.result.details.extensions as Array<Record<string, unknown>>).find((e) => e.type === 13)?.signatureAlgorithms as string[] | undefined;
      sigs.forEach((s, i) => {
        if (isRegisteredSignatureScheme(s)) expect(ourSigNames?.[i], where).toBe(tsSigName.get(s));
      });
      const shares = ch.extensions.find((e) => e.type === 51)?.keyShares ?? [];
      expect(shares.map((k) => k.group), where).toEqual(numbers(d.block, /^ {24}Group: \S+ \((\d+)\)$/));
      expect(shares.map((k) => k.keyLength), where).toEqual(numbers(d.block, /^ {24}Key Exchange Length: (\d+)$/));
    }
  });

  it('tls13_psk_succesfull: pre_shared_key identities and binders match tshark', () => {
    const d = at('tls13_psk_succesfull', 4, 'ClientHello');
    const psk = (d.result.typed as T.ClientHello).extensions.find((e) => e.type === 41)!;
    expect(psk.pskIdentities?.map((p) => p.identityLength)).toEqual(numbers(d.block, /^\s+Identity Length: (\d+)$/));
    expect(psk.pskIdentities?.map((p) => p.obfuscatedTicketAge)).toEqual(numbers(d.block, /^\s+Obfuscated Ticket Age: (\d+)$/));
    expect(psk.binderLengths?.length).toBeGreaterThan(0);
    const pskDetails = (d.result.details.extensions as Array<Record<string, unknown>>).find((e) => e.name === 'pre_shared_key');
    expect(pskDetails?.binderLengths).toEqual(psk.binderLengths);
  });

  it('ssl-v2: SSLv2 CLIENT-HELLO cipher specs and challenge match tshark', () => {
    const d = at('ssl-v2', 4, 'ClientHello');
    const v2 = d.result.typed as T.Sslv2ClientHello;
    expect(v2.version).toBe(0x0002);
    expect(v2.cipherSpecs).toEqual(numbers(d.block, /^\s+Cipher Spec: .* \((0x[0-9a-f]{6})\)$/));
    expect(v2.challenge.length).toBe(numbers(d.block, /^\s+Challenge Length: (\d+)$/)[0]);
    expect(v2.sessionIdLength).toBe(numbers(d.block, /^\s+Session ID Length: (\d+)$/)[0]);
    expect(d.result.details.cipherSpecs).toContain('SSL_CK_DES_192_EDE3_CBC_WITH_MD5');
  });
});

describe('ServerHello / HelloRetryRequest', () => {
  it('cipher suite, extensions, selected version and key share match tshark', () => {
    for (const d of [...of('ServerHello'), ...of('HelloRetryRequest')]) {
      const where = `${d.base} frame ${d.frame}`;
      const sh = d.result.typed as T.ServerHello;
      expect(sh.cipherSuite, where).toBe(numbers(d.block, /^\s+Cipher Suite: .* \((0x[0-9a-f]{4})\)$/)[0]);
      expect(d.result.details.cipherSuite, where).toBe(values(d.block, /^\s+Cipher Suite: (\S+) \(0x/)[0]);
      expect(sh.extensions.map((e) => e.type), where).toEqual(numbers(d.block, /^ {16}Type: \S+ \((\d+)\)$/));
      const selected = numbers(d.block, /^\s+Supported Version: .* \((0x[0-9a-f]{4})\)$/);
      expect(sh.version, where).toBe(selected[0] ?? numbers(d.block, /^ {12}Version: .* \((0x[0-9a-f]{4})\)$/)[0]);
      const group = numbers(d.block, /^\s+(?:Group|Selected Group): \S+ \((\d+)\)$/);
      if (group.length > 0) expect(sh.selectedGroup, where).toBe(group[0]);
      expect(sh.helloRetryRequest, where).toBe(d.result.name === 'HelloRetryRequest');
    }
  });

  it('hrr.pcap: detects the HelloRetryRequest by its random and reports the selected group', () => {
    const d = at('hrr', 6, 'HelloRetryRequest');
    expect(values(d.block, /^\s+Random: \S+ \((HelloRetryRequest magic)\)$/)).toEqual(['HelloRetryRequest magic']);
    expect(d.result.details.helloRetryRequest).toBe(true);
    expect(d.result.details.keyShareGroup).toBe('secp256r1');
    expect(d.result.details.version).toBe('TLS 1.3');
    const second = at('hrr', 11, 'ServerHello');
    expect((second.result.typed as T.ServerHello).helloRetryRequest).toBe(false);
  });

  it('tls13_psk_succesfull: selected PSK identity', () => {
    const d = at('tls13_psk_succesfull', 6, 'ServerHello');
    expect((d.result.typed as T.ServerHello).selectedIdentity).toBe(numbers(d.block, /^\s+Selected Identity: (\d+)$/)[0]);
  });
});

describe('Certificate', () => {
  it('certificate count and lengths match tshark (TLS 1.2 and TLS 1.3 layouts)', () => {
    const certs = of('Certificate');
    expect(certs.length).toBeGreaterThan(15);
    for (const d of certs) {
      const where = `${d.base} frame ${d.frame}`;
      expect(d.result.certificates?.map((c) => c.length), where).toEqual(numbers(d.block, /^\s+Certificate Length: (\d+)$/));
      for (const der of d.result.certificates ?? []) expect(der[0], where).toBe(0x30); // DER SEQUENCE
    }
  });

  it('certificate-request-failed: the client Certificate is empty', () => {
    const d = at('certificate-request-failed', 8, 'Certificate');
    expect(d.result.certificates).toEqual([]);
    expect(d.result.details.certificateCount).toBe(0);
    expect(numbers(d.block, /^\s+Certificates Length: (\d+)$/)).toEqual([0]);
  });

  it('openssl TLS 1.3: client chain of 2 with empty request context and per-entry extensions', () => {
    const d = at('openssl-tls13-mtls', 8, 'Certificate');
    const msg = d.result.typed as T.CertificateMessage;
    expect(msg.tls13).toBe(true);
    expect(msg.requestContext?.length).toBe(numbers(d.block, /^\s+Certificate Request Context Length: (\d+)$/)[0]);
    expect(msg.entries.map((e) => e.extensions?.length)).toEqual([0, 0]);
  });
});

describe('CertificateRequest', () => {
  it('certificate types, signature algorithms and CA names match tshark', () => {
    const reqs = of('CertificateRequest');
    expect(reqs.length).toBeGreaterThanOrEqual(3);
    for (const d of reqs) {
      const where = `${d.base} frame ${d.frame}`;
      const cr = d.result.typed as T.CertificateRequest;
      expect(cr.signatureAlgorithms, where).toEqual(numbers(d.block, /^\s+Signature Algorithm: .* \((0x[0-9a-f]{4})\)$/));
      expect(d.result.certificateAuthorities?.map((dn) => dn.length), where).toEqual(numbers(d.block, /^\s+Distinguished Name Length: (\d+)$/));
      if (!cr.tls13) expect(cr.certificateTypes?.length, where).toBe(numbers(d.block, /^\s+Certificate types count: (\d+)$/)[0]);
    }
  });

  it('certificate-request-failed (TLS 1.2): one CA distinguished name, rsa_sign, rsa_pkcs1_sha256', () => {
    const d = at('certificate-request-failed', 6, 'CertificateRequest');
    expect(d.result.details).toMatchObject({ certificateAuthorityCount: 1, certificateTypes: ['rsa_sign'], signatureAlgorithms: ['rsa_pkcs1_sha256'] });
    expect(d.result.certificateAuthorities![0][0]).toBe(0x30);
  });

  it('client-certificate (TLS 1.2): empty CA list, 3 certificate types', () => {
    const d = at('client-certificate', 11, 'CertificateRequest');
    expect(d.result.details).toMatchObject({ certificateAuthorityCount: 0, certificateTypes: ['rsa_sign', 'dss_sign', 'ecdsa_sign'] });
  });

  it('openssl TLS 1.3: certificate_authorities extension carries the CA name', () => {
    const d = at('openssl-tls13-mtls', 6, 'CertificateRequest');
    const cr = d.result.typed as T.CertificateRequest;
    expect(cr.tls13).toBe(true);
    expect(cr.certificateAuthorities.length).toBe(1);
    expect(cr.extensions?.map((e) => e.type)).toEqual(numbers(d.block, /^ {16}Type: \S+ \((\d+)\)$/));
  });
});

describe('key exchange, verify, finished, tickets, key update', () => {
  it('ServerKeyExchange group, key length, signature match tshark', () => {
    for (const d of of('ServerKeyExchange')) {
      const where = `${d.base} frame ${d.frame}`;
      const ske = d.result.typed as T.ServerKeyExchange;
      const curve = numbers(d.block, /^\s+Named Curve: .* \((0x[0-9a-f]{4})\)$/);
      if (curve.length) expect(ske.namedGroup, where).toBe(curve[0]);
      const pLen = numbers(d.block, /^\s+p Length: (\d+)$/);
      if (pLen.length) {
        expect(ske.dhPBits, where).toBeGreaterThan((pLen[0] - 1) * 8);
        expect(ske.dhPBits, where).toBeLessThanOrEqual(pLen[0] * 8);
      }
      expect(ske.publicKeyLength ?? ske.dhPublicLength, where).toBe(numbers(d.block, /^\s+Pubkey Length: (\d+)$/)[0]);
      expect(ske.signatureScheme, where).toBe(numbers(d.block, /^\s+Signature Algorithm: .* \((0x[0-9a-f]{4})\)$/)[0]);
      expect(ske.signatureLength, where).toBe(numbers(d.block, /^\s+Signature Length: (\d+)$/)[0]);
    }
  });

  it('ClientKeyExchange public key / encrypted premaster length match tshark', () => {
    for (const d of of('ClientKeyExchange')) {
      const cke = d.result.typed as T.ClientKeyExchange;
      const expected = numbers(d.block, /^\s+(?:Pubkey Length|Encrypted PreMaster length): (\d+)$/)[0];
      expect(cke.publicKeyLength ?? cke.encryptedPreMasterSecretLength, `${d.base} frame ${d.frame}`).toBe(expected);
    }
  });

  it('CertificateVerify scheme and length, Finished length match tshark', () => {
    for (const d of of('CertificateVerify')) {
      const cv = d.result.typed as T.CertificateVerify;
      expect(cv.signatureScheme).toBe(numbers(d.block, /^\s+Signature Algorithm: .* \((0x[0-9a-f]{4})\)$/)[0]);
      expect(cv.signatureLength).toBe(numbers(d.block, /^\s+Signature length: (\d+)$/)[0]);
    }
    for (const d of of('Finished')) {
      expect((d.result.typed as T.Finished).verifyDataLength).toBe(numbers(d.block, /^ {12}Length: (\d+)$/)[0]);
    }
  });

  it('NewSessionTicket lifetime and ticket length match tshark (TLS 1.2 and 1.3)', () => {
    for (const d of of('NewSessionTicket')) {
      const where = `${d.base} frame ${d.frame}`;
      const t = d.result.typed as T.NewSessionTicket;
      expect(t.lifetime, where).toBe(numbers(d.block, /^\s+Session Ticket Lifetime(?: Hint)?: (\d+) seconds/)[0]);
      expect(t.ticketLength, where).toBe(numbers(d.block, /^\s+Session Ticket Length: (\d+)$/)[0]);
      if (t.tls13) {
        expect(t.nonceLength, where).toBe(numbers(d.block, /^\s+Session Ticket Nonce Length: (\d+)$/)[0]);
        expect(t.maxEarlyDataSize, where).toBe(numbers(d.block, /^\s+Maximum Early Data Size: (\d+)$/)[0]);
      }
    }
  });

  it('KeyUpdate and EndOfEarlyData from the OpenSSL capture', () => {
    const ku = at('openssl-tls13-mtls', 12, 'KeyUpdate');
    // s_client's 'k' command sends update_not_requested ('K' would request one)
    expect(ku.result.details.requestUpdate).toBe(values(ku.block, /^\s+Key Update Request: (\S+) \(\d\)$/)[0]);
    expect((ku.result.typed as T.KeyUpdate).requestUpdate).toBe(0);
    const eoed = at('openssl-tls13-mtls', 29, 'EndOfEarlyData');
    expect(eoed.result.details).toEqual({});
  });

  it('EncryptedExtensions: ALPN and early_data acceptance', () => {
    const first = at('openssl-tls13-mtls', 6, 'EncryptedExtensions');
    expect(first.result.details.alpn).toBe(values(first.block, /^\s+ALPN Next Protocol: (.+)$/)[0]);
    const resumed = at('openssl-tls13-mtls', 27, 'EncryptedExtensions');
    expect(resumed.result.details.earlyDataAccepted).toBe(true);
    expect((resumed.result.typed as T.EncryptedExtensions).extensions.map((e) => e.type)).toEqual(numbers(resumed.block, /^ {16}Type: \S+ \((\d+)\)$/));
  });
});

it('large fields stay out of details; randoms are hex', () => {
  for (const d of all) {
    const json = JSON.stringify(d.result.details);
    if (d.result.name === 'Certificate') expect(json.length).toBeLessThan(600);
    const random = d.result.details.random;
    if (typeof random === 'string') expect(hexLength(random)).toBe(32);
  }
});
