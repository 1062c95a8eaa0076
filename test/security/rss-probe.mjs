// Preloaded into a spawned CLI (node --import): at exit, the process's peak RSS (KiB) goes to the
// file named by TLS_INSPECT_RSS_FILE. Test-only; the product has no such hook.
import { writeFileSync } from 'node:fs';
const file = process.env.TLS_INSPECT_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
