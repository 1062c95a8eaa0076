/**
 * Command-line words before and after yargs: tshark/tcpdump habits (`-r FILE`, `-i IF`, `-D`)
 * become subcommands, and every mistake becomes one line that says what was wrong and what to do.
 */
import { UsageError } from './errors.js';

export const COMMANDS = ['file', 'live', 'interfaces'] as const;

/** Short aliases of options that take a value (for messages and raw-value lookups). */
export const ALIASES: Record<string, string> = {
  format: 'F',
  output: 'o',
  interface: 'i',
  filter: 'f',
  write: 'w',
  count: 'c',
  snaplen: 's',
  'display-filter': 'Y',
  'time-format': 't',
  jobs: 'j',
};

/** Options that may be given more than once (their values are lists). */
export const REPEATABLE = new Set(['keylog', 'ca', 'only', 'capture']);

/** `-F/--format`, or `--host` for an option without a short alias. */
export function optionName(name: string): string {
  if (name.length === 1) {
    const long = Object.keys(ALIASES).find((k) => ALIASES[k] === name);
    if (long) name = long;
  }
  const a = ALIASES[name];
  return a ? `-${a}/--${name}` : `--${name}`;
}

const USE = 'tls-inspect file CAPTURE (or -r CAPTURE), live -i IFACE (or -i IFACE), or interfaces (or -D); see --help';

/** The argument of `-r` in `-r X`, `-rX` or `--read-file X` / `--read-file=X` (and where it is). */
function readFileArg(argv: string[], i: number): { value: string | undefined; used: number } | null {
  const t = argv[i];
  if (t === '-r' || t === '--read-file') return { value: argv[i + 1], used: 2 };
  if (t.startsWith('--read-file=')) return { value: t.slice('--read-file='.length), used: 1 };
  if (/^-r./.test(t)) return { value: t.slice(2).replace(/^=/, ''), used: 1 };
  return null;
}

/**
 * tshark habits without a subcommand: `-r FILE ...` = `file FILE ...`, `-i IF ...` = `live -i IF ...`,
 * `-D` = `interfaces`. Arguments that start with a subcommand (or ask for help) are left alone.
 */
export function tsharkStyle(argv: string[]): string[] {
  const first = argv[0];
  if (first === undefined || (COMMANDS as readonly string[]).includes(first)) return argv;
  if (['--help', '-h', '--version', 'help'].includes(first)) return argv;
  const end = argv.indexOf('--');
  const opts = end < 0 ? argv : argv.slice(0, end);
  if (opts.includes('-D') || opts.includes('--list-interfaces')) {
    const rest = argv.filter((a) => a !== '-D' && a !== '--list-interfaces');
    if (rest.length > 0) throw new UsageError(`-D lists the capture interfaces and takes no other argument (got ${rest.join(' ')})`);
    return ['interfaces'];
  }
  let read: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const r = i < opts.length ? readFileArg(argv, i) : null;
    if (!r) {
      rest.push(argv[i]);
      continue;
    }
    if (r.value === undefined || r.value === '') throw new UsageError('-r needs a capture file: tls-inspect -r CAPTURE (- reads stdin)');
    if (read !== undefined) throw new UsageError(`-r given twice ("${read}" and "${r.value}"): give one capture file`);
    read = r.value;
    i += r.used - 1;
  }
  const live = opts.some((a) => a === '-i' || a === '--interface' || a.startsWith('--interface=') || /^-i./.test(a));
  if (read !== undefined && live) throw new UsageError('-r reads a capture file and -i captures on an interface: give one of them');
  if (read !== undefined) return ['file', read, ...rest];
  if (live) return ['live', ...argv];
  if (!first.startsWith('-')) throw new UsageError(`unknown command "${first}": use ${USE}`);
  return argv;
}

/** The text given on the command line for an option (its last occurrence), for messages. */
export function rawValue(argv: string[], name: string): string | undefined {
  const short = ALIASES[name];
  let v: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') break;
    if (t === `--${name}` || (short && t === `-${short}`)) v = argv[i + 1];
    else if (t.startsWith(`--${name}=`)) v = t.slice(name.length + 3);
    else if (short && t.startsWith(`-${short}`) && !t.startsWith('--') && t.length > 2) v = t.slice(2).replace(/^=/, '');
  }
  return v;
}

/** A single-valued option given more than once is an error naming it. */
export function rejectRepeats(args: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(args)) {
    if (!Array.isArray(v) || k === '_' || REPEATABLE.has(k) || /[A-Z]/.test(k) || k.length === 1) continue;
    const shown = v.map((x) => JSON.stringify(String(x))).join(' and ');
    throw new UsageError(`${optionName(k)} given ${v.length === 2 ? 'twice' : `${v.length} times`} (${shown}): give it once`);
  }
}

/** Numeric options: finite and > 0 (yargs turns "abc" into NaN, which would disable a limit). */
export function positiveNumbers(args: Record<string, unknown>, names: string[], argv: string[]): void {
  for (const n of names) {
    const v = args[n];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new UsageError(`${optionName(n)} needs a positive number, got ${JSON.stringify(rawValue(argv, n) ?? String(v))}`);
    }
  }
}

/** --port: a TCP port number. */
export function portNumber(args: Record<string, unknown>, argv: string[]): void {
  const v = args.port;
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new UsageError(`--port needs a TCP port number (0-65535), got ${JSON.stringify(rawValue(argv, 'port') ?? String(v))}`);
  }
}

const dash = (n: string) => (n.length === 1 ? `-${n}` : `--${n}`);

/** yargs' own messages (some several lines long) as one line that says what to do. */
export function yargsMessage(msg: string, argv: string[]): string {
  const command = argv.find((a) => (COMMANDS as readonly string[]).includes(a));
  const help = command ? `tls-inspect ${command} --help` : 'tls-inspect --help';
  const choice = /Argument: ([\w-]+), Given: (.*?), Choices: (.*)/.exec(msg);
  if (choice) {
    const choices = choice[3].replace(/"/g, '').split(/,\s*/).join(', ');
    return `${optionName(choice[1])}: ${choice[2]} is not a valid choice; choose one of ${choices}`;
  }
  const unknown = /^Unknown arguments?: (.*)$/m.exec(msg);
  if (unknown) {
    const names = unknown[1].split(/,\s*/);
    const positional = names.find((n) => argv.includes(n));
    if (positional !== undefined) return `unexpected argument "${positional}" (see ${help})`;
    return `unknown option ${names.map(dash).join(', ')} for ${command ?? 'tls-inspect'} (see ${help})`;
  }
  if (/^Missing required argument: interface/m.test(msg)) return 'live needs an interface: tls-inspect live -i IFACE (tls-inspect -D lists them)';
  const missing = /^Missing required arguments?: (.*)$/m.exec(msg);
  if (missing) return `missing ${missing[1].split(/,\s*/).map(dash).join(', ')} (see ${help})`;
  if (/^Not enough non-option arguments/m.test(msg) && command === 'file') {
    return 'file needs a capture: tls-inspect file CAPTURE (or -r CAPTURE; - reads stdin)';
  }
  const noValue = /^Not enough arguments following: (.*)$/m.exec(msg);
  if (noValue) return `${optionName(noValue[1])} needs a value (see ${help})`;
  return msg.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
}
