/**
 * Measuring what a parser allocates for a header that declares far more bytes than follow: the
 * input is fed as a stream whose generator samples process memory each time the reader asks for
 * the next chunk (so the parser's state is still alive), and the peak growth is reported.
 */
import { Readable } from 'node:stream';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { openCaptureStream } from '../../src/capture/open.js';
import { Pipeline } from '../../src/cli/pipeline.js';
import type { PacketSink } from '../../src/capture/types.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

export interface Probe {
  /** Peak growth over the baseline, in MiB, sampled between chunks and at the end of input. */
  peakMb: number;
  warnings: string[];
}

function sampledStream(pieces: Uint8Array[], sample: () => void): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    for (const p of pieces) {
      yield Buffer.from(p);
      sample();
    }
    sample();
  }
  return Readable.from(gen(), { objectMode: false });
}

async function measure(run: (sample: () => void) => Promise<string[]>): Promise<Probe> {
  gc();
  gc();
  const base = used();
  let peak = 0;
  const sample = () => {
    const d = used() - base;
    if (d > peak) peak = d;
  };
  const warnings = await run(sample);
  return { peakMb: peak / MB, warnings };
}

/** Reads `pieces` through openCaptureStream (capture stage only). */
export function probeReader(pieces: Uint8Array[]): Promise<Probe> {
  return measure(async (sample) => {
    const src = await openCaptureStream(sampledStream(pieces, sample), 'probe');
    const warnings: string[] = [];
    const sink: PacketSink = {
      packet: () => sample(),
      secrets: () => undefined,
      warning: (w) => {
        sample();
        warnings.push(w.message);
      },
    };
    await src.run(sink);
    return warnings;
  });
}

/** Runs `pieces` through the whole Pipeline; samples also after each packet. */
export function probePipeline(pieces: Uint8Array[]): Promise<Probe> {
  return measure(async (sample) => {
    const src = await openCaptureStream(sampledStream(pieces, sample), 'probe');
    const warnings: string[] = [];
    const p = new Pipeline({ onConnection: (c) => warnings.push(...c.warnings.map((w) => w.message)), onProgress: sample, progressEvery: 1 });
    const res = await p.run(src);
    warnings.push(...res.captureWarnings.map((w) => w.message));
    return warnings;
  });
}
