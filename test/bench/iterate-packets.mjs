#!/usr/bin/env node
/**
 * The floor for the benchmark: reads a capture through the capture stage only (openCaptureFile
 * from the compiled dist/) and counts packets and bytes, touching nothing else.
 *
 * Usage: node test/bench/iterate-packets.mjs FILE [--dist DIR]   (DIR defaults to ../../dist)
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const distAt = args.indexOf('--dist');
const dist = distAt >= 0 ? resolve(args[distAt + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');
const file = args.find((a, i) => !a.startsWith('--') && (distAt < 0 || i !== distAt + 1));
if (!file) {
  process.stderr.write('usage: iterate-packets.mjs FILE [--dist DIR]\n');
  process.exit(2);
}
const { openCaptureFile } = await import(pathToFileURL(resolve(dist, 'capture/index.js')).href);
const source = await openCaptureFile(file);
let packets = 0;
let bytes = 0;
let warnings = 0;
await source.run({
  packet(p) {
    packets++;
    bytes += p.data.length;
  },
  secrets() {},
  warning() {
    warnings++;
  },
});
process.stdout.write(`${packets} packets, ${bytes} captured bytes, ${warnings} warnings\n`);
