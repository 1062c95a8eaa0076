import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createScreen, guardTerminal } from '../../src/tui/screen.js';

class Sink extends Writable {
  columns = 80;
  rows = 24;
  isTTY = true;
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

describe('terminal guard', () => {
  it('holds stderr and console output while the TUI runs, restores the terminal, then replays it', () => {
    const out = new Sink();
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const collected: string[] = [];
    const realWrite = process.stderr.write;
    const realLog = console.log;
    process.stderr.write = ((s: string) => {
      collected.push(String(s));
      return true;
    }) as typeof process.stderr.write;
    const baseline = process.listeners('SIGINT').length;
    try {
      const screen = createScreen({ title: 't', input, output: out, terminal: 'xterm-256color' });
      screen.render();
      const guard = guardTerminal(screen, true);
      console.log('stray log');
      process.stderr.write('stray warning\n');
      expect(collected).toEqual([]);
      expect(out.text).not.toContain('stray');
      expect(process.listeners('SIGINT').length).toBeGreaterThan(baseline);
      guard.release();
      guard.release(); // idempotent
      expect(process.listeners('SIGINT').length).toBe(baseline);
      expect(collected.join('')).toBe('stray log\nstray warning\n');
      expect(out.text).toContain('\x1b[?1049l'); // normal screen buffer again
      expect(console.log).toBe(realLog);
    } finally {
      process.stderr.write = realWrite;
      console.log = realLog;
    }
  });
});
