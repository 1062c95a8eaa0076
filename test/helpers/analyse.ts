/** Runs the real pipeline on a capture file (no CLI), returning every connection model. */
import { openCaptureFile } from '../../src/capture/index.js';
import { Pipeline, type PipelineResult } from '../../src/cli/pipeline.js';
import type { ConnectionModel } from '../../src/analysis/model.js';
import { KeyMaterial } from '../../src/tls/keys.js';
import type { CertInfo } from '../../src/tls/x509/index.js';

export interface Analysis {
  connections: ConnectionModel[];
  result: PipelineResult;
  keys: KeyMaterial;
}

export async function analyse(
  path: string,
  opts: { keylog?: string; all?: boolean; trusted?: CertInfo[]; keepBytes?: boolean } = {},
): Promise<Analysis> {
  const keys = new KeyMaterial();
  if (opts.keylog) keys.addFile(opts.keylog);
  const connections: ConnectionModel[] = [];
  const p = new Pipeline({
    keys,
    tls: { keepBytes: opts.keepBytes ?? false },
    analysis: { includeNonTls: opts.all ?? true, trusted: opts.trusted, keepBytes: opts.keepBytes ?? false },
    onConnection: (c) => connections.push(c),
  });
  const result = await p.run(await openCaptureFile(path));
  connections.sort((a, b) => a.id - b.id);
  return { connections, result, keys };
}
