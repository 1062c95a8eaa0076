/**
 * Markdown reports are not over-escaped: `(decrypted)`, `client->server` and `#0` read as they
 * are, while what Markdown would act on is still escaped (see test/security/terminal.test.ts for
 * hostile wire strings).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';

describe('markdown report', () => {
  it('reads as written: no backslashes before ( ) > # in prose and headings', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), '-r', 'captures/tls13-wrong-ca.pcap', '--keylog', 'captures/tls13-wrong-ca.keys', '-F', 'markdown'], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const md = r.stdout;
    expect(md).toContain('### #0  127.0.0.1:41788 -> 127.0.0.1:44352  TLS 1.3  TLS_AES_256_GCM_SHA384  SNI localhost  frames 1-14 — failed');
    expect(md).toContain('**Client certificate:** sent in frame 8, TLS record 2 of client->server, stream offset 254 (decrypted): CN=evil-client');
    expect(md).toContain('(RFC 8446 §6.2 / RFC 5246 §7.2.2 unknown_ca)');
    expect(md).not.toMatch(/\\[()#>]/);
    // TLS_AES_256_GCM_SHA384: intraword underscores stay unescaped
    expect(md).not.toContain('TLS\\_AES');
  });

});
