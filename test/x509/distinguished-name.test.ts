/**
 * Distinguished names: RFC 4514 strings and RFC 5280 §7.1 / RFC 4518 comparison. Inputs are DER
 * Names cut out of the openssl fixtures at offsets read with `openssl asn1parse`, the CA name from a
 * real CertificateRequest (Zeek corpus, read by tshark), and Names built byte by byte below.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  distinguishedNameKey,
  dnEquals,
  escapeDnValue,
  parseDistinguishedName,
  prepareDnString,
  type DistinguishedName,
} from '../../src/tls/x509/index.js';
import { derFile, fixturePath, pemDer } from './fixtures.js';

// --- a minimal DER writer for test inputs (short lengths only) ---
const UTF8 = 0x0c;
const PRINTABLE = 0x13;
const BMP = 0x1e;
const IA5 = 0x16;
const OID_CN = [0x55, 0x04, 0x03];
const OID_O = [0x55, 0x04, 0x0a];
const OID_C = [0x55, 0x04, 0x06];
const OID_1234 = [0x2a, 0x03, 0x04]; // 1.2.3.4
const OID_EMAIL = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]; // 1.2.840.113549.1.9.1

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  if (body.length > 127) throw new Error('test DER writer handles short lengths only');
  return new Uint8Array(Buffer.concat([Buffer.from([tag, body.length]), body]));
}
function ava(oid: number[], tag: number, value: string | Uint8Array): Uint8Array {
  const bytes = typeof value === 'string' ? Buffer.from(value, tag === BMP ? 'utf16le' : 'utf8') : value;
  if (tag === BMP && typeof value === 'string') (bytes as Buffer).swap16(); // BMPString is big-endian
  return tlv(0x30, tlv(0x06, Buffer.from(oid)), tlv(tag, bytes));
}
const rdn = (...avas: Uint8Array[]): Uint8Array => tlv(0x31, ...avas);
const name = (...rdns: Uint8Array[]): Uint8Array => tlv(0x30, ...rdns);

function parsed(der: Uint8Array): DistinguishedName {
  const r = parseDistinguishedName(der);
  if ('error' in r) throw new Error(r.error);
  return r;
}

describe('parseDistinguishedName', () => {
  it('reads the CA name of a real CertificateRequest like tshark', () => {
    // tshark: Distinguished Name: (id-at-organizationName=SomeOrg,id-at-localityName=Somewhere,
    //         id-at-stateOrProvinceName=Some-State,id-at-countryName=US)
    const dn = parsed(derFile('zeek-certificate-request-failed-dn0.der'));
    expect(dn.rfc4514).toBe('O=SomeOrg,L=Somewhere,ST=Some-State,C=US');
    expect(dn.warning).toBeUndefined();
    const golden = JSON.parse(readFileSync(fixturePath('zeek-tshark.json'), 'utf8')) as {
      distinguishedNames: Array<{ rdnSequence: Array<Array<[string, string]>> }>;
    };
    const short: Record<string, string> = { '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O' };
    const fromTshark = golden.distinguishedNames[0]!.rdnSequence
      .map((r) => r.map(([oid, v]) => `${short[oid]}=${v}`).join('+'))
      .reverse()
      .join(',');
    expect(dn.rfc4514).toBe(fromTshark);
  });

  it('prints unknown attribute types as dotted OID=#hex of the BER value, known ones by short name', () => {
    const dn = parsed(name(rdn(ava(OID_1234, UTF8, 'foo')), rdn(ava(OID_EMAIL, IA5, 'a@b.c'))));
    expect(dn.rfc4514).toBe('emailAddress=a@b.c,1.2.3.4=#0C03666F6F');
  });

  it('prints a non-string value of a known type as #hex', () => {
    expect(parsed(name(rdn(ava(OID_CN, 0x02, new Uint8Array([5]))))).rfc4514).toBe('CN=#020105');
  });

  it('decodes BMPString values', () => {
    expect(parsed(name(rdn(ava(OID_CN, BMP, 'Zoë')))).rfc4514).toBe('CN=Zoë');
  });

  it('warns about trailing bytes after the Name', () => {
    const der = name(rdn(ava(OID_CN, UTF8, 'x')));
    const dn = parsed(new Uint8Array([...der, 0, 0]));
    expect(dn.rfc4514).toBe('CN=x');
    expect(dn.warning).toBe(
      'distinguished name field has 16 bytes but the Name re-encodes to 14: trailing bytes or non-DER lengths',
    );
  });

  it('returns an error for empty or malformed input', () => {
    expect(parseDistinguishedName(new Uint8Array(0))).toEqual({ error: 'distinguished name is empty (0 bytes)' });
    const r = parseDistinguishedName(new Uint8Array([0x30, 0x05, 0x31, 0x03]));
    expect('error' in r && r.error.startsWith('distinguished name (4 bytes) is not a valid DER Name')).toBe(true);
    const notAName = parseDistinguishedName(tlv(0x04, new Uint8Array([1, 2])));
    expect('error' in notAName).toBe(true);
  });
});

describe('dnEquals', () => {
  // asn1parse: printable.pem and utf8.pem subject Name at offset 119, 44 bytes.
  const printableSubject = pemDer('printable').subarray(119, 163);
  const utf8Subject = pemDer('utf8').subarray(119, 163);

  it('treats PrintableString and UTF8String with the same text as equal', () => {
    expect(Buffer.from(printableSubject)).not.toEqual(Buffer.from(utf8Subject));
    expect(printableSubject[11]).toBe(PRINTABLE); // the O value's tag (asn1parse offset 130 = 119 + 11)
    expect(utf8Subject[11]).toBe(UTF8);
    expect(dnEquals(printableSubject, utf8Subject)).toBe(true);
  });

  it('ignores case and insignificant whitespace', () => {
    const a = name(rdn(ava(OID_O, UTF8, 'Example Org')), rdn(ava(OID_CN, UTF8, 'Same Name')));
    const b = name(rdn(ava(OID_O, PRINTABLE, '  EXAMPLE   org ')), rdn(ava(OID_CN, BMP, 'same\u00a0name')));
    expect(dnEquals(a, b)).toBe(true);
    expect(dnEquals(a, printableSubject)).toBe(true);
  });

  it('treats multi-valued RDN members as unordered', () => {
    // asn1parse: multi-rdn.pem subject at offset 124, 37 bytes: SET { CN=a, O=b } (DER order) after C=US.
    const fromCert = pemDer('multi-rdn').subarray(124, 161);
    const reordered = name(rdn(ava(OID_C, PRINTABLE, 'US')), rdn(ava(OID_O, UTF8, 'b'), ava(OID_CN, UTF8, 'a')));
    expect(parsed(reordered).rfc4514).toBe('O=b+CN=a,C=US'); // as openssl prints the certificate's name
    expect(dnEquals(fromCert, reordered)).toBe(true);
  });

  it('keeps RDN order and RDN grouping significant', () => {
    const base = name(rdn(ava(OID_C, PRINTABLE, 'US')), rdn(ava(OID_CN, UTF8, 'a'), ava(OID_O, UTF8, 'b')));
    const swapped = name(rdn(ava(OID_CN, UTF8, 'a'), ava(OID_O, UTF8, 'b')), rdn(ava(OID_C, PRINTABLE, 'US')));
    const split = name(rdn(ava(OID_C, PRINTABLE, 'US')), rdn(ava(OID_CN, UTF8, 'a')), rdn(ava(OID_O, UTF8, 'b')));
    expect(dnEquals(base, swapped)).toBe(false);
    expect(dnEquals(base, split)).toBe(false);
  });

  it('distinguishes different values and attribute types', () => {
    const a = name(rdn(ava(OID_CN, UTF8, 'a')));
    expect(dnEquals(a, name(rdn(ava(OID_CN, UTF8, 'b'))))).toBe(false);
    expect(dnEquals(a, name(rdn(ava(OID_O, UTF8, 'a'))))).toBe(false);
    expect(dnEquals(a, name(rdn(ava(OID_CN, UTF8, 'a,'))))).toBe(false);
  });

  it('compares parsed names and DER alike, and its key works in a Set', () => {
    const keys = new Set([distinguishedNameKey(printableSubject), distinguishedNameKey(parsed(utf8Subject))]);
    expect(keys.size).toBe(1);
    expect(dnEquals(parsed(printableSubject), utf8Subject)).toBe(true);
  });

  it('compares unparseable DER by exact bytes only', () => {
    const bad = new Uint8Array([0x30, 0x03, 0x01, 0x02, 0x03]);
    expect(dnEquals(bad, new Uint8Array(bad))).toBe(true);
    expect(dnEquals(bad, new Uint8Array([0x30, 0x03, 0x01, 0x02, 0x04]))).toBe(false);
    expect(dnEquals(bad, name(rdn(ava(OID_CN, UTF8, 'a'))))).toBe(false);
  });
});

describe('escaping and string preparation', () => {
  it('escapes as RFC 4514 §2.4 requires', () => {
    expect(escapeDnValue('plain value')).toBe('plain value');
    expect(escapeDnValue('a,b+c"d\\e<f>g;h')).toBe('a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h');
    expect(escapeDnValue('#x')).toBe('\\#x');
    expect(escapeDnValue('x#')).toBe('x#');
    expect(escapeDnValue(' x ')).toBe('\\ x\\ ');
    expect(escapeDnValue('a\u0000b\u001f')).toBe('a\\00b\\1F');
    expect(escapeDnValue('a=b')).toBe('a=b');
  });

  it('prepares strings per RFC 4518: NFKC, case fold, map-to-nothing, space folding', () => {
    expect(prepareDnString('ＦＵＬＬ　Width')).toBe('full width'); // fullwidth letters and ideographic space
    expect(prepareDnString('soft\u00adhyphen')).toBe('softhyphen');
    expect(prepareDnString('\t a \n\n b \u00a0')).toBe('a b');
    expect(prepareDnString('Société')).toBe(prepareDnString('Socie\u0301te\u0301')); // composed vs decomposed
  });
});
