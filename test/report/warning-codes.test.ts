/**
 * The warning catalogue (src/warning-codes.ts) is the one list of warning codes: the report
 * schema's enum must equal it, docs/warnings.md must be generated from it, and every code is
 * given somewhere in src/ (no dead entries). After adding a code:
 *   npx tsc -p tsconfig.json && node test/tools/warnings-doc.mjs
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  WARNING_CATALOGUE, WARNING_CLASSES, WARNING_CODES, warningCatalogueMarkdown, warningJsonSchema, type WarningCode,
} from '../../src/warning-codes.js';

const REPO = join(import.meta.dirname, '..', '..');
const REGEN = 'regenerate with: npx tsc -p tsconfig.json && node test/tools/warnings-doc.mjs';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('warning catalogue', () => {
  it('codes are kebab-case, unique, with a known class and a one-line meaning', () => {
    expect(WARNING_CODES.length).toBeGreaterThan(40);
    expect(new Set(WARNING_CODES).size).toBe(WARNING_CODES.length);
    for (const code of WARNING_CODES) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      const e = WARNING_CATALOGUE[code];
      expect(Object.keys(WARNING_CLASSES)).toContain(e.class);
      expect(e.meaning).toMatch(/^[^\n|]{10,140}$/);
    }
    // every class is used
    expect(new Set(WARNING_CODES.map((c) => WARNING_CATALOGUE[c].class))).toEqual(new Set(Object.keys(WARNING_CLASSES)));
  });

  it('the report schema lists exactly the catalogue\'s codes (a new code must be added to the schema)', () => {
    const schema = JSON.parse(readFileSync(join(REPO, 'schema/report.schema.json'), 'utf8'));
    expect(schema.$defs?.warning?.properties?.code?.enum, REGEN).toEqual([...WARNING_CODES]);
    expect(schema.$defs.warning).toEqual(warningJsonSchema());
    expect(schema.$defs.source.properties.warnings.items).toEqual({ $ref: '#/$defs/warning' });
    expect(schema.$defs.connection.properties.warnings.items).toEqual({ $ref: '#/$defs/warning' });
  });

  it('docs/warnings.md is generated from the catalogue', () => {
    const doc = readFileSync(join(REPO, 'docs', 'warnings.md'), 'utf8');
    expect(doc, REGEN).toBe(warningCatalogueMarkdown());
    for (const code of WARNING_CODES) expect(doc).toContain(`| \`${code}\` | ${WARNING_CATALOGUE[code].class} |`);
  });

  it('every code is given by some stage (no dead entries), and only catalogue codes are', () => {
    const text = sources(join(REPO, 'src'))
      .filter((f) => !f.endsWith('warning-codes.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = WARNING_CODES.filter((c: WarningCode) => !text.includes(`'${c}'`));
    expect(unused).toEqual([]);
  });
});
