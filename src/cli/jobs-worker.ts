/** A `--jobs` worker thread: runs the shards (./shard-run.ts) that ./jobs.ts sends, one at a time. */
import { parentPort } from 'node:worker_threads';
import { runShard, type JobInput, type JobMessage } from './shard-run.js';

if (parentPort) {
  const port = parentPort;
  port.on('message', (x: { task: number; input: JobInput }) => {
    const post = { postMessage: (m: JobMessage, transfer?: ArrayBuffer[]) => port.postMessage({ task: x.task, m }, transfer) };
    runShard(x.input, post).catch((e: unknown) => {
      const err = e as NodeJS.ErrnoException;
      post.postMessage({ t: 'error', name: err?.name ?? 'Error', message: err?.message ?? String(e), code: typeof err?.code === 'string' ? err.code : undefined });
    });
  });
}
