/** A user-supplied path or value with control bytes never reaches the terminal raw in an error line. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';

const BIN = join(REPO, 'bin', 'tls-inspect');

describe('error lines are terminal-safe', () => {
  it('a missing file whose name carries ESC sequences and a newline is one escaped line', () => {
    const evil = '/nonexistent/\x1b]0;owned\x07x\x1b[2J\ny.pcap';
    const r = spawnSync(process.execPath, [BIN, 'file', evil], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('tls-inspect: cannot open /nonexistent/\\x1b]0;owned\\x07x\\x1b[2J\\x0ay.pcap: no such file\n');
  });
});
