/**
 * tls-inspect command line: `file`, `live`, `interfaces`. Errors for people: one line, exit 2.
 */
import v8 from 'node:v8';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
// each command's module (and the pipeline behind it) is loaded when that command runs, so the
// TUI's first screen does not wait for code it does not need yet
import type { FileArgs } from './file-command.js';
import type { LiveArgs } from './live-command.js';
import { UsageError, fail } from './errors.js';
import { FORMATS, LOG_FORMATS, ONLY_FILTERS } from './output.js';
import { VERSION } from './version.js';

// Flat memory on big captures and long live runs: after each full GC V8 lets the old generation
// grow to up to 4x what survived before collecting again; per-connection objects die old (a
// connection lives across many scavenges), so that headroom fills with garbage (~100 MB on the
// bench capture). 1.6x keeps `--format jsonl` under 200 MB (README, Performance) for a few % CPU.
// Only the growth factor changes, not the heap limit: nothing that fits today runs out of memory.
v8.setFlagsFromString('--heap-growing-percent=60');

/** Numeric options must be finite and > 0 (yargs turns "abc" into NaN, which would disable a limit). */
function positiveNumbers(args: Record<string, unknown>, names: string[]): void {
  for (const n of names) {
    const v = args[n];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new UsageError(`--${n} needs a positive number, got ${JSON.stringify(String(v))}`);
    }
  }
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser = yargs(argv)
    .scriptName('tls-inspect')
    .usage('$0 <command> [options]\n\nExplains TLS handshakes — above all mutual TLS: is the client certificate requested, sent, empty, rejected, and why.')
    .command(
      'file <capture>',
      'analyse a pcap / pcapng file (gzip ok; - for stdin)',
      (y) =>
        y
          .positional('capture', { type: 'string', describe: 'capture file, or - for stdin', demandOption: true })
          .option('format', { alias: 'F', choices: [...FORMATS, ...LOG_FORMATS], describe: 'report format (default: TUI on a terminal, else text); zeek/zeek-json: ssl.log + x509.log into -o DIR; ecs: Elastic Common Schema JSON lines' })
          .option('details', { type: 'boolean', default: false, describe: 'text: also print the fingerprints (JA4, JA4_r, JA3, JA3S)' })
          .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file' })
          .option('keylog', { type: 'string', array: true, describe: 'NSS key log file(s) (default: $SSLKEYLOGFILE)' })
          .option('ca', { type: 'string', array: true, describe: 'PEM bundle(s) of trusted CAs for offline client chain checks' })
          .option('host', { type: 'string', describe: 'only connections with this IP address or SNI' })
          .option('port', { type: 'number', describe: 'only connections with this TCP port' })
          .option('only', { choices: ONLY_FILTERS, describe: 'only failed / mutual-TLS / TLS 1.3 / alerting connections' })
          .option('all', { type: 'boolean', default: false, describe: 'list every TCP connection, not only TLS ones' })
          .option('tui', { type: 'boolean', default: true, describe: 'open the terminal UI when stdout is a terminal (--no-tui for the report)' })
          .option('color', { type: 'boolean', describe: 'colour in text output (default: on a terminal, unless NO_COLOR)' })
          .option('fail-on', { choices: ['error', 'warning'] as const, describe: 'exit 1 when a diagnosis of this severity exists' })
          .option('max-buffer-mb', { type: 'number', default: 256, describe: 'max out-of-order TCP bytes buffered (MiB, all connections)' })
          .option('max-connections', { type: 'number', default: 1_000_000, describe: 'max TCP connections tracked at once' })
          .option('max-message-kb', { type: 'number', default: 1024, describe: 'max size of one handshake message (KiB)' }),
      async (args) => {
        positiveNumbers(args, ['max-buffer-mb', 'max-connections', 'max-message-kb', 'port']);
        const { runFileCommand } = await import('./file-command.js');
        exitCode = await runFileCommand(args as unknown as FileArgs);
      },
    )
    .command(
      'live',
      'capture on an interface (libpcap) and analyse as handshakes happen',
      (y) =>
        y
          .option('interface', { alias: 'i', type: 'string', demandOption: true, describe: 'interface name (see `tls-inspect interfaces`)' })
          .option('filter', { alias: 'f', type: 'string', default: 'tcp', describe: 'BPF capture filter' })
          .option('format', { alias: 'F', choices: ['text', 'jsonl', 'json', ...LOG_FORMATS] as const, describe: 'stream format when not on a terminal (default text); zeek/zeek-json: ssl.log + x509.log into -o DIR; ecs: ECS JSON lines' })
          .option('details', { type: 'boolean', default: false, describe: 'text: also print the fingerprints (JA4, JA4_r, JA3, JA3S)' })
          .option('output', { alias: 'o', type: 'string', describe: 'write results to this file' })
          .option('keylog', { type: 'string', array: true, describe: 'NSS key log file(s), re-read as they grow (default: $SSLKEYLOGFILE)' })
          .option('ca', { type: 'string', array: true, describe: 'PEM bundle(s) of trusted CAs for offline client chain checks' })
          .option('write', { alias: 'w', type: 'string', describe: 'also write the packets to this pcapng file' })
          .option('duration', { type: 'number', describe: 'stop after this many seconds' })
          .option('count', { alias: 'c', type: 'number', describe: 'stop after this many packets' })
          .option('snaplen', { alias: 's', type: 'number', default: 262144, describe: 'bytes captured per packet' })
          .option('capture-engine', { choices: ['auto', 'cap', 'dumpcap', 'tcpdump'] as const, default: 'auto' as const, describe: 'who captures: cap (in-process libpcap), dumpcap or tcpdump (external process, drop counts); auto: dumpcap, tcpdump, cap, the first installed' })
          .option('buffer-size', { alias: 'B', type: 'number', default: 32, describe: 'kernel capture buffer (MiB)' })
          .option('idle-timeout', { type: 'number', default: 60, describe: 'report a connection after this many idle seconds' })
          .option('all', { type: 'boolean', default: false, describe: 'report every TCP connection, not only TLS ones' })
          .option('tui', { type: 'boolean', default: true, describe: 'open the terminal UI when stdout is a terminal' })
          .option('color', { type: 'boolean', describe: 'colour in text output' })
          .option('fail-on', { choices: ['error', 'warning'] as const, describe: 'exit 1 when a diagnosis of this severity exists' }),
      async (args) => {
        positiveNumbers(args, ['duration', 'count', 'snaplen', 'idle-timeout', 'buffer-size']);
        const { runLiveCommand } = await import('./live-command.js');
        exitCode = await runLiveCommand(args as unknown as LiveArgs);
      },
    )
    .command('interfaces', 'list capture interfaces (like tshark -D)', {}, async () => {
      const { runInterfacesCommand } = await import('./interfaces-command.js');
      exitCode = await runInterfacesCommand();
    })
    .demandCommand(1, 'say what to do: file, live or interfaces (see --help)')
    .strict()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
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
