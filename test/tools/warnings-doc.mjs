#!/usr/bin/env node
// Regenerates the files made from the warning catalogue (src/warning-codes.ts, via dist/): docs/warnings.md
// and the warning code enum of the report schema(s). Run after adding a code:
//   npx tsc -p tsconfig.json && node test/tools/warnings-doc.mjs
// test/report/warning-codes.test.ts fails while either file is out of date.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { warningCatalogueMarkdown, warningJsonSchema } = await import(join(REPO, 'dist', 'warning-codes.js'));

writeFileSync(join(REPO, 'docs', 'warnings.md'), warningCatalogueMarkdown());

// the schemas are hand-formatted: only their "warning" definition's block is rewritten (the v1 test
// fixture; schema/report.schema.json too once it has a $defs/warning at the same indentation)
const block = JSON.stringify({ warning: warningJsonSchema() }, null, 2).split('\n').slice(1, -1).map((l) => `  ${l}`).join('\n');
for (const rel of ['test/fixtures/report.schema.json', 'schema/report.schema.json']) {
  const schemaPath = join(REPO, rel);
  if (!existsSync(schemaPath)) continue;
  const text = readFileSync(schemaPath, 'utf8');
  const start = text.indexOf('    "warning": {');
  if (start < 0) {
    process.stderr.write(`${rel}: no $defs/warning (4-space indented) to rewrite; add one from warningJsonSchema()\n`);
    continue;
  }
  const end = text.indexOf('\n    }', start) + '\n    }'.length;
  writeFileSync(schemaPath, text.slice(0, start) + block + text.slice(end));
}
