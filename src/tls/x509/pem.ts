/**
 * Trust anchors from PEM bundles (the --ca option): one or more `-----BEGIN CERTIFICATE-----` blocks,
 * with any text between them (as in OS bundles and `openssl x509 -text` output).
 */
import { readFileSync, statSync } from 'node:fs';
import { CertificateCache } from './cache.js';
import { parseCertificate } from './certificate.js';
import type { CertInfo } from './types.js';

/** Largest bundle read (OS bundles are ~200 KB). */
export const MAX_PEM_BUNDLE_BYTES = 64 * 1024 * 1024;

/** A CA bundle that cannot be used; the message names the file and the reason. */
export class PemBundleError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'PemBundleError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Parses PEM text; `source` names it in error messages. Throws PemBundleError. */
export function parsePemBundle(text: string, source: string, cache?: CertificateCache): CertInfo[] {
  const certs: CertInfo[] = [];
  let otherBlocks = 0;
  for (const m of text.matchAll(PEM_BLOCK)) {
    const kind = m[1]!;
    const line = lineOf(text, m.index);
    if (kind !== 'CERTIFICATE' && kind !== 'TRUSTED CERTIFICATE' && kind !== 'X509 CERTIFICATE') {
      otherBlocks++;
      continue;
    }
    const body = m[2]!;
    if (!BASE64_BODY.test(body)) {
      throw new PemBundleError(source, `${source}: the ${kind} block at line ${line} is not valid base64`);
    }
    const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    const info = cache !== undefined ? cache.get(der) : parseCertificate(der);
    if (info.error !== undefined) {
      throw new PemBundleError(source, `${source}: the certificate at line ${line} cannot be used: ${info.error}`);
    }
    certs.push(info);
  }
  if (certs.length === 0) {
    const why =
      otherBlocks > 0
        ? `it has ${otherBlocks} PEM block(s) but none is a CERTIFICATE`
        : text.length > 0 && text.charCodeAt(0) === 0x30
          ? "it looks like a DER file; convert it with 'openssl x509 -inform DER -in FILE -out FILE.pem'"
          : "no '-----BEGIN CERTIFICATE-----' block found";
    throw new PemBundleError(source, `${source} is not a PEM certificate bundle: ${why}`);
  }
  return certs;
}

/**
 * Loads the certificates of a PEM bundle. Throws PemBundleError with a plain message for an
 * unreadable file, a file without PEM certificates, or a certificate that cannot be parsed.
 */
export function loadPemBundle(path: string, cache?: CertificateCache): CertInfo[] {
  let data: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_PEM_BUNDLE_BYTES) {
      throw new PemBundleError(path, `CA bundle ${path} is ${size} bytes, more than the ${MAX_PEM_BUNDLE_BYTES} allowed`);
    }
    data = readFileSync(path);
  } catch (err) {
    if (err instanceof PemBundleError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : err instanceof Error
              ? err.message
              : String(err);
    throw new PemBundleError(path, `cannot read CA bundle ${path}: ${reason}`);
  }
  return parsePemBundle(data.toString('latin1'), path, cache);
}
