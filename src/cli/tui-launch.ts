/**
 * Entry to the terminal UI for `file` on a terminal. The TUI reads the capture through the same
 * Pipeline as the reports.
 */
import type { PacketSource } from '../capture/types.js';
import type { ConnectionModel } from '../analysis/model.js';
import type { CertInfo } from '../tls/x509/index.js';
import type { KeyMaterial } from '../tls/keys.js';
import type { ReassemblyLimits } from '../tcp/types.js';
import { Pipeline } from './pipeline.js';
import { renderReport, reportModel } from './output.js';
import { sourceModel } from './file-command.js';

export interface TuiFileOptions {
  limits: Partial<ReassemblyLimits>;
  keys: KeyMaterial;
  all: boolean;
  trusted?: CertInfo[];
  maxMessage: number;
}

export async function runTuiForFile(
  source: PacketSource,
  path: string,
  o: TuiFileOptions,
  filter: (c: ConnectionModel) => boolean,
): Promise<number> {
  // Until the terminal UI lands, a terminal gets the coloured text report.
  const kept: ConnectionModel[] = [];
  const p = new Pipeline({
    limits: o.limits,
    keys: o.keys,
    tls: { maxHandshakeMessage: o.maxMessage },
    analysis: { includeNonTls: o.all, trusted: o.trusted },
    onConnection: (c) => {
      if (filter(c)) kept.push(c);
    },
  });
  const res = await p.run(source);
  const color = !(process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '');
  process.stdout.write(renderReport('text', reportModel(sourceModel(res, path, o.keys.secretCount()), kept, res.analyzer.summary()), color));
  return 0;
}
