/**
 * tshark habits and mistakes: every mistake is one exact line on stderr and exit 2; tshark's
 * -r / -i / -D reach the subcommands; a filter that keeps nothing says so.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';

const BIN = join(REPO, 'bin', 'tls-inspect');
const CAP = 'captures/all-scenarios.pcap';
const KEYS = 'captures/all-scenarios.keys';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '', TZ: 'UTC' }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('one clear line per mistake, exit 2', () => {
  const cases: Array<[string, string[], string]> = [
    ['an unknown format names the choices', ['file', CAP, '--format', 'xml'], '-F/--format: "xml" is not a valid choice; choose one of text, json, jsonl, markdown, html, zeek, zeek-json, ecs'],
    ['an unknown --only names the choices', ['file', CAP, '--only', 'foo'], '--only: "foo" is not a valid choice; choose one of failed, mtls, tls13, alerts, quic'],
    ['--host twice', ['file', CAP, '--host', 'a', '--host', 'b'], '--host given twice ("a" and "b"): give it once'],
    ['-F twice', ['file', CAP, '-F', 'json', '-F', 'text'], '-F/--format given twice ("json" and "text"): give it once'],
    ['-o twice', ['file', CAP, '-o', 'a', '-o', 'b'], '-o/--output given twice ("a" and "b"): give it once'],
    ['-Y twice', ['file', CAP, '-Y', 'a', '-Y', 'b'], '-Y/--display-filter given twice ("a" and "b"): give it once'],
    ['--port abc', ['file', CAP, '--port', 'abc'], '--port needs a TCP port number (0-65535), got "abc"'],
    ['--port 70000', ['file', CAP, '--port', '70000'], '--port needs a TCP port number (0-65535), got "70000"'],
    ['--port without a value', ['file', CAP, '--port'], '--port needs a value (see tls-inspect file --help)'],
    ['a limit that is not a number', ['file', CAP, '--max-buffer-mb', 'lots'], '--max-buffer-mb needs a positive number, got "lots"'],
    ['a key log that is not one', ['file', CAP, '--keylog', 'README.md'], '--keylog README.md is not an NSS key log (line 3: the first field is not a label such as CLIENT_RANDOM): give the file SSLKEYLOGFILE wrote, lines like "CLIENT_RANDOM <random> <secret>"'],
    ['an unknown option', ['file', CAP, '--bogus'], 'unknown option --bogus for file (see tls-inspect file --help)'],
    ['a live-only option on a file', ['-r', CAP, '-w', 'x.pcapng'], 'unknown option -w for file (see tls-inspect file --help)'],
    // (`file CAP more` is two captures: test/cli/jobs.test.ts)
    ['an extra argument', ['live', '-i', 'lo', 'more'], 'unexpected argument "more" (see tls-inspect live --help)'],
    ['file without a capture', ['file'], 'file needs a capture: tls-inspect file CAPTURE (or -r CAPTURE; - reads stdin)'],
    ['live without an interface', ['live'], 'live needs an interface: tls-inspect live -i IFACE (tls-inspect -D lists them)'],
    ['-i without a value', ['-i'], '-i/--interface needs a value (see tls-inspect live --help)'],
    ['an unknown command', ['capture.pcap'], 'unknown command "capture.pcap": use tls-inspect file CAPTURE (or -r CAPTURE), live -i IFACE (or -i IFACE), or interfaces (or -D); see --help'],
    ['no command', [], 'say what to do: tls-inspect file CAPTURE (or -r CAPTURE), live -i IFACE (or -i IFACE), or interfaces (or -D); see --help'],
    ['-r and -i together', ['-r', CAP, '-i', 'lo'], '-r reads a capture file and -i captures on an interface: give one of them'],
    ['-r twice', ['-r', CAP, '-r', CAP], `-r given twice ("${CAP}" and "${CAP}"): give one capture file`],
    ['-r without a file', ['-r'], '-r needs a capture file: tls-inspect -r CAPTURE (- reads stdin)'],
    ['-D with more', ['-D', 'x'], '-D lists the capture interfaces and takes no other argument (got x)'],
    ['an unknown -t', ['file', CAP, '-t', 'q'], '-t/--time-format: "q" is not a valid choice; choose one of r, a, ad, d, c'],
    ['-Y syntax: the column', ['file', CAP, '-Y', 'verdict == && x'], `-Y 'verdict == && x': column 12: expected a value after "==", found "&&"`],
    ['-Y syntax: an unclosed parenthesis', ['file', CAP, '-Y', '(verdict == failed'], `-Y '(verdict == failed': column 19: expected ")" to close the "(" at column 1, found the end`],
    ['-Y syntax: a single =', ['file', CAP, '-Y', 'verdict = failed'], `-Y 'verdict = failed': column 9: a single "=": compare with ==`],
    ['-Y: a bad regular expression', ['file', CAP, '-Y', 'serverName matches "("'], `-Y 'serverName matches "("': column 20: not a regular expression: /(/i: Unterminated group`],
  ];
  it.each(cases)('%s', (_what, args, line) => {
    const r = cli(args);
    expect(r.stderr).toBe(`tls-inspect: ${line}\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('key logs', () => {
  it('an empty key log is no mistake (a client that aborted early wrote none)', () => {
    const r = cli(['file', 'captures/tls12-server-rejected.pcap', '--keylog', 'captures/tls12-server-rejected.keys', '--brief']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('tshark habits', () => {
  it('-r FILE is file FILE (same report)', () => {
    const a = cli(['-r', CAP, '--keylog', KEYS, '-F', 'json']);
    const b = cli(['file', CAP, '--keylog', KEYS, '-F', 'json']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
    expect(JSON.parse(a.stdout).connections.length).toBe(6);
    const joined = cli([`-r${CAP}`, '-F', 'jsonl']);
    expect(joined.stdout.trim().split('\n').filter((l) => JSON.parse(l).record === 'connection').length).toBe(6);
  });

  it('-i IF is live -i IF, -D is interfaces (both reach the same command)', () => {
    // without privileges or the cap binding both fail the same way; with them both run
    const viaI = cli(['-i', 'no-such-interface-xyz', '-c', '1', '--duration', '1']);
    const viaLive = cli(['live', '-i', 'no-such-interface-xyz', '-c', '1', '--duration', '1']);
    expect(viaI.stderr).toBe(viaLive.stderr);
    expect(viaI.code).toBe(viaLive.code);
    expect(viaI.stderr).toMatch(/^tls-inspect: .+\n$/);
    const d = cli(['-D']);
    const ifs = cli(['interfaces']);
    expect(d.stdout).toBe(ifs.stdout);
    expect(d.stderr).toBe(ifs.stderr);
    expect(d.code).toBe(ifs.code);
  });
});

describe('filters', () => {
  it('--only given twice: both must hold (AND)', () => {
    const r = cli(['file', CAP, '--keylog', KEYS, '-F', 'json', '--only', 'failed', '--only', 'tls13']);
    expect(r.code, r.stderr).toBe(0);
    const ids = JSON.parse(r.stdout).connections.map((c: { id: number }) => c.id);
    expect(ids).toEqual([1, 2]);
  });

  it('a filter that matches nothing says so (text body; stderr for other formats)', () => {
    const t = cli(['file', CAP, '--host', '10.1.1.1']);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n')[0]).toBe('No connection matches --host 10.1.1.1: 0 of 6 connections.');
    expect(t.stdout).toContain('  filter: --host 10.1.1.1 matched 0 of 6 connections (the counts are over those)');
    const j = cli(['file', CAP, '--host', '10.1.1.1', '-F', 'json']);
    expect(j.stderr).toBe('tls-inspect: No connection matches --host 10.1.1.1: 0 of 6 connections.\n');
    expect(JSON.parse(j.stdout).summary.filter).toEqual({ description: '--host 10.1.1.1', matched: 0, tested: 6 });
    const typo = cli(['file', CAP, '-Y', 'verdic == failed', '--brief']);
    expect(typo.stdout.split('\n')[0]).toBe(
      "No connection matches -Y 'verdic == failed': 0 of 6 connections; no connection has the field verdic (field names are the JSON paths of --format json).",
    );
  });
});
