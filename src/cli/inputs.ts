/** Side inputs of a run: key logs (--keylog / SSLKEYLOGFILE) and CA bundles (--ca). */
import { KeyMaterial } from '../tls/keys.js';
import type { CertInfo } from '../tls/x509/index.js';
import { UsageError } from './errors.js';

export interface LoadedKeys {
  keys: KeyMaterial;
  /** Key log problems (line numbers and reasons, never secret text). */
  warnings: string[];
  /** Files were given (explicitly or via SSLKEYLOGFILE). */
  given: boolean;
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error).message;
}

export function loadKeyMaterial(paths: string[] | undefined, live = false): LoadedKeys {
  const keys = new KeyMaterial();
  const list = paths && paths.length > 0 ? paths : process.env.SSLKEYLOGFILE ? [process.env.SSLKEYLOGFILE] : [];
  const warnings: string[] = [];
  for (const p of list) {
    try {
      const r = keys.addFile(p, !live);
      warnings.push(...r.issues);
    } catch (e) {
      if (live && (e as NodeJS.ErrnoException).code === 'ENOENT') {
        // live: the client may create the key log later; keep polling for it
        keys.follow(p);
        continue;
      }
      throw new UsageError(`cannot read key log ${p}: ${fsReason(e)}`);
    }
  }
  return { keys, warnings, given: list.length > 0 };
}

/** The X.509 code (and its ASN.1 library) is loaded only when --ca is given. */
export async function loadTrustedCas(paths: string[]): Promise<CertInfo[]> {
  const { loadPemBundle } = await import('../tls/x509/index.js');
  const out: CertInfo[] = [];
  for (const p of paths) {
    try {
      out.push(...loadPemBundle(p));
    } catch (e) {
      throw new UsageError(`cannot use CA bundle ${p}: ${(e as Error).message}`);
    }
  }
  return out;
}
