#!/usr/bin/env node
// Regenerates the files made from the warning catalogue (src/warning-codes.ts, via dist/): docs/warnings.md
// and the warning code enum in schema/report.schema.json. Run after adding a code:
//   npx tsc -p tsconfig.json && node test/tools/warnings-doc.mjs
// test/report/warning-codes.test.ts fails while either file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { warningCatalogueMarkdown, warningJsonSchema } = await import(join(REPO, 'dist', 'warning-codes.js'));

writeFileSync(join(REPO, 'docs', 'warnings.md'), warningCatalogueMarkdown());

const schemaPath = join(REPO, 'schema', 'report.schema.json');
const text = readFileSync(schemaPath, 'utf8');
// the schema is hand-formatted: only the "warning" definition's block is rewritten
const start = text.indexOf('    "warning": {');
if (start < 0) throw new Error('report.schema.json has no $defs/warning');
const end = text.indexOf('\n    }', start) + '\n    }'.length;
const block = JSON.stringify({ warning: warningJsonSchema() }, null, 2).split('\n').slice(1, -1).map((l) => `  ${l}`).join('\n');
writeFileSync(schemaPath, text.slice(0, start) + block + text.slice(end));
