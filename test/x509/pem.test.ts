import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CertificateCache, PemBundleError, loadPemBundle, parsePemBundle } from '../../src/tls/x509/index.js';
import { derFile, fixturePath } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-pem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function errorOf(fn: () => unknown): PemBundleError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PemBundleError) return err;
    throw err;
  }
  throw new Error('expected a PemBundleError');
}

describe('loadPemBundle', () => {
  it('loads the committed CA bundle', () => {
    const certs = loadPemBundle(fixturePath('ca-bundle.pem'));
    expect(certs.map((c) => c.subject)).toEqual(['CN=Test Root CA,O=tls-inspect Tests']);
  });

  it('loads several certificates with text around them, through a cache', () => {
    const text =
      'Bundle header\n' +
      readFileSync(fixturePath('root-rsa.pem'), 'ascii') +
      'subject=CN=Other Root CA\n' +
      readFileSync(fixturePath('other-root.pem'), 'ascii').replace(/\n/g, '\r\n');
    const cache = new CertificateCache();
    const certs = loadPemBundle(write('two.pem', text), cache);
    expect(certs.map((c) => c.subject)).toEqual(['CN=Test Root CA,O=tls-inspect Tests', 'CN=Other Root CA']);
    expect(cache.parseCount).toBe(2);
  });

  it('names the file and the reason when it cannot be read', () => {
    const missing = join(dir, 'nope.pem');
    expect(errorOf(() => loadPemBundle(missing)).message).toBe(`cannot read CA bundle ${missing}: no such file`);
    expect(errorOf(() => loadPemBundle(dir)).message).toBe(`cannot read CA bundle ${dir}: it is a directory`);
  });

  it('explains a file that is not a PEM certificate bundle', () => {
    const txt = write('notes.txt', 'hello\n');
    expect(errorOf(() => loadPemBundle(txt)).message).toBe(
      `${txt} is not a PEM certificate bundle: no '-----BEGIN CERTIFICATE-----' block found`,
    );
    const der = write('ca.der', derFile('zeek-client-certificate-frame15-1.der'));
    expect(errorOf(() => loadPemBundle(der)).message).toBe(
      `${der} is not a PEM certificate bundle: it looks like a DER file; convert it with 'openssl x509 -inform DER -in FILE -out FILE.pem'`,
    );
    const key = write('key.pem', readFileSync(fixturePath('client-ec.key'), 'ascii'));
    expect(errorOf(() => loadPemBundle(key)).message).toBe(
      `${key} is not a PEM certificate bundle: it has 1 PEM block(s) but none is a CERTIFICATE`,
    );
  });

  it('rejects a broken certificate block with its line number', () => {
    const text = 'x\n-----BEGIN CERTIFICATE-----\nMIIB!!\n-----END CERTIFICATE-----\n';
    expect(errorOf(() => parsePemBundle(text, 'bad.pem')).message).toBe(
      'bad.pem: the CERTIFICATE block at line 2 is not valid base64',
    );
    const junk = '-----BEGIN CERTIFICATE-----\nAQIDBA==\n-----END CERTIFICATE-----\n';
    expect(errorOf(() => parsePemBundle(junk, 'junk.pem')).message).toMatch(
      /^junk\.pem: the certificate at line 1 cannot be used: certificate \(4 bytes\) is not a valid X\.509 structure/,
    );
  });
});
