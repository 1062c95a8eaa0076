/**
 * Timing helpers for run-bench.mjs: run a command with its output thrown away, measure its wall
 * time (in this process, hrtime) and peak RSS (/usr/bin/time -v's "Maximum resident set size",
 * i.e. the kernel's ru_maxrss from wait4; without /usr/bin/time, VmHWM polled from /proc).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const haveGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-v', 'true']).status === 0;

/** Runs `argv` once. Returns { wallSec, cpuSec (user + system, NaN when unknown), rssKb, status,
 * stderr (last lines) }. CPU time varies less than wall time when other processes compete. */
export async function timeOnce(argv, { stdoutFile = '/dev/null', cwd } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tls-bench-'));
  const timeOut = join(dir, 'time.txt');
  const errPath = join(dir, 'stderr.txt');
  const out = openSync(stdoutFile, 'w');
  const err = openSync(errPath, 'w');
  const cmd = haveGnuTime ? [GNU_TIME, '-v', '-o', timeOut, ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', out, err], cwd });
  let hwmKb = 0;
  const poll = haveGnuTime
    ? null
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'latin1'));
          if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
        } catch {
          // the process has ended
        }
      }, 20);
  const status = await new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);
  closeSync(out);
  closeSync(err);
  let rssKb = hwmKb;
  let cpuSec = NaN;
  if (haveGnuTime && existsSync(timeOut)) {
    const t = readFileSync(timeOut, 'latin1');
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(t);
    if (m) rssKb = Number(m[1]);
    const u = /User time \(seconds\): ([\d.]+)/.exec(t);
    const s = /System time \(seconds\): ([\d.]+)/.exec(t);
    if (u && s) cpuSec = Number(u[1]) + Number(s[1]);
  }
  const stderr = readFileSync(errPath, 'utf8').split('\n').filter((l) => l && !/Running as user "root"/.test(l)).slice(-5).join('\n');
  rmSync(dir, { recursive: true, force: true });
  return { wallSec, cpuSec, rssKb, status, stderr };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** The 1-minute load average, and the number of CPUs. */
export function load() {
  return { one: loadavg()[0], five: loadavg()[1], cpus: spawnSync('nproc').stdout?.toString().trim() ?? '?' };
}

/** Waits (up to maxWaitSec) until the 1-minute load average is below `below`. Returns it. */
export async function waitForLoad(below, maxWaitSec, log) {
  const start = Date.now();
  let l = loadavg()[0];
  while (l >= below && (Date.now() - start) / 1000 < maxWaitSec) {
    log(`load average ${l.toFixed(2)} >= ${below}: waiting…`);
    await new Promise((r) => setTimeout(r, 15_000));
    l = loadavg()[0];
  }
  return l;
}

export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`]);
  return r.status === 0 ? r.stdout.toString().trim() : null;
}

export const rssMethod = haveGnuTime ? '/usr/bin/time -v (ru_maxrss)' : '/proc/PID/status VmHWM polled every 20 ms';
