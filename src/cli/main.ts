/**
 * tls-inspect command line: `file`, `live`, `interfaces`. Errors for people: one line, exit 2.
 */
import v8 from 'node:v8';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
// each command's module (and the pipeline behind it) is loaded when that command runs, so the
// TUI's first screen does not wait for code it does not need yet
import type { FileArgs } from './file-command.js';
import type { LiveArgs } from './live-command.js';
import { UsageError, fail } from './errors.js';
import { FORMATS, LOG_FORMATS } from './output.js';

/** Formats `live` streams (a subset of FORMATS). */
const LIVE_FORMATS = ['text', 'jsonl', 'json', ...LOG_FORMATS] as const;
import { ONLY_FILTERS } from './filter.js';
import { TIME_FORMATS } from '../report/time-column.js';
import { portNumber, positiveNumbers, rejectRepeats, tsharkStyle, yargsMessage } from './args.js';
import { VERSION } from './version.js';

// Flat memory on big captures and long live runs: after each full GC V8 lets the old generation
// grow to up to 4x what survived before collecting again; per-connection objects die old (a
// connection lives across many scavenges), so that headroom fills with garbage (~100 MB on the
// bench capture). 1.6x keeps `--format jsonl` under 200 MB (README, Performance) for a few % CPU.
// Only the growth factor changes, not the heap limit: nothing that fits today runs out of memory.
v8.setFlagsFromString('--heap-growing-percent=60');

/** A capture "-" (stdin) on the command line, as yargs keeps it in an array positional. */
const STDIN = '\u0000stdin';

/** Which connections are reported (file and live). */
function filterOptions<T>(y: Argv<T>) {
  return y
    .option('display-filter', { alias: 'Y', type: 'string', requiresArg: true, describe: 'display filter over the connection JSON, e.g. \'verdict == "failed" && clientCertificate.status == "empty"\'' })
    .option('host', { type: 'string', requiresArg: true, describe: 'only connections with this IP address or SNI' })
    .option('port', { type: 'number', requiresArg: true, describe: 'only connections with this TCP port' })
    .option('only', { choices: ONLY_FILTERS, array: true, describe: 'only failed / mutual-TLS / TLS 1.3 / alerting / QUIC connections (repeatable: all must hold)' });
}

/** How the text report looks (file and live). */
function textOptions<T>(y: Argv<T>) {
  return y
    .option('brief', { type: 'boolean', default: false, describe: 'one line per connection, then the summary (text)' })
    .option('details', { type: 'boolean', default: false, describe: 'text: also print the fingerprints (JA4, JA4_r, JA3, JA3S); json/jsonl: also each event\'s decoded fields, times and reasons, and the fingerprints' })
    .option('pretty', { type: 'boolean', describe: 'json: indented (default: on a terminal; else one line)' })
    .option('time-format', { alias: 't', choices: TIME_FORMATS, default: 'r' as const, describe: 'ladder time: r since the first packet (tshark frame.time_relative), a time of day, ad date and time, d since the previous line, c since the connection\'s first packet' })
    .option('color', { type: 'boolean', describe: 'colour in text output (default: on a terminal, unless NO_COLOR)' });
}

/** Key material and trust anchors (file and live). */
function inputOptions<T>(y: Argv<T>, live: boolean) {
  return y
    .option('keylog', { type: 'string', array: true, requiresArg: true, describe: live ? 'NSS key log file(s), re-read as they grow (default: $SSLKEYLOGFILE)' : 'NSS key log file(s) (default: $SSLKEYLOGFILE)' })
    .option('ca', { type: 'string', array: true, requiresArg: true, describe: 'PEM bundle(s) of trusted CAs for offline client chain checks' });
}

async function main(rawArgv: string[]): Promise<number> {
  let exitCode = 0;
  const argv = tsharkStyle(rawArgv).map((t, i, all) => (t === '-' && i > 0 && (all[i - 1] === 'file' || !all[i - 1]!.startsWith('-')) ? STDIN : t));
  const parser = yargs(argv)
    .scriptName('tls-inspect')
    .usage('$0 <command> [options]\n\nExplains TLS handshakes — above all mutual TLS: is the client certificate requested, sent, empty, rejected, and why.\ntshark habits work too: $0 -r CAPTURE (= file), $0 -i IFACE (= live), $0 -D (= interfaces).')
    .command(
      'file <capture..>',
      'analyse pcap / pcapng files (gzip ok; a directory: its captures; - for stdin)',
      (y) =>
        textOptions(
          filterOptions(
            inputOptions(
              y
                .positional('capture', { type: 'string', array: true, describe: 'capture file(s) or directories, or - for stdin', demandOption: true })
                .option('format', { alias: 'F', choices: [...FORMATS, ...LOG_FORMATS], requiresArg: true, describe: 'report format (default: TUI on a terminal, else text); zeek/zeek-json: ssl.log + x509.log into -o DIR; ecs: Elastic Common Schema JSON lines' })
                .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'write the report to this file' }),
              false,
            ),
          ),
        )
          .option('all', { type: 'boolean', default: false, describe: 'list every TCP connection, not only TLS ones' })
          .option('tui', { type: 'boolean', default: true, describe: 'open the terminal UI when stdout is a terminal (--no-tui for the report)' })
          .option('fail-on', { choices: ['error', 'warning'] as const, requiresArg: true, describe: 'exit 1 when a diagnosis of this severity exists' })
          .option('max-buffer-mb', { type: 'number', default: 256, requiresArg: true, describe: 'max out-of-order TCP bytes buffered (MiB, all connections)' })
          .option('max-connections', { type: 'number', default: 1_000_000, requiresArg: true, describe: 'max TCP connections tracked at once' })
          .option('max-message-kb', { type: 'number', default: 1024, requiresArg: true, describe: 'max size of one handshake message (KiB)' })
          .option('jobs', { alias: 'j', type: 'number', requiresArg: true, describe: 'worker threads (default: the available cores for several captures; for one capture only with 3 or more cores; 1: no worker); the report is the same whatever N' }),
      async (args) => {
        rejectRepeats(args);
        positiveNumbers(args, ['max-buffer-mb', 'max-connections', 'max-message-kb', 'jobs'], argv);
        portNumber(args, argv);
        const a = args as unknown as FileArgs & { jobs?: number };
        const { defaultJobs, defaultShardJobs, isDirectory, workersFit } = await import('./jobs-plan.js');
        const jobs = a.jobs === undefined ? defaultJobs() : Math.max(1, Math.floor(a.jobs));
        // shards of one capture: as --jobs says, else only with 3 or more cores (./jobs-plan.ts)
        const shardJobs = a.jobs === undefined ? defaultShardJobs() : jobs;
        // yargs turns a lone "-" positional into ""; "-" means stdin
        // yargs drops a "-" from an array positional: it is given as STDIN (after `--all` it is lost: then stdin)
        const given = ([] as string[]).concat(a.capture).map((c) => (c === '' || c === STDIN ? '-' : String(c)));
        if (given.length === 0) given.push('-');
        a.capture = given[0]!;
        const tuiPossible = a.tui && a.format === undefined && !a.output && process.stdout.isTTY === true && process.stdin.isTTY === true;
        if (given.length > 1 || isDirectory(a.capture)) {
          const { runCaptureList } = await import('./files-command.js');
          exitCode = await runCaptureList(a, given, jobs, shardJobs);
        } else if (shardJobs > 1 && !tuiPossible && workersFit(a.capture, a.format ?? 'text')) {
          const { runFileWithJobs } = await import('./files-command.js');
          exitCode = await runFileWithJobs(a, shardJobs);
        } else {
          const { runFileCommand } = await import('./file-command.js');
          exitCode = await runFileCommand(a);
        }
      },
    )
    .command(
      'live',
      'capture on an interface (libpcap) and analyse as handshakes happen',
      (y) =>
        textOptions(
          filterOptions(
            inputOptions(
              y
                .option('interface', { alias: 'i', type: 'string', demandOption: true, requiresArg: true, describe: 'interface name (see `tls-inspect -D`)' })
                .option('filter', { alias: 'f', type: 'string', default: 'tcp', requiresArg: true, describe: 'BPF capture filter' })
                .option('format', { alias: 'F', choices: LIVE_FORMATS, requiresArg: true, describe: 'stream format when not on a terminal (default text); zeek/zeek-json: ssl.log + x509.log into -o DIR; ecs: ECS JSON lines' })
                .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'write results to this file' }),
              true,
            ),
          ),
        )
          .option('write', { alias: 'w', type: 'string', requiresArg: true, describe: 'also write the packets to this pcapng file' })
          .option('duration', { type: 'number', requiresArg: true, describe: 'stop after this many seconds' })
          .option('count', { alias: 'c', type: 'number', requiresArg: true, describe: 'stop after this many packets' })
          .option('snaplen', { alias: 's', type: 'number', default: 262144, requiresArg: true, describe: 'bytes captured per packet' })
          .option('capture-engine', { choices: ['auto', 'cap', 'dumpcap', 'tcpdump'] as const, default: 'auto' as const, requiresArg: true, describe: 'who captures: cap (in-process libpcap), dumpcap or tcpdump (external process, drop counts); auto: dumpcap, else tcpdump, else cap' })
          .option('buffer-size', { alias: 'B', type: 'number', default: 32, requiresArg: true, describe: 'kernel capture buffer (MiB)' })
          .option('idle-timeout', { type: 'number', default: 60, requiresArg: true, describe: 'report a connection after this many idle seconds' })
          .option('all', { type: 'boolean', default: false, describe: 'report every TCP connection, not only TLS ones' })
          .option('tui', { type: 'boolean', default: true, describe: 'open the terminal UI when stdout is a terminal' })
          .option('fail-on', { choices: ['error', 'warning'] as const, requiresArg: true, describe: 'exit 1 when a diagnosis of this severity exists' }),
      async (args) => {
        rejectRepeats(args);
        positiveNumbers(args, ['duration', 'count', 'snaplen', 'idle-timeout', 'buffer-size'], argv);
        portNumber(args, argv);
        const { runLiveCommand } = await import('./live-command.js');
        exitCode = await runLiveCommand(args as unknown as LiveArgs);
      },
    )
    .command('interfaces', 'list capture interfaces (like tshark -D)', {}, async () => {
      const { runInterfacesCommand } = await import('./interfaces-command.js');
      exitCode = await runInterfacesCommand();
    })
    .demandCommand(1, 'say what to do: tls-inspect file CAPTURE (or -r CAPTURE), live -i IFACE (or -i IFACE), or interfaces (or -D); see --help')
    .strict()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // yargs' own errors (YError: "Not enough arguments following: port") are usage errors too
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(yargsMessage(msg ?? err?.message ?? '', argv));
    });
  await parser.parseAsync();
  return exitCode;
}


main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = fail(err);
  },
);
