/**
 * The blessed screen and the guard that gives the terminal back: on quit, on SIGINT / SIGTERM /
 * SIGHUP and on an uncaught exception or unhandled rejection the screen is destroyed (normal
 * buffer, cursor, mouse and tty mode restored) before anything is printed. While the TUI runs,
 * writes to stderr and console.log / info / debug are held back (they would scribble over the
 * screen) and replayed on stderr afterwards.
 */
import blessed from 'blessed';
import type { Readable, Writable } from 'node:stream';

export interface ScreenOptions {
  title: string;
  input?: Readable;
  output?: Writable;
  /** terminfo name (default: $TERM). */
  terminal?: string;
}

export function createScreen(o: ScreenOptions): blessed.Widgets.Screen {
  const opts: blessed.Widgets.IScreenOptions = {
    smartCSR: true,
    fullUnicode: true,
    title: o.title,
    warnings: false,
    autoPadding: true,
    dockBorders: false,
    useBCE: true,
    sendFocus: false,
  };
  // @types/blessed has IScreenOptions.input / output typed the wrong way round
  if (o.input) opts.input = o.input as unknown as Writable;
  if (o.output) opts.output = o.output as unknown as Readable;
  if (o.terminal) opts.terminal = o.terminal;
  const screen = blessed.screen(opts);
  // On a UTF-8 terminal draw borders with Unicode box characters instead of the VT100 line-drawing
  // charset: the same look, and text captures (tmux capture-pane) show lines instead of "qqqq".
  const tput = (screen as unknown as { tput: { unicode: boolean; brokenACS: boolean } }).tput;
  if (tput.unicode) tput.brokenACS = true;
  return screen;
}

/** True when the terminal takes UTF-8 (block characters for text bars). */
export function screenUnicode(screen: blessed.Widgets.Screen): boolean {
  return (screen as unknown as { tput: { unicode: boolean } }).tput.unicode === true;
}

type StderrWrite = typeof process.stderr.write;

export interface TerminalGuard {
  /** Destroy the screen (idempotent), stop holding stderr and replay what was held. */
  release(): void;
}

const MAX_HELD = 64 * 1024;

const SIGNAL_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Installs the handlers and the output hold; `release()` undoes all of it. */
export function guardTerminal(screen: blessed.Widgets.Screen, captureStderr = true): TerminalGuard {
  let released = false;
  const held: string[] = [];
  let heldBytes = 0;
  const originalWrite: StderrWrite = process.stderr.write;
  if (captureStderr) {
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      const s = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      if (heldBytes < MAX_HELD) {
        held.push(s);
        heldBytes += s.length;
      }
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (cb) process.nextTick(cb);
      return true;
    }) as StderrWrite;
  }

  // console.log / info / debug write to stdout, where blessed draws: hold them back as well
  type ConsoleFn = (...args: unknown[]) => void;
  const consoleNames = ['log', 'info', 'debug'] as const;
  const savedConsole = consoleNames.map((n) => console[n] as ConsoleFn);
  if (captureStderr) {
    for (const n of consoleNames) {
      console[n] = (...args: unknown[]): void => {
        process.stderr.write(`${args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ')}\n`);
      };
    }
  }

  const onSignal = (sig: NodeJS.Signals): void => {
    release();
    process.exit(SIGNAL_CODES[sig] ?? 1);
  };
  const onFatal = (err: unknown): void => {
    release();
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`tls-inspect: internal error in the terminal UI: ${msg}\n`);
    process.exit(2);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  function release(): void {
    if (released) return;
    released = true;
    for (const s of signals) process.removeListener(s, onSignal);
    process.removeListener('uncaughtException', onFatal);
    process.removeListener('unhandledRejection', onFatal);
    try {
      screen.destroy();
    } finally {
      if (captureStderr) {
        process.stderr.write = originalWrite;
        consoleNames.forEach((n, i) => {
          console[n] = savedConsole[i];
        });
      }
      if (held.length > 0) process.stderr.write(held.join(''));
    }
  }
  return { release };
}
