/**
 * Child processes for the live-capture tests: spawn with output collected, poll for output with a
 * deadline (never a fixed sleep), wait for exit with a deadline, and kill whatever is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running child with its stdout/stderr collected as text. */
export class Child {
  stdout = '';
  stderr = '';
  exit: Exit | null = null;
  readonly exited: Promise<Exit>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.stdout?.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    proc.stderr?.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) => {
      proc.on('error', (err) => {
        this.stderr += `spawn error: ${err.message}\n`;
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
      // 'close': the process has exited AND its stdio streams are drained
      proc.on('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** Polls until `test` holds (checked every 20 ms); rejects with the child's output after `ms`. */
  async waitFor(what: string, test: (c: Child) => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test(this)) {
      if (this.exit !== null && !test(this)) {
        throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before ${what}\n${this.describe()}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${this.describe()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the exit; kills the child (SIGKILL) and rejects after `ms`. */
  async waitExit(ms: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`${this.name} did not exit within ${ms} ms\n${this.describe()}`));
      }, ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exit === null && this.proc.pid !== undefined) {
      try {
        this.proc.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  describe(): string {
    const tail = (s: string) => (s.length > 4000 ? `...${s.slice(-4000)}` : s);
    return `--- ${this.name} stdout ---\n${tail(this.stdout)}\n--- ${this.name} stderr ---\n${tail(this.stderr)}`;
  }
}

/** Every child started through `start`, so afterAll can kill what is still running. */
const children = new Set<Child>();

export function start(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): Child {
  const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
  const c = new Child(name, proc);
  children.add(c);
  void c.exited.then(() => children.delete(c));
  return c;
}

/** Runs a command to its end with `input` on stdin; kills it and rejects after `ms`. */
export async function run(name: string, cmd: string, args: string[], input: string, ms: number, env?: NodeJS.ProcessEnv): Promise<Child> {
  const c = start(name, cmd, args, env);
  c.proc.stdin?.on('error', () => undefined);
  c.proc.stdin?.end(input);
  await c.waitExit(ms);
  return c;
}

/** SIGKILLs every child still running and waits (bounded) for them to be gone. */
export async function killAll(): Promise<void> {
  const left = [...children];
  for (const c of left) c.kill();
  await Promise.all(left.map((c) => Promise.race([c.exited, new Promise((r) => setTimeout(r, 2000))])));
}

/** A TCP port free on 127.0.0.1 right now (bind port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Why the live tests cannot run here (null = they can): they need root and the cap binding. */
export function liveSkipReason(): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return `not running as root (uid ${process.getuid()}): live capture needs CAP_NET_RAW`;
  }
  try {
    const cap = createRequire(import.meta.url)('cap') as { Cap?: { deviceList?: () => unknown[] } };
    if (typeof cap.Cap?.deviceList !== 'function') return 'the "cap" module has no Cap.deviceList';
    cap.Cap.deviceList();
  } catch (err) {
    return `the libpcap binding "cap" cannot be loaded: ${(err as Error).message.split('\n')[0]}`;
  }
  return null;
}
