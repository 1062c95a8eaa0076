import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Output } from '../../dist/cli/output.js';

describe('Output.writeAll', () => {
  it('waits for drain without leaving listeners behind (no MaxListenersExceededWarning on big reports)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-output-'));
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`);
    };
    process.on('warning', onWarning);
    try {
      const path = join(dir, 'big.json');
      const out = new Output(path);
      const chunk = new Uint8Array(256 * 1024).fill(0x61);
      // 64 batches of 256 KiB (16 MiB): each one exceeds the stream's high-water mark and waits
      await out.writeAll(Array.from({ length: 64 }, () => chunk));
      await out.close();
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
      expect(readFileSync(path).length).toBe(64 * 256 * 1024);
    } finally {
      process.off('warning', onWarning);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
