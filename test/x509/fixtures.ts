/** Loads the committed X.509 fixtures (test/fixtures/x509, made by make-fixtures.sh / extract-zeek.py). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/x509/', import.meta.url));

export function fixturePath(name: string): string {
  return FIXTURE_DIR + name;
}

/** DER bytes of a PEM fixture (`name` without .pem), decoded here independently of the code under test. */
export function pemDer(name: string): Uint8Array {
  const text = readFileSync(fixturePath(`${name}.pem`), 'ascii');
  const body = text.split('-----BEGIN CERTIFICATE-----')[1]!.split('-----END CERTIFICATE-----')[0]!;
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
}

export function derFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

/** Colon-separated uppercase hex as printed by openssl → lowercase hex. */
export function opensslHex(s: string): string {
  return s.replace(/:/g, '').toLowerCase();
}
