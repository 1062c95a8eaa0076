/**
 * Capture engine choice and the external engines' one-line errors (issue 19). The messages
 * classified here are what dumpcap 4.0 and tcpdump 4.99 print (seen on Debian 12).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AUTO_ORDER, classifyFailure, findProgram, resolveEngine } from '../../src/capture/index.js';
import { REPO } from '../helpers/golden.js';

describe('--capture-engine auto', () => {
  it('prefers dumpcap, then tcpdump, and falls back to cap, which needs nothing else', () => {
    expect(AUTO_ORDER).toEqual(['dumpcap', 'tcpdump', 'cap']);
    expect(resolveEngine('auto', () => true)).toBe('dumpcap');
    expect(resolveEngine('auto', (n) => n === 'tcpdump')).toBe('tcpdump');
    expect(resolveEngine('auto', () => false)).toBe('cap');
    expect(resolveEngine('tcpdump', () => false)).toBe('tcpdump');
  });
  it('findProgram looks in PATH and the sbin directories', () => {
    expect(findProgram('sh', '/bin:/usr/bin')).toMatch(/\/sh$/);
    expect(findProgram('no-such-capture-program-xyz', '/bin')).toBeNull();
  });
});

describe('one-line errors of the external engines', () => {
  const dumpcapPerm = 'Capturing on \'Loopback: lo\'\ndumpcap: You do not have permission to capture on device "lo".\n(socket: Operation not permitted)\nPlease check to make sure you have sufficient permissions.\n';
  it('permission', () => {
    expect(classifyFailure('dumpcap', 'lo', 'tcp', dumpcapPerm).message).toBe(
      'permission denied capturing on lo with dumpcap: run as root or give dumpcap cap_net_raw,cap_net_admin (or use --capture-engine cap)');
    expect(classifyFailure('tcpdump', 'lo', 'tcp', 'tcpdump: lo: You don\'t have permission to perform this capture on that device\n(socket: Operation not permitted)\n').message).toMatch(/^permission denied capturing on lo with tcpdump: /);
  });
  it('interface', () => {
    expect(classifyFailure('dumpcap', 'nosuch0', 'tcp', 'dumpcap: The capabilities of the capture device "nosuch0" could not be obtained (pcap_activate() failed: No such device exists).\n').message).toBe('no such interface: nosuch0');
    expect(classifyFailure('tcpdump', 'nosuch0', 'tcp', 'tcpdump: nosuch0: No such device exists\n(No such device exists)\n').message).toBe('no such interface: nosuch0');
  });
  it('filter: libpcap\'s own words', () => {
    const d = 'Capturing on \'Loopback: lo\'\ndumpcap: Invalid capture filter "tcp and and" for interface \'lo\'.\n\nThat string isn\'t a valid capture filter (can\'t parse filter expression: syntax error).\nSee the User\'s Guide for a description of the capture filter syntax.\n';
    expect(classifyFailure('dumpcap', 'lo', 'tcp and and', d).message).toBe('invalid capture filter "tcp and and": can\'t parse filter expression: syntax error');
    expect(classifyFailure('tcpdump', 'lo', 'tcp port x', "tcpdump: unknown port 'x'\n").message).toBe('invalid capture filter "tcp port x": unknown port \'x\'');
  });
  it('a missing engine: exit 2 and one line with what to install (no privileges needed)', () => {
    for (const [engine, pkg] of [['dumpcap', 'wireshark-common'], ['tcpdump', 'tcpdump']]) {
      const r = spawnSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), 'live', '-i', 'lo', '--capture-engine', engine!], {
        encoding: 'utf8', timeout: 30_000, env: { ...process.env, PATH: '/nonexistent' },
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`tls-inspect: capture engine ${engine} is not installed: apt-get install ${pkg}, or use --capture-engine cap\n`);
    }
  });
});
