/** Side inputs of a run: key logs (--keylog / SSLKEYLOGFILE) and CA bundles (--ca). */
import { KeyMaterial } from '../tls/keys.js';
import type { CertInfo } from '../tls/x509/index.js';
import { UsageError } from './errors.js';
import type { Warning } from '../warning-codes.js';

export interface LoadedKeys {
  keys: KeyMaterial;
  /** Key log problems (line numbers and reasons, never secret text). */
  warnings: Warning[];
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
  const explicit = paths !== undefined && paths.length > 0;
  const list = explicit ? [...new Set(paths)] : process.env.SSLKEYLOGFILE ? [process.env.SSLKEYLOGFILE] : [];
  const warnings: Warning[] = [];
  for (const p of list) {
    let r: { added: number; issues: string[] };
    try {
      r = keys.addFile(p, !live);
    } catch (e) {
      if (live && (e as NodeJS.ErrnoException).code === 'ENOENT') {
        // live: the client may create the key log later; keep polling for it
        keys.follow(p);
        continue;
      }
      throw new UsageError(`cannot read key log ${p}: ${fsReason(e)}`);
    }
    // a file given with --keylog whose lines are none of them key log lines is a mistake, not a
    // run with warnings; an empty one is not (a client that aborted before its keys writes none,
    // see captures/tls12-server-rejected.keys; a live key log fills as clients connect)
    if (explicit && r.added === 0 && r.issues.length > 0) {
      const why = r.issues[0].replace(`${p} `, '').replace('not a key log line: ', '');
      throw new UsageError(`--keylog ${p} is not an NSS key log (${why}): give the file SSLKEYLOGFILE wrote, lines like "CLIENT_RANDOM <random> <secret>"`);
    }
    for (const message of r.issues) warnings.push({ code: 'keylog-line-unusable', message });
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
